/**
 * One endpoint for every service, since the AWS CLI v2 takes a single --endpoint-url: App Runner
 * calls (X-Amz-Target prefix `AppRunner.`, or SigV4 credential scope service `apprunner`) go to
 * the App Runner emulator, everything else to moto. Each answer carries `Connection: close`.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export function isAppRunnerRequest(req: IncomingMessage): boolean {
  if (String(req.headers['x-amz-target'] ?? '').startsWith('AppRunner.')) return true;
  return /Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/apprunner\//.test(String(req.headers.authorization ?? ''));
}

export class Router {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(upstreams: { readonly appRunner: string; readonly moto: string }, port = 0): Promise<Router> {
    const server = createServer((req, res) => {
      const base = new URL(isAppRunnerRequest(req) ? upstreams.appRunner : upstreams.moto);
      const up = request(
        { host: base.hostname, port: base.port, method: req.method, path: req.url, headers: { ...req.headers, connection: 'close' }, agent: false },
        (r) => {
          const headers = { ...r.headers, connection: 'close' };
          res.writeHead(r.statusCode ?? 502, headers);
          r.pipe(res);
        },
      );
      up.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' });
        res.end(`router: upstream ${base.host} failed: ${e.message}`);
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new Router(server, (server.address() as { port: number }).port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
