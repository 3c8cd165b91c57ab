/**
 * A fake Target for the orchestrator's unit tests: one HTTP server on 127.0.0.1 stands for the
 * edge (/edge) and both origins (/primary, /secondary). A faulted primary answers 404 and the
 * edge then serves from the secondary, as an origin group would. Every call is recorded, and
 * each method can be replaced to fail the way a test needs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClearOutcome, Endpoints, Fault, Observation, Role, Target, TeardownResult } from '../../harness/targets/target.js';

export interface FakeTargetOptions {
  readonly preflight?: () => Promise<void>;
  readonly provision?: (up: () => Promise<Endpoints>) => Promise<Endpoints>;
  /** Replaces inject; `apply` puts the fault in. */
  readonly inject?: (apply: () => void) => Promise<void>;
  /** Replaces clear; `apply` takes the fault out. */
  readonly clear?: (apply: () => ClearOutcome) => Promise<void | ClearOutcome>;
  readonly teardown?: (down: () => Promise<TeardownResult>) => Promise<TeardownResult>;
  readonly observations?: () => readonly Observation[];
  readonly originTimeouts?: Endpoints['originTimeouts'];
}

export class FakeTarget implements Target {
  readonly name = 'local' as const;
  readonly supportedFaults = ['pause', 'blackhole', 'unreachable', 'error', 'refuse', 'slow'] as const;
  /** Every call, in order: "preflight", "provision", "inject", "clear", "teardown". */
  readonly calls: string[] = [];
  faulted = false;
  private server?: Server;
  readonly observations?: () => readonly Observation[];

  constructor(private readonly options: FakeTargetOptions = {}) {
    if (options.observations) this.observations = options.observations;
  }

  get up(): boolean {
    return this.server !== undefined;
  }

  async preflight(): Promise<void> {
    this.calls.push('preflight');
    await this.options.preflight?.();
  }

  async provision(): Promise<Endpoints> {
    this.calls.push('provision');
    const up = () => this.start();
    return this.options.provision ? this.options.provision(up) : up();
  }

  async inject(_role: Role, _fault: Fault): Promise<void> {
    this.calls.push('inject');
    const apply = () => {
      this.faulted = true;
    };
    if (this.options.inject) await this.options.inject(apply);
    else apply();
  }

  async clear(): Promise<void | ClearOutcome> {
    this.calls.push('clear');
    const apply = (): ClearOutcome => {
      const was = this.faulted;
      this.faulted = false;
      return was ? { restored: true } : { restored: false, detail: 'nothing to clear: the primary had no fault' };
    };
    return this.options.clear ? this.options.clear(apply) : apply();
  }

  async teardown(): Promise<TeardownResult> {
    this.calls.push('teardown');
    const down = () => this.stop();
    return this.options.teardown ? this.options.teardown(down) : down();
  }

  private async start(): Promise<Endpoints> {
    const server = createServer((req, res) => {
      const [, who] = (req.url ?? '/').split('/');
      const serve = (role: Role) => {
        res.writeHead(200, { 'x-served-by': `${role}/${role === 'primary' ? 'us-east-1' : 'us-west-2'}` }).end('ok');
      };
      if (who === 'primary') {
        if (this.faulted) res.writeHead(404).end('paused');
        else serve('primary');
      } else if (who === 'secondary') serve('secondary');
      else serve(this.faulted ? 'secondary' : 'primary');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const origin = (role: Role) => ({ role, region: role === 'primary' ? 'us-east-1' : 'us-west-2', url: `${base}/${role}`, headers: {} });
    return {
      edgeUrl: `${base}/edge`,
      origins: { primary: origin('primary'), secondary: origin('secondary') },
      servedByHeader: 'x-served-by',
      details: { fake: 'yes' },
      ...(this.options.originTimeouts ? { originTimeouts: this.options.originTimeouts } : {}),
    };
  }

  private async stop(): Promise<TeardownResult> {
    const server = this.server;
    this.server = undefined;
    if (!server) return { ok: true, detail: 'nothing was running' };
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { ok: true, detail: 'fake world stopped' };
  }
}
