/**
 * A fault front: the public port of one local origin. It listens on a TCP socket and hands
 * each connection to an HTTP server that forwards requests to the probe-app process
 * behind it, so faults are real socket behaviour while the app keeps running:
 *
 * - normal        forwards every request to the app;
 * - pause         answers itself as the backend's pause does (pause-models.ts): 404 as a paused App Runner
 *                 service, 503 as an ECS Express service's ALB with its fixed-response fault (no served-by header);
 * - error:<code>  answers that status on the app's behalf (with its served-by header);
 * - refuse        stops listening and drops every connection: connections are refused;
 * - unreachable   stops listening and drops every connection, and a helper process holds the
 *                 port with a full accept queue (unreachable-port.ts): SYNs are dropped, so
 *                 connecting hangs until the client's connect timeout;
 * - blackhole     accepts connections and never answers (requests on open connections hang too);
 * - slow:<ms>     waits that long before forwarding each request; clearing it ends the waits.
 *
 * Like App Runner's front (an envoy proxy that routes by Host), it answers 404 itself to a
 * request whose Host is not the service's own: by default its own 127.0.0.1:<port> or
 * localhost:<port>. An edge that forwards the viewer's Host (origin request policy AllViewer)
 * is therefore answered 404 by both origins, as in AWS.
 */
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Fault } from '../target.js';
import { LocalTargetError } from './errors.js';
import { HOP_BY_HOP, stripHopByHop } from '../../cloudfront/http-headers.js';
import { UnreachablePort } from './unreachable-port.js';
import { pauseModelOf, type PauseModel } from './pause-models.js';

export type FrontMode = { readonly kind: 'normal' } | Fault;

export interface FaultFrontProps {
  /** Port of the probe-app process on 127.0.0.1. */
  readonly appPort: number;
  /** The origin's served-by value (role/region), sent with error answers. */
  readonly servedBy: string;
  /** The header that carries it. @default 'x-served-by' */
  readonly servedByHeader?: string;
  /** Port to listen on. @default 0 (a free port) */
  readonly port?: number;
  /** The node binary for the unreachable fault's helper process. @default process.execPath */
  readonly nodePath?: string;
  /** Host header values the front serves (lower case, with the port). @default - 127.0.0.1:<port> and localhost:<port> */
  readonly hosts?: readonly string[];
  /** What `pause` looks like with the origin's backend (pause-models.ts). @default - App Runner's paused service (404) */
  readonly pause?: PauseModel;
  /** Called with the status of each request the front let through to the service (normal, slow, error). @default - none */
  readonly onServed?: (status: number) => void;
}

/** Modes in which the front does not listen on its port. */
const PORT_CLOSED: readonly FrontMode['kind'][] = ['refuse', 'unreachable'];
const portClosed = (m: FrontMode) => PORT_CLOSED.includes(m.kind);

const HOST = '127.0.0.1';

export class FaultFront {
  /** The port viewers and the edge connect to; kept across refuse, unreachable and clear. */
  readonly port: number;
  private modeNow: FrontMode = { kind: 'normal' };
  private closed = false;
  private tcp: TcpServer;
  private readonly http: HttpServer;
  private readonly app: Pool;
  private readonly sockets = new Set<Socket>();
  /** Connections held open by blackhole, dropped when it ends. */
  private readonly held = new Set<Socket>();
  /** Aborted when a slow fault ends, so requests still waiting out its delay are served at once. */
  private slowWaits = new AbortController();
  private readonly servedByHeader: string;
  /** Responses whose status goes to onServed. */
  private readonly counted = new WeakSet<ServerResponse>();
  /** Holds the port while the origin is unreachable. */
  private unreachable?: UnreachablePort;

  private constructor(
    private readonly props: FaultFrontProps,
    tcp: TcpServer,
    port: number,
  ) {
    this.tcp = tcp;
    this.port = port;
    this.servedByHeader = props.servedByHeader ?? 'x-served-by';
    this.app = new Pool(`http://${HOST}:${props.appPort}`, { keepAliveTimeout: 4_000, connect: { timeout: 5_000 } });
    this.http = createHttpServer((req, res) => void this.handle(req, res));
    this.http.keepAliveTimeout = 65_000;
    this.http.on('clientError', (_err, socket) => socket.destroy());
  }

  static async start(props: FaultFrontProps): Promise<FaultFront> {
    const tcp = createTcpServer();
    await listen(tcp, props.port ?? 0);
    const addr = tcp.address();
    if (typeof addr !== 'object' || addr === null) throw new LocalTargetError('internal', 'fault front has no address after listen');
    const front = new FaultFront(props, tcp, addr.port);
    front.attach(tcp);
    return front;
  }

  get mode(): FrontMode {
    return this.modeNow;
  }

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  /** The pid of the process holding the port while the origin is unreachable. */
  get helperPid(): number | undefined {
    return this.unreachable?.pid;
  }

  /**
   * Switches the mode; returns once new connections see it (the port is closed, held
   * unreachable, or listening again). If the switch fails, the previous mode stays.
   */
  async set(mode: FrontMode): Promise<void> {
    if (this.closed) throw new LocalTargetError('usage', 'the fault front is closed');
    const before = this.modeNow;
    if (before.kind === 'unreachable' && mode.kind === 'unreachable') return;
    // Start the helper that will hold the port before letting go of it, so the port is
    // refused for only a moment on the way to unreachable. Nothing has changed if this fails.
    const prepared =
      mode.kind === 'unreachable' ? await UnreachablePort.prepare({ port: this.port, nodePath: this.props.nodePath }) : undefined;
    this.modeNow = mode;
    if (before.kind === 'blackhole' && mode.kind !== 'blackhole') this.dropHeld();
    if (before.kind === 'slow' && mode.kind !== 'slow') this.releaseSlow();
    if (before.kind === 'unreachable') await this.releasePort();
    if (portClosed(mode) && !portClosed(before))
      await this.stopListening().catch(async (e: unknown) => {
        await prepared?.cancel();
        throw e;
      });
    if (prepared) {
      try {
        this.unreachable = await prepared.hold();
      } catch (e) {
        // Back to the previous mode: the port is free, so listen again unless that mode kept it closed.
        this.modeNow = before;
        if (!portClosed(before)) await this.listenAgain().catch(() => (this.modeNow = { kind: 'refuse' }));
        throw e;
      }
    } else if (portClosed(before) && !portClosed(mode)) {
      try {
        await this.listenAgain();
      } catch (e) {
        this.modeNow = { kind: 'refuse' }; // still closed: a later clear tries again
        throw e;
      }
    }
  }

  /** Stops listening, drops every connection, frees a held port and closes the pool to the app. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.tcp.listening) await this.stopListening();
    this.dropAll();
    this.http.closeAllConnections();
    await this.releasePort();
    await this.app.destroy().catch(() => undefined);
  }

  private async releasePort(): Promise<void> {
    const held = this.unreachable;
    this.unreachable = undefined;
    await held?.release();
  }

  private attach(tcp: TcpServer): void {
    tcp.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.held.delete(socket);
      });
      socket.on('error', () => undefined);
      if (this.modeNow.kind === 'blackhole') {
        // Accepted, never read, never answered.
        this.held.add(socket);
        return;
      }
      this.http.emit('connection', socket);
    });
  }

  private async stopListening(): Promise<void> {
    const closedPromise = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    this.dropAll();
    await closedPromise;
  }

  private async listenAgain(): Promise<void> {
    const tcp = createTcpServer();
    // The port was ours a moment ago; retry briefly in case the kernel has not released it.
    for (let attempt = 1; ; attempt++) {
      try {
        await listen(tcp, this.port);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 40) {
          throw new LocalTargetError('external', `could not listen on 127.0.0.1:${this.port} again: ${(e as Error).message}`, {
            cause: e,
          });
        }
        await sleep(50);
      }
    }
    this.tcp = tcp;
    this.attach(tcp);
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.held.clear();
  }

  /** Ends the delays of requests waiting in a slow fault: they are handled again under the new mode. */
  private releaseSlow(): void {
    this.slowWaits.abort();
    this.slowWaits = new AbortController();
  }

  private dropHeld(): void {
    for (const s of this.held) s.destroy();
    this.held.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const mode = this.modeNow;
    const requestId = req.headers['x-request-id'];
    if (mode.kind !== 'blackhole' && !portClosed(mode) && !this.servesHost(req.headers.host)) {
      req.resume();
      return void res.writeHead(404, { server: 'envoy', 'content-length': '0' }).end();
    }
    // What the service itself answered (its own error, or the app's answer): what its metrics count.
    // (A slow request handled again after its fault changed is counted once.)
    const onServed = this.props.onServed;
    if ((mode.kind === 'normal' || mode.kind === 'slow' || mode.kind === 'error') && onServed && !this.counted.has(res)) {
      this.counted.add(res);
      res.once('finish', () => onServed(res.statusCode));
    }
    switch (mode.kind) {
      case 'blackhole':
        // A request on a connection opened before the blackhole: never answered.
        this.held.add(req.socket);
        return;
      case 'refuse':
      case 'unreachable':
        // The connection outlived the listener by a moment; drop it as a closed port would.
        req.socket.destroy();
        return;
      case 'pause':
        req.resume();
        const r = (this.props.pause ?? pauseModelOf(undefined)).answer();
        return void res.writeHead(r.status, r.headers).end(req.method === 'HEAD' ? undefined : r.body);
      case 'error': {
        req.resume();
        const body = JSON.stringify({ error: `injected error ${mode.status}`, servedBy: this.props.servedBy });
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          [this.servedByHeader]: this.props.servedBy,
        };
        if (typeof requestId === 'string') headers['x-request-id'] = requestId;
        return void res.writeHead(mode.status, headers).end(req.method === 'HEAD' ? undefined : body);
      }
      case 'slow': {
        const gone = new AbortController();
        res.on('close', () => gone.abort());
        try {
          await sleep(mode.ms, undefined, { signal: AbortSignal.any([gone.signal, this.slowWaits.signal]) });
        } catch {
          if (gone.signal.aborted) return; // the caller gave up
          return this.handle(req, res); // the fault changed while this request waited
        }
        return this.forward(req, res);
      }
      case 'normal':
        return this.forward(req, res);
    }
  }

  /** Whether a Host header names this service (App Runner routes by Host). */
  private servesHost(host: string | undefined): boolean {
    const hosts = this.props.hosts ?? [`${HOST}:${this.port}`, `localhost:${this.port}`];
    return host !== undefined && hosts.includes(host.toLowerCase());
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    try {
      const upstream = await this.app.request({
        method: req.method as 'GET',
        path: req.url ?? '/',
        // Host passes through: the front is transparent, the app sees what the edge sent.
        headers: stripHopByHop(req.headers, [...HOP_BY_HOP.filter((h) => h !== 'host'), 'content-length']),
        body: hasBody ? req : null,
        signal: gone.signal,
      });
      res.writeHead(upstream.statusCode, stripHopByHop(upstream.headers));
      await pipeline(upstream.body, res);
    } catch {
      if (gone.signal.aborted) return;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end('origin app unavailable\n');
      } else {
        res.destroy();
      }
    }
  }
}

function listen(server: TcpServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}
