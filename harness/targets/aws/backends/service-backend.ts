/**
 * The seam between the AWS target and a compute backend. Each backend (App Runner, ECS Express; one
 * file each, registered in registry.ts under its config `service.backend` key) says how its services
 * are described and found ready, how the fault is made and undone, what the journal records for it
 * and the commands printed to undo it by hand, the IAM actions it needs and its preflight checks.
 * The target, the preflight, teardown and `recover` talk to backends only through this interface.
 *
 * It also holds the one rule for the call that makes a fault (makeFault): an ambiguous outcome stays
 * owed until the service's real state proves nothing was started.
 */
import type { EdgeFailoverConfig } from '../../../../config/index.js';
import type { AwsCli, Mutation } from '../tools/aws-cli.js';
import { AwsTargetError } from '../tools/errors.js';
import { type ErrorPattern, firstLineOf, matchError } from '../tools/retry.js';
import type { ResolvedWaits } from '../tools/waits.js';
import type { Finding, JournalFault, LiveService, Role, ServiceRef } from '../wire.js';

/** The ledger as a backend uses it (safety/ledger.ts's RunLedger): journal a fault before making it, and let go of it. */
export interface FaultLedger {
  /** When the run began (ISO 8601): an operation started before it is not this run's. */
  readonly startedAt: string;
  owes(resource: string): boolean;
  faultOwed(f: JournalFault, was: string): Promise<void>;
  faultNotStarted(resource: string, why: string): Promise<void>;
  faultInPlace(resource: string, what: string): Promise<void>;
  faultUndone(resource: string, how: string): Promise<void>;
  recoverySteps(extra?: readonly JournalFault[]): string;
}

/**
 * The way back's one deadline (`--operation-timeout`): set when a fault is requested and shared by
 * every wait after it, until the operation it bounds succeeded. A fault or undo that gets stuck leaves
 * it running, so the cleanup and teardown share what is left of it; one that succeeded lets the next
 * operation (after an observe window of any length) start a fresh one.
 */
export class WayBack {
  private at?: number;
  constructor(private readonly ms: number) {}
  /** The deadline still running (an operation that did not succeed), if any. */
  get deadline(): number | undefined {
    return this.at;
  }
  start(): number {
    this.at ??= Date.now() + this.ms;
    return this.at;
  }
  end(): void {
    this.at = undefined;
  }
}

export interface BackendContext {
  readonly cli: AwsCli;
  readonly waits: ResolvedWaits;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly wayBack: WayBack;
}

export interface InjectContext extends BackendContext {
  /** The stack the service must be tagged with. */
  readonly stackName: string;
  /** Fault a service not tagged as this stack's primary (logged). */
  readonly allowUnmanagedPause?: boolean;
}

/** A service of the stack: its reference and the URL viewers' requests reach it at. */
export type StackService = ServiceRef & { readonly url: string };

/** The backend's part of the preflight, pure (checks/deployment-checks.ts runs it). */
export interface BackendChecks {
  /** The status code the faulted primary answers: it must be a failover code. */
  readonly faultStatus: number;
  /** Why, for the finding: "a paused App Runner service answers 404". */
  readonly faultStatusReason: string;
  /** What viewers of a path the primary serves alone get during the fault: "while the primary is paused they get its 404". */
  readonly outage: string;
  /** Why the viewer's Host must not be forwarded to this backend. */
  readonly hostRouting: string;
  /** Findings about one service's own state (status, tasks), before its tags. */
  service(s: LiveService): Finding[];
  /** Findings about both services, after everything else (ECS Express: the listener rules). */
  services(all: readonly LiveService[]): Finding[];
}

export interface ServiceBackend {
  /** The config `service.backend` value it is registered under. */
  readonly key: string;
  /** "App Runner service", "ECS service": names a service in messages. */
  readonly noun: string;
  /** What the fault does to the primary, in words ("pause the primary"), for a refusal. */
  readonly faultVerb: string;
  /** The fault and its undoing as a step of the plan shown before a run: "pause the primary App Runner service in us-east-1, then resume it". */
  faultStep(role: Role, region: string): string;
  /** Endpoint details for the report (e.g. what `pause` means with this backend). */
  readonly details: Readonly<Record<string, string>>;
  /** Every AWS API action the drill calls through this backend (the drill runner's grant in modules/compute/registry.ts). */
  readonly iamActions: readonly string[];
  /** What an explicit service ARN must look like, and its name in the usage error. */
  readonly arn: { readonly pattern: RegExp; readonly allowed: string };
  /** Whether explicit ARNs need --primary-endpoint and --secondary-endpoint (the backend's API cannot give the URL). */
  readonly endpointsFromOptions: boolean;
  /** A hint for the refusal's recovery text. @default none */
  readonly refusalHint?: string;
  /** The regions the backend exists in (with its name and what to do about another), undefined for every region. */
  regions?(config: EdgeFailoverConfig): { readonly known: ReadonlySet<string>; readonly what: string; readonly hint: string };
  /** The URL of a service named by ARN (its endpoint option when endpointsFromOptions), and what was read to find it. */
  explicitService(cli: AwsCli, s: ServiceRef, endpoint: string | undefined, signal: AbortSignal): Promise<{ url: string; read?: unknown }>;
  /** Reads a service (unless `known`) and throws, naming it and what to do, unless a drill may start from it. Returns what it read. */
  ready(ctx: Pick<BackendContext, 'cli' | 'signal' | 'log'>, s: StackService, known?: unknown): Promise<unknown>;
  /** The service as the preflight checks see it (`known`: what ready() read). */
  inspect(cli: AwsCli, s: StackService, known: unknown, signal: AbortSignal): Promise<LiveService>;
  readonly checks: BackendChecks;
  /** Makes the fault on a service: journaled before it is made, through makeFault. Returns once it is in place. */
  inject(ctx: InjectContext, s: StackService, ledger: FaultLedger): Promise<void>;
  /** Undoes a journaled fault and lets the ledger go of it once the undo is seen in place. Returns a note for the report. */
  undo(ctx: BackendContext, f: JournalFault, ledger: FaultLedger): Promise<string>;
}

/** What the service's real state says about a fault whose call had no clear answer. */
export type FaultState = 'started' | 'not-started';

/**
 * Makes the call that starts a fault, under the one rule for mutating calls with an ambiguous outcome.
 * The fault is journaled (owed) before this is called. Then:
 * - accepted: returns its answer;
 * - refused, as the first answer to the first attempt (one of `refusals`, never a 5xx, a timeout, a
 *   reset or an abort): nothing started, the fault is taken off the journal, the error is thrown;
 * - anything else (a timeout, a 5xx, a reset, an abort, a refusal of a retry after any of these) may
 *   have started it: the service's real state is read (`readState`). Started: returns (the caller
 *   goes on as if accepted). Proven not started: taken off the journal, the error is thrown. Not
 *   readable: the error is thrown and the fault stays owed, for teardown or `recover` to undo.
 */
export async function makeFault<T>(o: {
  readonly what: string;
  readonly fault: JournalFault;
  readonly ledger: FaultLedger;
  readonly log: (line: string) => void;
  readonly call: () => Promise<Mutation<T>>;
  readonly refusals: readonly ErrorPattern[];
  readonly readState: () => Promise<FaultState>;
}): Promise<{ readonly answer?: T }> {
  const r = await o.call();
  if (r.ok) return { answer: r.value };
  const refused = r.attempts === 1 ? matchError(r.error, o.refusals) : undefined;
  if (refused) {
    await o.ledger.faultNotStarted(o.fault.resource, `refused at once (${refused.reason}): ${firstLineOf(r.error)}`);
    throw r.error;
  }
  const why = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, the last: ${firstLineOf(r.error)}`;
  o.log(`${o.what}: the outcome is unknown (${why}); reading the real state before deciding`);
  let state: FaultState;
  try {
    state = await o.readState();
  } catch (readError) {
    throw new AwsTargetError(
      'external',
      `${o.what} may have started (${why}), and its real state could not be read (${firstLineOf(readError)}): the undo stays owed`,
      { cause: r.error, recovery: o.ledger.recoverySteps() },
    );
  }
  if (state === 'not-started') {
    await o.ledger.faultNotStarted(o.fault.resource, `no answer (${why}), and the real state shows nothing started`);
    throw r.error;
  }
  o.log(`${o.what}: took effect although its answer was lost (${why})`);
  await o.ledger.faultInPlace(o.fault.resource, `${o.what} took effect although its answer was lost`);
  return {};
}
