/**
 * The local world as a Target: two probe-app processes behind fault fronts, and the local
 * edge in this process, all on free ports of 127.0.0.1. The edge's rules come from the
 * synthesized stack (cdk.tf.json plus an optional tfvars file).
 *
 * Every method is safe to call in any order: inject before provision is a usage error,
 * clear before provision and teardown at any time are no-ops when there is nothing to do,
 * and teardown always stops everything it started, even after a failed provision.
 */
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import {
  formatFault,
  type ClearOutcome,
  type Endpoints,
  type Fault,
  type FaultKind,
  type Role,
  type Target,
  type TargetAlarms,
  type TargetLog,
  type TeardownResult,
} from '../target.js';
import { LocalEdge } from '../../cloudfront/edge.js';
import { LocalTargetError } from './errors.js';
import { FaultFront } from './fault-front.js';
import { OriginProcess } from './origin-process.js';
import { loadEdgeRules, readTfJson, type EdgeRules } from '../../cloudfront/stack-rules.js';
import { edgeFunctionRulesFrom, type EdgeFunctionRules } from '../../cloudfront/edge-function-rules.js';
import { modelledWriteSwitchDelay, type WriteSwitchDelay } from '../../cloudfront/write-switch-model.js';
import { ACTIVE_REGION_KEY } from '../../../modules/write-router/function-code.js';
import { pauseModelOf } from './pause-models.js';
import { EDGE_HTTPS_MODES, edgeCertificateFor, type EdgeHttpsMode } from './viewer-protocol.js';
import { endpointsOf, LOCAL_SERVED_BY_HEADER } from './local-endpoints.js';
import { LOCAL_FAULTS } from './faults.js';
import { LocalAlarmWorld } from './local-alarms.js';

export { LOCAL_SERVED_BY_HEADER };

const ROLES: readonly Role[] = ['primary', 'secondary'];
/** Environment variables of the service that the local world sets itself. */
const LOCAL_ENV_OVERRIDES = ['NODE_OPTIONS', 'PORT', 'HOST'];

export interface LocalTargetProps {
  /** The synthesized stack, e.g. cdktf.out/stacks/edge-failover/cdk.tf.json. */
  readonly tfJsonPath: string;
  /** Variable values: `.tfvars.json` (JSON) or `.tfvars` (HCL). @default - the variables' defaults */
  readonly tfvarsPath?: string;
  /** @default - silent */
  readonly log?: TargetLog;
  /** The node binary for the origins (and the unreachable fault's helper). @default process.execPath */
  readonly nodePath?: string;
  /** How long an origin process gets to start listening. @default 10000 */
  readonly startTimeoutMs?: number;
  /**
   * How long `clear` waits for the origin to serve /health again. Generous: on a machine whose cores are
   * busy an origin can take seconds to answer, and giving up aborts the drill. @default 15000
   */
  readonly clearTimeoutMs?: number;
  /**
   * 'auto': the edge listens on HTTPS too, with a throwaway certificate, when a behavior uses
   * redirect-to-https or https-only, and applies the viewer protocol policies (viewer-protocol.ts);
   * 'off': HTTP only, the policies read but not applied. @default 'auto'
   */
  readonly https?: EdgeHttpsMode;
  /**
   * The stack's name prefix (config.namePrefix): with it, the world publishes its metrics, runs
   * the Route 53 health checkers and evaluates the stack's alarms (local-alarms.ts), read through
   * `alarms`. @default - no alarms
   */
  readonly namePrefix?: string;
}

interface World {
  readonly rules: EdgeRules;
  functions?: EdgeFunctionRules;
  switchDelay?: WriteSwitchDelay;
  /** The edge's certificate (public part) and why the edge runs with or without one. */
  tls?: { readonly cert?: string; readonly basis: string };
  readonly processes: Partial<Record<Role, OriginProcess>>;
  readonly fronts: Partial<Record<Role, FaultFront>>;
  edge?: LocalEdge;
  endpoints?: Endpoints;
  metrics?: LocalAlarmWorld;
}

/** What is running, for diagnostics and tests. */
export interface LocalWorldStatus {
  readonly state: 'idle' | 'up' | 'down';
  readonly ports: readonly number[];
  readonly pids: readonly number[];
  readonly faults: Readonly<Partial<Record<Role, string>>>;
}

export class LocalTarget implements Target {
  readonly name = 'local' as const;
  readonly supportedFaults: readonly FaultKind[] = LOCAL_FAULTS;
  private world?: World;
  private state: LocalWorldStatus['state'] = 'idle';
  /** Serializes provision, inject, clear and teardown. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: TargetLog;
  readonly alarms?: TargetAlarms;

  constructor(private readonly props: LocalTargetProps) {
    if (typeof props.tfJsonPath !== 'string' || props.tfJsonPath === '') {
      throw new LocalTargetError(
        'usage',
        `tfJsonPath = ${JSON.stringify(props.tfJsonPath)}: allowed: the path of a synthesized cdk.tf.json`,
      );
    }
    if (props.https !== undefined && !EDGE_HTTPS_MODES.includes(props.https)) {
      throw new LocalTargetError('usage', `https = ${JSON.stringify(props.https)}: allowed: ${EDGE_HTTPS_MODES.join(', ')}`);
    }
    this.log = props.log ?? (() => undefined);
    if (props.namePrefix !== undefined) this.alarms = this.worldAlarms(props.namePrefix);
  }

  /** The alarms of the world that is up; reading them with no world up is a usage error. */
  private worldAlarms(namePrefix: string): TargetAlarms {
    const up = () => {
      const metrics = this.world?.metrics;
      if (this.state !== 'up' || !metrics) {
        throw new LocalTargetError('usage', "cannot read the stack's alarms: the local world is not up (call provision first)");
      }
      return metrics.targetAlarms(namePrefix);
    };
    return {
      namePrefix,
      describe: async (names, signal) => up().describe(names, signal),
      history: async (alarm, since, signal) => up().history(alarm, since, signal),
    };
  }

  async preflight(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    try {
      await access(this.props.tfJsonPath);
    } catch {
      throw new LocalTargetError(
        'usage',
        `the synthesized stack ${this.props.tfJsonPath} does not exist; run \`npm run synth\` (or pass the cdk.tf.json of your stack)`,
      );
    }
    const rules = await loadEdgeRules(this.props);
    for (const w of rules.warnings) this.log(`local: ${w}`);
  }

  provision(signal: AbortSignal): Promise<Endpoints> {
    return this.serial(async () => {
      if (this.world?.endpoints) return this.world.endpoints;
      signal.throwIfAborted();
      const rules = await loadEdgeRules(this.props);
      for (const w of rules.warnings) this.log(`local: ${w}`);
      const world: World = { rules, processes: {}, fronts: {} };
      this.world = world;
      this.state = 'up';
      try {
        const tf = await readTfJson(this.props.tfJsonPath);
        if (this.props.namePrefix !== undefined) {
          world.metrics = new LocalAlarmWorld({
            tf,
            tfJsonPath: this.props.tfJsonPath,
            rules,
            originUrl: (role) => world.fronts[role]!.url,
            log: this.log,
          });
        }
        const metrics = world.metrics;
        for (const role of ROLES) {
          const o = rules.origins[role];
          const env = this.originEnv(rules, role);
          const proc = await OriginProcess.start({
            name: role,
            env,
            nodePath: this.props.nodePath,
            startTimeoutMs: this.props.startTimeoutMs,
            signal,
            log: this.log,
          });
          world.processes[role] = proc;
          signal.throwIfAborted();
          const front = await FaultFront.start({
            appPort: proc.port,
            servedBy: `${env.PROBE_ROLE}/${env.PROBE_REGION}`,
            servedByHeader: LOCAL_SERVED_BY_HEADER,
            nodePath: this.props.nodePath,
            pause: pauseModelOf(o.backend),
            ...(metrics ? { onServed: (status: number) => metrics.served(role, status) } : {}),
          });
          world.fronts[role] = front;
          this.log(`${role} origin (${o.region}): ${front.url} -> app port ${proc.port}`);
          signal.throwIfAborted();
        }
        world.functions = edgeFunctionRulesFrom(tf, this.props.tfJsonPath, [rules.origins.primary.id, rules.origins.secondary.id]);
        world.switchDelay = modelledWriteSwitchDelay(tf);
        const { certificate, basis } = await edgeCertificateFor(rules, this.props.https ?? 'auto', this.log, signal);
        world.tls = { cert: certificate?.cert, basis };
        const edge = await LocalEdge.start({
          rules,
          originUrls: { primary: world.fronts.primary!.url, secondary: world.fronts.secondary!.url },
          log: this.log,
          viewerRequestFunctions: world.functions.viewerRequest,
          ...(certificate ? { tls: certificate } : {}),
          ...(metrics ? { onViewerResponse: (status: number) => metrics.viewerAnswered(status) } : {}),
        });
        for (const [behavior, name] of world.functions.functionNames) {
          this.log(`edge: behavior ${behavior} runs the CloudFront Function ${name} (viewer-request, in a vm)`);
        }
        world.edge = edge;
        this.log(
          `edge: ${edge.httpsUrl ? `${edge.httpsUrl} and ` : ''}${edge.url} (failover on ${rules.failoverStatusCodes.join(', ')}; ` +
            `attempts ${rules.origins.primary.connectionAttempts}, connection timeout ${rules.origins.primary.connectionTimeoutSeconds} s, ` +
            `read timeout ${rules.origins.primary.readTimeoutSeconds} s)`,
        );
        world.endpoints = endpointsOf(world, edge);
        metrics?.start();
        return world.endpoints;
      } catch (e) {
        const result = await this.stopWorld();
        if (!result.ok) this.log(`local: cleanup after failed provision: ${result.detail}`);
        throw e;
      }
    });
  }

  inject(role: Role, fault: Fault, signal: AbortSignal): Promise<void> {
    return this.serial(async () => {
      signal.throwIfAborted();
      const front = this.frontOf(role, 'inject');
      if (!this.supportedFaults.includes(fault.kind)) {
        throw new LocalTargetError('usage', `fault ${JSON.stringify(fault)}: allowed: ${this.supportedFaults.join(', ')}`);
      }
      if (fault.kind === 'error' && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
        throw new LocalTargetError('usage', `fault error:${fault.status}: allowed: a status code from 400 to 599`);
      }
      if (fault.kind === 'slow' && !(Number.isInteger(fault.ms) && fault.ms >= 1)) {
        throw new LocalTargetError('usage', `fault slow:${fault.ms}: allowed: a whole number of milliseconds from 1`);
      }
      await front.set(fault);
      const pauseMeaning = fault.kind === 'pause' && this.world ? pauseModelOf(this.world.rules.origins[role].backend).meaning : undefined;
      const meaning = pauseMeaning !== undefined ? ` (${pauseMeaning})` : '';
      this.log(`${role} origin: ${formatFault(fault)}${meaning}`);
    });
  }

  clear(role: Role, signal: AbortSignal): Promise<ClearOutcome> {
    return this.serial(async () => {
      const front = this.world?.fronts[role];
      if (this.state !== 'up' || !front) {
        this.log(`${role} origin: clear with no world up, nothing to do`);
        return { restored: false, detail: `nothing to clear: no local world is up` };
      }
      const faulted = front.mode.kind !== 'normal';
      if (faulted) {
        await front.set({ kind: 'normal' });
        this.log(`${role} origin: cleared`);
      }
      await this.waitServing(role, front, signal);
      return faulted ? { restored: true } : { restored: false, detail: `nothing to clear: the ${role} origin had no fault` };
    });
  }

  /** Sets the write router's active-region key in the local KeyValueStore; the local edge reads it on the next request. */
  switchWrites(to: Role, signal: AbortSignal): Promise<void> {
    return this.serial(async () => {
      signal.throwIfAborted();
      if (to !== 'primary' && to !== 'secondary') {
        throw new LocalTargetError('usage', `switch-writes --to ${JSON.stringify(to)}: allowed: primary, secondary`);
      }
      const stores = this.world?.functions?.stores;
      if (this.state !== 'up' || !stores) {
        throw new LocalTargetError('usage', 'cannot switch writes: the local world is not up (call provision first)');
      }
      if (stores.size === 0) {
        throw new LocalTargetError(
          'usage',
          'cannot switch writes: the stack has no write router (set failover.writeRouter: true with failover.writePaths)',
        );
      }
      for (const store of stores.values()) store.put(ACTIVE_REGION_KEY, to);
      this.log(`write router: ${ACTIVE_REGION_KEY} = ${to}`);
    });
  }

  /** The signal is not honoured: leaving processes and ports behind is worse than a slow teardown. */
  teardown(_signal: AbortSignal): Promise<TeardownResult> {
    return this.serial(() => this.stopWorld());
  }

  /** What is running now. */
  status(): LocalWorldStatus {
    const w = this.world;
    const ports: number[] = [];
    const pids: number[] = [];
    const faults: Partial<Record<Role, string>> = {};
    if (w) {
      if (w.edge) ports.push(w.edge.port, ...(w.edge.httpsPort !== undefined ? [w.edge.httpsPort] : []));
      for (const role of ROLES) {
        const front = w.fronts[role];
        const proc = w.processes[role];
        if (front) {
          ports.push(front.port);
          faults[role] = front.mode.kind === 'normal' ? 'none' : formatFault(front.mode);
          if (front.helperPid !== undefined) pids.push(front.helperPid);
        }
        if (proc) {
          ports.push(proc.port);
          pids.push(proc.pid);
        }
      }
    }
    return { state: this.state, ports, pids, faults };
  }

  private originEnv(rules: EdgeRules, role: Role): Record<string, string> {
    const o = rules.origins[role];
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.serviceEnvironment)) if (!LOCAL_ENV_OVERRIDES.includes(k)) env[k] = v;
    env.PROBE_ROLE ??= role;
    env.PROBE_REGION ??= o.region;
    env.PORT = '0';
    env.HOST = '127.0.0.1';
    return env;
  }

  private frontOf(role: Role, what: string): FaultFront {
    if (role !== 'primary' && role !== 'secondary') {
      throw new LocalTargetError('usage', `role ${JSON.stringify(role)}: allowed: primary, secondary`);
    }
    const front = this.world?.fronts[role];
    if (this.state !== 'up' || !front || !this.world?.endpoints) {
      throw new LocalTargetError('usage', `cannot ${what} into the ${role} origin: the local world is not up (call provision first)`);
    }
    return front;
  }

  /** Waits until the origin answers /health through its front. */
  private async waitServing(role: Role, front: FaultFront, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.props.clearTimeoutMs ?? 15_000);
    let last = '';
    for (;;) {
      signal.throwIfAborted();
      try {
        // Each try may take until the deadline: on a busy machine the answer can be read only after
        // the event loop stalled, and a shorter timer of its own would fire first and abort a request
        // that was answered, every time, until the deadline.
        const res = await request(`${front.url}/health`, {
          headers: { ...this.world!.rules.origins[role].customHeaders },
          signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(1_000, deadline - Date.now()))]),
        });
        await res.body.dump();
        if (res.statusCode === 200) return;
        last = `status ${res.statusCode}`;
      } catch (e) {
        if (signal.aborted) throw e;
        last = (e as Error).message;
      }
      if (Date.now() > deadline) {
        throw new LocalTargetError('external', `the ${role} origin does not serve /health after clear (${last})`);
      }
      await sleep(50, undefined, { signal });
    }
  }

  /** Stops the edge, the fronts and the processes; keeps going past failures and reports them. */
  private async stopWorld(): Promise<TeardownResult> {
    const w = this.world;
    if (!w) {
      return { ok: true, detail: this.state === 'down' ? 'the local world was already torn down' : 'nothing was running' };
    }
    const done: string[] = [];
    const failed: string[] = [];
    const step = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
        done.push(what);
      } catch (e) {
        failed.push(`${what}: ${(e as Error).message}`);
      }
    };
    if (w.metrics) await step('health checkers stopped', () => w.metrics!.stop());
    if (w.edge) await step(`edge :${w.edge.port} closed`, () => w.edge!.close());
    for (const role of ROLES) {
      const front = w.fronts[role];
      if (front) await step(`${role} front :${front.port} closed`, () => front.close());
    }
    await Promise.all(
      ROLES.map(async (role) => {
        const proc = w.processes[role];
        if (proc) await step(`${role} origin pid ${proc.pid} stopped`, () => proc.stop());
      }),
    );
    this.world = undefined;
    this.state = 'down';
    const detail = failed.length === 0 ? done.join('; ') : `left: ${failed.join('; ')} (done: ${done.join('; ')})`;
    this.log(`local: teardown: ${detail}`);
    return { ok: failed.length === 0, detail };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The local world for the drill. */
export function createLocalTarget(props: LocalTargetProps): LocalTarget {
  return new LocalTarget(props);
}
