/**
 * What a viewer's network gives the drill on AWS, emulated: TLS for `https://<id>.cloudfront.net`
 * and `https://<id>.<region>.awsapprunner.localhost`, and a route from each name to what serves
 * it. One TLS listener on 127.0.0.1 holds a certificate for those names (made with openssl, its
 * own CA) and routes each connection by its SNI name: a distribution's domain to the emulated
 * CloudFront edge of that distribution (built from GetDistributionConfig on first use, see
 * cloudfront-edge.ts), a service URL to that service's front (AppRunnerEmulator.serviceFronts()).
 *
 * The names do not resolve in DNS, so a process that should reach them loads
 * `viewer-network-hook.mjs` (`node --import`), which sends TLS connections for these names to
 * the listener; `hookEnvironment()` is the environment that hook reads.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { convert } from 'xmlbuilder2';
import { execa } from 'execa';
import type { LocalEdge } from '../harness/cloudfront/index.js';
import type { AppRunnerEmulator } from './apprunner/emulator.js';
import { startCloudFrontEdge } from './cloudfront-edge.js';

export const CLOUDFRONT_SUFFIX = '.cloudfront.net';
export const APPRUNNER_SUFFIX = '.awsapprunner.localhost';
/** The `node --import` hook that routes the names to the listener. */
export const VIEWER_NETWORK_HOOK = fileURLToPath(new URL('./viewer-network-hook.mjs', import.meta.url));

/** Why the viewer network cannot run here, or undefined. */
export async function viewerNetworkMissing(): Promise<string | undefined> {
  const r = await execa('openssl', ['version'], { reject: false });
  return r.exitCode === 0 ? undefined : 'openssl is not on PATH (it makes the emulated TLS certificate)';
}

export interface ViewerNetworkProps {
  /** The emulated AWS endpoint (the router). */
  readonly endpoint: string;
  readonly appRunner: AppRunnerEmulator;
  /** Regions whose service URLs get a certificate name. @default ['us-east-1', 'us-west-2'] */
  readonly regions?: readonly string[];
  readonly log?: (line: string) => void;
}

export class ViewerNetwork {
  private readonly edges = new Map<string, Promise<LocalEdge>>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly props: ViewerNetworkProps,
    private readonly server: Server,
    private readonly dir: string,
    readonly port: number,
    readonly caFile: string,
  ) {}

  static async start(props: ViewerNetworkProps): Promise<ViewerNetwork> {
    const dir = mkdtempSync(join(tmpdir(), 'viewer-network-'));
    const names = [`*${CLOUDFRONT_SUFFIX}`, ...(props.regions ?? ['us-east-1', 'us-west-2']).map((r) => `*.${r}${APPRUNNER_SUFFIX}`)];
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await execa('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
      '-subj', '/CN=emulated AWS viewer network', '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    ]);
    let self: ViewerNetwork | undefined;
    const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => self!.route(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    self = new ViewerNetwork(props, server, dir, (server.address() as { port: number }).port, cert);
    return self;
  }

  /** The environment `viewer-network-hook.mjs` reads. */
  hookEnvironment(): Record<string, string> {
    return {
      EMULATED_VIEWER_NETWORK: JSON.stringify({ port: this.port, caFile: this.caFile, suffixes: [CLOUDFRONT_SUFFIX, APPRUNNER_SUFFIX] }),
    };
  }

  /** The edge that serves a distribution's domain (built on first use). */
  edgeFor(domain: string): Promise<LocalEdge> {
    let edge = this.edges.get(domain);
    if (!edge) {
      edge = this.buildEdge(domain);
      edge.catch(() => this.edges.delete(domain));
      this.edges.set(domain, edge);
    }
    return edge;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    for (const e of this.edges.values()) await e.then((edge) => edge.close()).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async buildEdge(domain: string): Promise<LocalEdge> {
    const r = await fetch(`${this.props.endpoint}/2020-05-31/distribution`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEMULATOREXAMPLE/20260101/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=0' },
      signal: AbortSignal.timeout(10_000),
    });
    const list = convert(await r.text(), { format: 'object' }) as { DistributionList?: { Items?: { DistributionSummary?: unknown } } };
    const raw = list.DistributionList?.Items?.DistributionSummary;
    const summaries = (Array.isArray(raw) ? raw : raw ? [raw] : []) as { Id: string; DomainName: string }[];
    const d = summaries.find((s) => s.DomainName === domain);
    if (!d) throw new Error(`no emulated distribution has the domain ${domain}`);
    const { edge } = await startCloudFrontEdge({
      endpoint: this.props.endpoint,
      distributionId: d.Id,
      serviceFronts: this.props.appRunner.serviceFronts(),
      log: this.props.log,
    });
    this.props.log?.(`viewer network: ${domain} -> edge of ${d.Id} at ${edge.url}`);
    return edge;
  }

  private route(socket: TLSSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const name = socket.servername || '';
    const target: Promise<string | undefined> = name.endsWith(CLOUDFRONT_SUFFIX)
      ? this.edgeFor(name).then((e) => e.url, () => undefined)
      : Promise.resolve(this.props.appRunner.serviceFronts()[name]);
    void target.then((url) => {
      if (!url || socket.destroyed) {
        socket.destroy();
        return;
      }
      const u = new URL(url);
      const upstream = connect(Number(u.port), u.hostname);
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        socket.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      socket.on('close', () => upstream.destroy());
      socket.pipe(upstream).pipe(socket);
    });
  }
}
