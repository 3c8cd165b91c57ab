/**
 * The data plane of one emulated App Runner service: its start command and runtime
 * environment run as a local process (the stock Node image's `node` is this machine's Node),
 * with PORT set by the platform, behind a front on its own port of 127.0.0.1 that behaves
 * like App Runner's proxy: 404 while the service is not serving, 404 for a Host that is not
 * the service's.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { execa, type ResultPromise } from 'execa';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface InstanceSpec {
  readonly startCommand: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** One running instance: the process and the port it listens on. */
export class Instance {
  private constructor(
    readonly port: number,
    private readonly child: ResultPromise,
    readonly output: string[],
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts the command (split on spaces, no shell) and waits until its port accepts connections (the TCP health check). */
  static async start(spec: InstanceSpec, timeoutMs: number): Promise<Instance> {
    const port = await freePort();
    const [file, ...args] = spec.startCommand.trim().split(/\s+/);
    if (!file) throw new Error('the service has no start command; the emulator cannot run an image without one');
    const child = execa(file === 'node' ? process.execPath : file, args, {
      env: { PATH: process.env.PATH ?? '', ...spec.environment, PORT: String(port), HOST: '127.0.0.1' },
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      cleanup: true,
      forceKillAfterDelay: 2_000,
      all: true,
    });
    const output: string[] = [];
    child.all?.on('data', (d: Buffer) => {
      output.push(String(d));
      if (output.length > 50) output.shift();
    });
    let exited = false;
    void child.then(() => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`the instance exited before listening: ${output.join('').slice(-500)}`);
      if (await portOpen(port)) return new Instance(port, child, output);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await child;
    throw new Error(`the instance did not listen on PORT=${port} within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.child;
  }
}

/** App Runner's proxy for one service. */
export class ServiceFront {
  private instance: Instance | undefined;

  private constructor(
    readonly port: number,
    readonly hostName: string,
    private readonly server: Server,
  ) {}

  static async start(hostName: string): Promise<ServiceFront> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const front = new ServiceFront((server.address() as { port: number }).port, hostName, server);
    server.on('request', (req, res) => {
      const host = (req.headers.host ?? '').toLowerCase();
      const ours = [hostName, `${hostName}:${front.port}`, `127.0.0.1:${front.port}`, `localhost:${front.port}`];
      const target = front.instance;
      if (!ours.includes(host) || target === undefined) {
        req.resume();
        res.writeHead(404, { server: 'envoy', 'content-length': 0 });
        res.end();
        return;
      }
      const up = httpRequest(
        { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: hostName } },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { server: 'envoy', 'content-length': 0 });
        res.end();
      });
      req.pipe(up);
    });
    return front;
  }

  /** What the front serves: an instance, or nothing (404). */
  serve(instance: Instance | undefined): void {
    this.instance = instance;
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
