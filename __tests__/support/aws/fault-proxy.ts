/**
 * A fault-injecting HTTP proxy in front of an AWS endpoint (moto through the emulated AWS's router),
 * on a real socket of 127.0.0.1. Requests that match are handled by a script of steps, in order, then
 * passed through; every other request passes through untouched. A step can answer without forwarding
 * (nothing changes upstream), or forward and then lose the upstream's answer (the change is made):
 * replace it with an HTTP 500, reset the connection, or never answer. Or it can hold the request and
 * forward it later (a request that lands after the caller gave up on it).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type ProxyStep =
  /** Forwarded, its answer returned. */
  | { readonly kind: 'pass' }
  /** Answered with this error without forwarding: nothing is changed upstream. */
  | { readonly kind: 'refuse'; readonly status: number; readonly code: string; readonly message: string }
  /** Forwarded (the change is made), then the answer is lost: an HTTP 500, a reset connection, or no answer ever. */
  | { readonly kind: 'lost'; readonly as: '500' | 'reset' | 'hang' }
  /** Never answered, and forwarded only when `release()` is called: the change lands after the caller gave up. */
  | { readonly kind: 'held' };

/** An error answer in the AWS query protocol (ELBv2, EC2-style `ErrorResponse`), as AWS writes it. */
function queryError(code: string, message: string, status: number): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;
}

export class FaultProxy {
  private steps: ProxyStep[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly heldForwards: (() => Promise<void>)[] = [];
  /** How each matching request was handled, in order. */
  readonly handled: ProxyStep['kind'][] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Proxies to `upstream`; `matches` picks the requests the script applies to (by their body). */
  static async start(upstream: string, matches: (body: string) => boolean): Promise<FaultProxy> {
    const base = new URL(upstream);
    let proxy: FaultProxy | undefined;
    const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
      new Promise((resolve, reject) => {
        const up = request(
          {
            host: base.hostname,
            port: base.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, connection: 'close' },
            agent: false,
          },
          (r) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(chunks) }));
            r.on('error', reject);
          },
        );
        up.on('error', reject);
        up.end(body);
      });
    const server = createServer((req, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const matched = matches(body.toString('utf8'));
        const step: ProxyStep = (matched ? proxy!.steps.shift() : undefined) ?? { kind: 'pass' };
        if (matched) proxy!.handled.push(step.kind);
        const answer = (status: number, text: string) => {
          res.writeHead(status, { 'content-type': 'text/xml', connection: 'close' });
          res.end(text);
        };
        if (step.kind === 'refuse') return answer(step.status, queryError(step.code, step.message, step.status));
        if (step.kind === 'held') {
          proxy!.heldForwards.push(() => forward(req, body).then(() => undefined));
          return;
        }
        forward(req, body).then(
          (r) => {
            if (step.kind === 'pass') {
              res.writeHead(r.status, { ...r.headers, connection: 'close' });
              return res.end(r.body);
            }
            if (step.as === '500') return answer(500, queryError('InternalFailure', 'injected: the answer was lost', 500));
            if (step.as === 'reset') return req.socket.destroy();
            // hang: no answer; the caller's timeout ends it.
          },
          (e: Error) => answer(502, queryError('InternalFailure', `fault-proxy: upstream failed: ${e.message}`, 502)),
        );
      });
    });
    server.on('connection', (s: Socket) => {
      proxy?.sockets.add(s);
      s.on('close', () => proxy?.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return proxy;
  }

  /** The next matching requests get these steps, in order; after them, requests pass. Replaces what was left. */
  script(...steps: ProxyStep[]): void {
    this.steps = [...steps];
    this.handled.length = 0;
  }

  /** Forwards the held requests now (their callers have long given up). */
  async release(): Promise<void> {
    const held = this.heldForwards.splice(0);
    for (const f of held) await f();
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
