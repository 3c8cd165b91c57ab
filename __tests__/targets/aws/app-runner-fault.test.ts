/**
 * App Runner's fault and its way back, without the AWS CLI: pause-service on the stack's managed
 * primary, resume-service to undo it, each judged on a real RunLedger and its journal. The CLI is
 * a small App Runner of one service that answers in the botocore output shapes (apprunner
 * DescribeServiceResponse, ListOperationsResponse, ListTagsForResourceResponse,
 * PauseServiceResponse, ResumeServiceResponse); a transition takes a few describe-service reads.
 *
 * Invariants: a fault is journaled as owed before pause-service is asked; it is in place only once the
 * service reads PAUSED; undo leaves the service RUNNING and the fault undone, or throws with the fault
 * still owed; a service that is not this stack's primary is never paused.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KNOWN_APPRUNNER_REGIONS } from '../../../config/index.js';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import { WayBack, type InjectContext } from '../../../harness/targets/aws/backends/service-backend.js';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { openTestLedger } from '../../support/aws/run-ledger.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { AwsCli, type Mutation } from '../../../harness/targets/aws/tools/aws-cli.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';
import { resolveWaits } from '../../../harness/targets/aws/tools/waits.js';
import type { JournalFault, ServiceRef } from '../../../harness/targets/aws/wire.js';

const root = mkdtempSync(join(tmpdir(), 'app-runner-fault-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stateDir = join(root, 'state');
const ARN = 'arn:aws:apprunner:us-east-1:123456789012:service/shop-primary/0123456789abcdef';
const PRIMARY: ServiceRef = { role: 'primary', serviceArn: ARN, region: 'us-east-1' };
const MANAGED = { ManagedBy: 'edge-failover', EdgeFailoverStack: 'shop', EdgeFailoverRole: 'primary' };
/** The journal's events of the pause: owed (with the status it was found in), then in place. */
const OWED = `apprunner fault on the primary (${ARN}) requested (was RUNNING)`;
const IN_PLACE = `${ARN}: primary PAUSED`;
const awsError = (code: string, op: string) => new Error(`An error occurred (${code}) when calling the ${op} operation: ${code}`);

type Status = 'RUNNING' | 'PAUSED' | 'OPERATION_IN_PROGRESS' | 'CREATE_FAILED' | 'DELETED';
interface Op {
  Id: string;
  Type: string;
  Status?: string;
  /** ISO 8601 (the CLI's default) or seconds since the epoch. */
  StartedAt: string | number;
}

/** Every App Runner operation any world of this file was asked, as an IAM action ("apprunner:PauseService"). */
const asked = new Set<string>();
const iamAction = (service: string, operation: string) =>
  `${service}:${operation.replace(/(^|-)([a-z])/g, (_: string, _d: string, c: string) => c.toUpperCase())}`;

/** One App Runner service. pause-service and resume-service take `steps` describe-service reads to land. */
class AppRunner extends AwsCli {
  status: Status;
  tags: Record<string, string>;
  operations: Op[] = [];
  readonly mutations: string[] = [];
  /** The log lines and the changes asked (`> pause-service`), in the order they happened. */
  readonly timeline: string[] = [];
  /** What the next pause-service or resume-service answers instead of succeeding (the change may still happen: `lands`). */
  failNext?: { error: Error; attempts: number; lands: boolean };
  /** Reads left before the operation in progress lands, and the status it lands on. */
  private landing?: { reads: number; to: Status };

  constructor(status: Status, o: { tags?: Record<string, string>; steps?: number; busyFor?: { reads: number; to: Status } } = {}) {
    super({ binary: 'aws-not-run' });
    this.status = status;
    this.tags = o.tags ?? MANAGED;
    this.steps = o.steps ?? 2;
    if (o.busyFor) {
      this.status = 'OPERATION_IN_PROGRESS';
      this.landing = o.busyFor;
    }
  }
  private readonly steps: number;

  private begin(type: 'PAUSE_SERVICE' | 'RESUME_SERVICE', to: Status): string {
    const id = `op-${this.operations.length + 1}`;
    this.operations.unshift({ Id: id, Type: type, Status: 'IN_PROGRESS', StartedAt: new Date().toISOString() });
    this.status = 'OPERATION_IN_PROGRESS';
    this.landing = { reads: this.steps, to };
    return id;
  }

  override call<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<T> {
    const key = `${service} ${operation}`;
    asked.add(iamAction(service, operation));
    if (key === 'apprunner describe-service' && args[1] === ARN) {
      if (this.landing && this.landing.reads-- <= 0) {
        this.status = this.landing.to;
        this.landing = undefined;
        if (this.operations[0]) this.operations[0].Status = 'SUCCEEDED';
      }
      return Promise.resolve({
        Service: { ServiceName: 'shop-primary', ServiceArn: ARN, ServiceUrl: 'p1.us-east-1.awsapprunner.com', Status: this.status },
      } as T);
    }
    if (key === 'apprunner list-operations' && args[1] === ARN) return Promise.resolve({ OperationSummaryList: this.operations } as T);
    if (key === 'apprunner list-tags-for-resource' && args[1] === ARN) {
      return Promise.resolve({ Tags: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })) } as T);
    }
    return Promise.reject(new Error(`no answer for: aws ${key} ${args.join(' ')}`));
  }

  override mutate<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<Mutation<T>> {
    this.mutations.push(`${service} ${operation} ${args.join(' ')}`);
    this.timeline.push(`> ${operation}`);
    asked.add(iamAction(service, operation));
    if (service !== 'apprunner' || args[1] !== ARN) return Promise.reject(new Error(`unexpected ${service} ${operation}`));
    const fail = this.failNext;
    this.failNext = undefined;
    const want = operation === 'pause-service' ? 'RUNNING' : 'PAUSED';
    if (this.status !== want && !fail) {
      return Promise.resolve({ ok: false, attempts: 1, error: awsError('InvalidStateException', operation) });
    }
    const id =
      !fail || fail.lands
        ? this.begin(
            operation === 'pause-service' ? 'PAUSE_SERVICE' : 'RESUME_SERVICE',
            operation === 'pause-service' ? 'PAUSED' : 'RUNNING',
          )
        : undefined;
    if (fail) return Promise.resolve({ ok: false, attempts: fail.attempts, error: fail.error });
    return Promise.resolve({ ok: true, value: { Service: { ServiceArn: ARN, Status: 'OPERATION_IN_PROGRESS' }, OperationId: id } as T });
  }
}

let runs = 0;
async function ledgerOf(): Promise<RunLedger> {
  runs += 1;
  return openTestLedger({ stateDir, stackDir: root, run: runs });
}

function context(cli: AwsCli, o: { allowUnmanagedPause?: boolean; transitionMs?: number } = {}) {
  const lines: string[] = [];
  const ctx: InjectContext = {
    cli,
    waits: resolveWaits({ pollIntervalMs: 1, maxPollIntervalMs: 2, serviceTransitionMs: o.transitionMs ?? 60_000 }),
    signal: new AbortController().signal,
    log: (l) => {
      lines.push(l);
      if (cli instanceof AppRunner) cli.timeline.push(l);
    },
    wayBack: new WayBack(o.transitionMs ?? 60_000),
    stackName: 'shop',
    ...(o.allowUnmanagedPause ? { allowUnmanagedPause: true } : {}),
  };
  return { ctx, lines };
}

async function journalOf(ledger: RunLedger) {
  const j = (await readJournal(stateDir, ledger.journal.stack))!;
  return { owed: j.faults.map((f) => f.resource), events: j.events.map((e) => e.what) };
}

/** inject, then what the journal says; the ledger released. */
async function inject(world: AppRunner, o: { allowUnmanagedPause?: boolean; transitionMs?: number } = {}) {
  const ledger = await ledgerOf();
  const { ctx, lines } = context(world, o);
  const outcome = await appRunnerBackend.inject(ctx, { ...PRIMARY, url: 'https://p1.us-east-1.awsapprunner.com' }, ledger).then(
    () => ({ thrown: undefined }),
    (e: unknown) => ({ thrown: e as Error }),
  );
  const journal = await journalOf(ledger);
  await ledger.release();
  return { ...outcome, ...journal, lines, wayBack: ctx.wayBack };
}

const fault: JournalFault = {
  backend: 'apprunner',
  role: 'primary',
  region: 'us-east-1',
  serviceArn: ARN,
  resource: ARN,
  undoCommands: [{ region: 'us-east-1', args: ['apprunner', 'resume-service', '--service-arn', ARN] }],
};

/** undo of the journaled pause, then what the journal says; the ledger released. */
async function undo(world: AppRunner, o: { transitionMs?: number } = {}) {
  const ledger = await ledgerOf();
  await ledger.faultOwed(fault, 'RUNNING');
  const { ctx, lines } = context(world, o);
  const outcome = await appRunnerBackend.undo(ctx, fault, ledger).then(
    (said) => ({ said, thrown: undefined }),
    (e: unknown) => ({ said: undefined, thrown: e as Error }),
  );
  const journal = await journalOf(ledger);
  await ledger.release();
  return { ...outcome, ...journal, lines, wayBack: ctx.wayBack };
}

describe('App Runner inject: the primary paused, journaled before it is asked', () => {
  test('a RUNNING managed primary is paused: owed before the call, in place once PAUSED, the way back ended', async () => {
    const world = new AppRunner('RUNNING');
    const r = await inject(world);
    expect(r.thrown).toBeUndefined();
    expect(world.status).toBe('PAUSED');
    expect(world.mutations).toEqual([`apprunner pause-service --service-arn ${ARN}`]);
    expect(r.owed).toEqual([ARN]);
    expect(r.events.slice(-2)).toEqual([OWED, IN_PLACE]);
    expect(r.wayBack.deadline).toBeUndefined();
    expect(r.lines.join('\n')).toContain('pause of the primary service started (operation op-1)');
  });

  test.each<[string, Record<string, string>]>([
    ['tagged as another stack', { ...MANAGED, EdgeFailoverStack: 'other' }],
    ['tagged as the secondary', { ...MANAGED, EdgeFailoverRole: 'secondary' }],
    ['not tagged', {}],
  ])('a service %s is never paused, nothing is owed', async (_, tags) => {
    const world = new AppRunner('RUNNING', { tags });
    const r = await inject(world);
    expect(r.thrown?.message).toMatch(`Refusing to pause ${ARN}`);
    expect(world.mutations).toEqual([]);
    expect(world.status).toBe('RUNNING');
    expect(r.owed).toEqual([]);
  });

  test('with the override, an unmanaged service is paused and the override logged', async () => {
    const world = new AppRunner('RUNNING', { tags: {} });
    const r = await inject(world, { allowUnmanagedPause: true });
    expect(r.thrown).toBeUndefined();
    expect(world.status).toBe('PAUSED');
    expect(r.lines.some((l) => l.includes('(override given)'))).toBe(true);
  });

  test("someone else's operation in progress is waited for; landing RUNNING, the pause follows", async () => {
    const world = new AppRunner('RUNNING', { busyFor: { reads: 3, to: 'RUNNING' } });
    const r = await inject(world);
    expect(r.thrown).toBeUndefined();
    expect(world.status).toBe('PAUSED');
    expect(world.mutations).toHaveLength(1);
    expect(r.lines.some((l) => l.includes('operation in progress; waiting for it to finish before pausing'))).toBe(true);
  });

  test('a service found PAUSED is not paused again, but the pause is still owed and in place', async () => {
    for (const world of [new AppRunner('PAUSED'), new AppRunner('RUNNING', { busyFor: { reads: 2, to: 'PAUSED' } })]) {
      const r = await inject(world);
      expect(r.thrown).toBeUndefined();
      expect(world.mutations).toEqual([]);
      expect(r.owed).toEqual([ARN]);
      expect(r.events.slice(-2)).toEqual([OWED.replace('RUNNING', 'PAUSED'), IN_PLACE]);
    }
  });

  test('a service neither RUNNING nor PAUSED is refused naming its status; the journal still owes the resume', async () => {
    const world = new AppRunner('CREATE_FAILED');
    const r = await inject(world);
    expect(r.thrown?.message.split('\n')[0]).toBe(`The primary App Runner service ${ARN} is CREATE_FAILED; it cannot be paused`);
    expect(r.thrown?.message).toContain(`aws apprunner resume-service --service-arn ${ARN} --region us-east-1`);
    expect(world.mutations).toEqual([]);
    expect(r.owed).toEqual([ARN]);
    expect(r.events).not.toContain(IN_PLACE);
  });

  test('pause-service refused on its first attempt: nothing was started, nothing is owed', async () => {
    const world = new AppRunner('RUNNING');
    world.failNext = { error: awsError('InvalidStateException', 'PauseService'), attempts: 1, lands: false };
    const r = await inject(world);
    expect(r.thrown).toBeDefined();
    expect(r.owed).toEqual([]);
    expect(world.status).toBe('RUNNING');
  });

  test("an answer lost after the pause started: the service's operations show it, so it stays owed and is waited for", async () => {
    const world = new AppRunner('RUNNING');
    world.failNext = { error: awsError('InternalServiceErrorException', 'PauseService'), attempts: 3, lands: true };
    const r = await inject(world);
    expect(r.thrown).toBeUndefined();
    expect(world.status).toBe('PAUSED');
    expect(r.owed).toEqual([ARN]);
    expect(r.events).toContain(IN_PLACE);
    expect(r.lines.some((l) => l.includes('a pause started at') && l.includes('since this run began'))).toBe(true);
  });

  test('a lost answer whose pause did not start, by the operations since the run began: let go, nothing owed', async () => {
    const world = new AppRunner('RUNNING');
    // An earlier pause, before this run: not this run's.
    world.operations.push({ Id: 'old', Type: 'PAUSE_SERVICE', Status: 'SUCCEEDED', StartedAt: '2020-01-01T00:00:00Z' });
    world.failNext = { error: awsError('InternalServiceErrorException', 'PauseService'), attempts: 3, lands: false };
    const r = await inject(world);
    expect(r.thrown).toBeDefined();
    expect(r.owed).toEqual([]);
    expect(r.lines.some((l) => l.includes('no pause started since this run began'))).toBe(true);
  });

  test('an operation whose start cannot be read counts as this run’s: the pause stays owed', async () => {
    const world = new AppRunner('RUNNING', { transitionMs: undefined } as never);
    world.operations.push({ Id: 'x', Type: 'PAUSE_SERVICE', Status: 'IN_PROGRESS', StartedAt: 'not a time' });
    world.failNext = { error: awsError('InternalServiceErrorException', 'PauseService'), attempts: 3, lands: false };
    const r = await inject(world, { transitionMs: 50 });
    expect(r.owed).toEqual([ARN]);
  });

  test('a pause that never lands within the way back: thrown, still owed, the deadline kept for the undo', async () => {
    const world = new AppRunner('RUNNING', { steps: 1e9 });
    const r = await inject(world, { transitionMs: 30 });
    expect(r.thrown).toBeDefined();
    expect(r.owed).toEqual([ARN]);
    expect(r.events).not.toContain(IN_PLACE);
    expect(r.wayBack.deadline).toBeDefined();
  });
});

describe('App Runner undo: the primary RUNNING again, or the resume still owed', () => {
  test('a PAUSED service is resumed and waited for; the fault undone, the way back ended', async () => {
    const world = new AppRunner('PAUSED');
    const r = await undo(world);
    expect(r.thrown).toBeUndefined();
    expect(world.status).toBe('RUNNING');
    expect(world.mutations).toEqual([`apprunner resume-service --service-arn ${ARN}`]);
    expect(r.said).toBe(`Resumed the primary service (${ARN}).`);
    expect(r.owed).toEqual([]);
    expect(r.events.at(-1)).toBe(`${ARN}: primary resumed`);
    expect(r.wayBack.deadline).toBeUndefined();
  });

  test('a RUNNING service is not resumed; the fault is undone and says it was found RUNNING', async () => {
    const world = new AppRunner('RUNNING');
    const r = await undo(world);
    expect(world.mutations).toEqual([]);
    expect(r.said).toBe('The primary service was already RUNNING.');
    expect(r.owed).toEqual([]);
    // The journal tells a service found RUNNING from one resumed.
    expect(r.events.at(-1)).toBe(`${ARN}: primary found RUNNING`);
  });

  test('an operation in progress is waited for, then the service resumed if it landed PAUSED', async () => {
    for (const to of ['PAUSED', 'RUNNING'] as const) {
      const world = new AppRunner('RUNNING', { busyFor: { reads: 2, to } });
      const r = await undo(world);
      expect(r.thrown).toBeUndefined();
      expect(world.status).toBe('RUNNING');
      expect(world.mutations).toHaveLength(to === 'PAUSED' ? 1 : 0);
      expect(r.owed).toEqual([]);
      expect(r.lines.some((l) => l.includes('operation in progress; waiting for it to finish'))).toBe(true);
    }
  });

  test('a service neither RUNNING nor PAUSED cannot be resumed: thrown naming its status, the resume still owed', async () => {
    const world = new AppRunner('DELETED');
    const r = await undo(world);
    expect(r.thrown?.message.split('\n')[0]).toBe(`The primary App Runner service ${ARN} is DELETED; it cannot be resumed`);
    expect(r.thrown?.message).toContain(`aws apprunner resume-service --service-arn ${ARN} --region us-east-1`);
    expect(r.owed).toEqual([ARN]);
  });

  test('resume-service refused at once for a reason waiting cannot mend: thrown, the resume still owed', async () => {
    const world = new AppRunner('PAUSED');
    world.failNext = { error: awsError('ResourceNotFoundException', 'ResumeService'), attempts: 1, lands: false };
    const r = await undo(world, { transitionMs: 5_000 });
    expect(r.thrown?.message).toContain('ResourceNotFoundException');
    expect(r.owed).toEqual([ARN]);
    expect(world.status).toBe('PAUSED');
  });

  test('resume-service failing in a way the service can settle: RUNNING in time undoes the fault', async () => {
    for (const f of [
      { error: awsError('InvalidStateException', 'ResumeService'), attempts: 1, lands: true },
      { error: awsError('ResourceNotFoundException', 'ResumeService'), attempts: 2, lands: true },
      { error: awsError('InternalServiceErrorException', 'ResumeService'), attempts: 4, lands: true },
    ]) {
      const world = new AppRunner('PAUSED');
      world.failNext = f;
      const r = await undo(world);
      expect(r.thrown).toBeUndefined();
      expect(world.status).toBe('RUNNING');
      expect(r.owed).toEqual([]);
    }
  });

  test('a resume that never lands within the way back: thrown, the resume still owed', async () => {
    const world = new AppRunner('PAUSED', { steps: 1e9 });
    const r = await undo(world, { transitionMs: 30 });
    expect(r.thrown).toBeDefined();
    expect(r.owed).toEqual([ARN]);
  });
});

/** inject on a fresh run whose pause-service answer is lost and lands nowhere; `before` adds the service's earlier operations, knowing when the run began. */
async function lostPause(before: (runStartedMs: number) => Op[]) {
  const world = new AppRunner('RUNNING');
  const ledger = await ledgerOf();
  const added = before(Date.parse(ledger.startedAt));
  world.operations.push(...added);
  world.failNext = { error: awsError('InternalServiceErrorException', 'PauseService'), attempts: 3, lands: false };
  const { ctx, lines } = context(world, { transitionMs: 50 });
  const thrown = await appRunnerBackend.inject(ctx, { ...PRIMARY, url: 'https://p1' }, ledger).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  const journal = await journalOf(ledger);
  await ledger.release();
  return { thrown, ...journal, lines, added };
}

/** What a thrown error says and how the command exits: its kind and its first line. */
const refusal = (e: unknown) => ({
  error: e instanceof AwsTargetError,
  kind: (e as AwsTargetError).kind,
  head: (e as Error).message.split('\n')[0],
});

describe('App Runner: what holds on every path', () => {
  test('a service in a state the drill cannot act on is refused as an external failure (exit 3) naming the role, the service and its status', async () => {
    for (const status of ['CREATE_FAILED', 'DELETED'] as const) {
      const expected = { error: true, kind: 'external', head: expect.stringContaining(`primary App Runner service ${ARN} is ${status}`) };
      expect(refusal((await inject(new AppRunner(status))).thrown)).toEqual(expected);
      expect(refusal((await undo(new AppRunner(status))).thrown)).toEqual(expected);
      const { ctx } = context(new AppRunner(status));
      expect(refusal(await appRunnerBackend.ready(ctx, { ...PRIMARY, url: 'https://p1' }, undefined).catch((e: unknown) => e))).toEqual(
        expected,
      );
    }
    const { ctx } = context(new AppRunner('PAUSED'));
    expect(refusal(await appRunnerBackend.ready(ctx, { ...PRIMARY, url: 'https://p1' }, undefined).catch((e: unknown) => e))).toEqual({
      error: true,
      kind: 'external',
      head: expect.stringContaining(`primary App Runner service ${ARN} is PAUSED`),
    });
  });

  test('every change asked of App Runner is announced in the log just before it, naming the role and the service', async () => {
    const worlds = [new AppRunner('RUNNING'), new AppRunner('PAUSED'), new AppRunner('RUNNING', { busyFor: { reads: 2, to: 'PAUSED' } })];
    await inject(worlds[0]!);
    await undo(worlds[0]!);
    await undo(worlds[1]!);
    await undo(worlds[2]!);
    for (const world of worlds) {
      const asks = world.timeline.flatMap((l, i) => (l.startsWith('> ') ? [i] : []));
      expect(asks.length).toBeGreaterThan(0);
      for (const i of asks) {
        const verb = world.timeline[i] === '> pause-service' ? 'pausing' : 'resuming';
        expect(world.timeline[i - 1]).toBe(`${verb} the primary service ${ARN}`);
      }
    }
  });

  test("a wait for this run's own pause or resume names in its progress the operation App Runner returned; an unknown one is said to be unknown", async () => {
    const world = new AppRunner('RUNNING', { steps: 3 });
    const paused = await inject(world);
    const pauseId = world.operations[0]!.Id;
    const waiting = (lines: string[], want: string) => lines.filter((l) => l.includes(`, waiting for ${want}:`));
    expect(waiting(paused.lines, 'PAUSED').length).toBeGreaterThan(0);
    for (const l of waiting(paused.lines, 'PAUSED')) expect(l).toContain(`(operation ${pauseId})`);
    expect(paused.lines).toContain(`pause of the primary service started (operation ${pauseId})`);

    const resumed = await undo(world);
    const resumeId = world.operations[0]!.Id;
    expect(resumeId).not.toBe(pauseId);
    expect(waiting(resumed.lines, 'RUNNING').length).toBeGreaterThan(0);
    for (const l of waiting(resumed.lines, 'RUNNING')) expect(l).toContain(`(operation ${resumeId})`);

    // The answer lost: the pause is waited for all the same, its operation unknown.
    const lost = new AppRunner('RUNNING', { steps: 3 });
    lost.failNext = { error: awsError('InternalServiceErrorException', 'PauseService'), attempts: 3, lands: true };
    const r = await inject(lost);
    expect(r.lines).toContain('pause of the primary service started (operation unknown)');
    for (const l of waiting(r.lines, 'PAUSED')) expect(l).not.toContain('(operation');
  });

  test('a pause not known to have started before the run is counted as the run’s own, so its resume stays owed; one known earlier is not', async () => {
    const pause = (StartedAt: string | number, Status?: string): Op => ({
      Id: 'p',
      Type: 'PAUSE_SERVICE',
      StartedAt,
      ...(Status ? { Status } : {}),
    });
    const cases: [string, (t0: number) => Op[], boolean][] = [
      ['started in the very millisecond the run began', (t0) => [pause(new Date(t0).toISOString(), 'IN_PROGRESS')], true],
      ['started after the run began, in epoch seconds', (t0) => [pause(Math.ceil(t0 / 1000) + 1, 'IN_PROGRESS')], true],
      ['whose start cannot be read, and without a status', () => [pause('not a time')], true],
      ['started a minute before the run, in epoch seconds', (t0) => [pause(Math.floor(t0 / 1000) - 60, 'SUCCEEDED')], false],
      ['started a millisecond before the run', (t0) => [pause(new Date(t0 - 1).toISOString(), 'SUCCEEDED')], false],
      [
        'of another type, after the run began',
        (t0) => [{ Id: 'd', Type: 'START_DEPLOYMENT', Status: 'IN_PROGRESS', StartedAt: new Date(t0 + 1).toISOString() }],
        false,
      ],
    ];
    for (const [what, ops, ours] of cases) {
      const r = await lostPause(ops);
      expect({ what, owed: r.owed }).toEqual({ what, owed: ours ? [ARN] : [] });
      // The log names the change whose outcome is unknown before the state is read.
      expect(r.lines).toContainEqual(
        expect.stringMatching(/^pause-service of the primary: the outcome is unknown \(3 attempts, the last: /),
      );
      // The line that decided it shows the evidence: the service's status, and the pause's start and status.
      const decided = r.lines.find((l) => l.startsWith('the primary service is '));
      expect(decided).toBeDefined();
      expect(decided).toContain('the primary service is RUNNING; ');
      if (ours) {
        const op = r.added[0]!;
        expect(decided).toMatch(
          new RegExp(`; a pause started at ${String(op.StartedAt)} \\(${op.Status ?? '\\?'}\\), since this run began$`),
        );
      } else {
        expect(decided).toMatch(/no pause started since this run began \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/);
      }
    }
  });

  test('every wait is bounded: an operation of someone else that never ends is given up on, the primary neither paused nor resumed', async () => {
    const forever = { reads: Number.MAX_SAFE_INTEGER, to: 'RUNNING' as const };
    const inBusy = new AppRunner('RUNNING', { busyFor: forever });
    const i = await inject(inBusy, { transitionMs: 30 });
    expect(i.thrown).toBeDefined();
    expect(inBusy.mutations).toEqual([]);
    expect(i.owed).toEqual([]);
    const unBusy = new AppRunner('RUNNING', { busyFor: forever });
    const u = await undo(unBusy, { transitionMs: 30 });
    expect(u.thrown).toBeDefined();
    expect(unBusy.mutations).toEqual([]);
    expect(u.owed).toEqual([ARN]);
  });
});

describe('App Runner reads', () => {
  test('ready: RUNNING passes; PAUSED and others refused, each with its way forward', async () => {
    const { ctx } = context(new AppRunner('RUNNING'));
    await expect(appRunnerBackend.ready(ctx, { ...PRIMARY, url: 'https://p1' }, undefined)).resolves.toMatchObject({ status: 'RUNNING' });
    for (const [status, hint] of [
      ['PAUSED', `aws apprunner resume-service --service-arn ${ARN} --region us-east-1`],
      ['CREATE_FAILED', `Wait for it to be RUNNING (aws apprunner describe-service --service-arn ${ARN} --region us-east-1)`],
    ] as const) {
      const { ctx: c } = context(new AppRunner(status));
      const e = await appRunnerBackend.ready(c, { ...PRIMARY, url: 'https://p1' }, undefined).catch((x: unknown) => x);
      expect((e as Error).message.split('\n')[0]).toBe(
        `The primary App Runner service ${ARN} is ${status}; the drill starts only from RUNNING`,
      );
      expect((e as Error).message).toContain(hint);
    }
  });

  test('inspect: the host from the service URL, its status and tags', async () => {
    const live = await appRunnerBackend.inspect(
      new AppRunner('PAUSED'),
      { ...PRIMARY, url: 'https://x' },
      undefined,
      new AbortController().signal,
    );
    expect(live).toEqual({ role: 'primary', serviceArn: ARN, host: 'p1.us-east-1.awsapprunner.com', status: 'PAUSED', tags: MANAGED });
  });
});

describe("App Runner's description of itself", () => {
  test('its IAM actions are exactly the operations it asks (inject, undo, inspect and ready, every path above)', async () => {
    // Run after the suites above (jest runs a file's tests in order); one more full drill for a file run alone.
    const world = new AppRunner('RUNNING');
    await inject(world);
    await undo(world);
    await appRunnerBackend.inspect(world, { ...PRIMARY, url: 'https://x' }, undefined, new AbortController().signal);
    expect([...appRunnerBackend.iamActions].sort()).toEqual([...asked].sort());
  });

  test('ARNs: an App Runner service ARN of any partition; nothing else', () => {
    const { pattern } = appRunnerBackend.arn;
    for (const ok of [
      ARN,
      'arn:aws-cn:apprunner:cn-north-1:123456789012:service/x/1',
      'arn:aws-us-gov:apprunner:us-gov-west-1:123456789012:service/x',
    ]) {
      expect(pattern.test(ok)).toBe(true);
    }
    for (const bad of [
      'arn:aws:ecs:us-east-1:123456789012:service/c/s',
      'arn:aws:apprunner:us-east-1:123456789012:connection/x/1',
      'arn:aws:apprunner:us-east-1:1234:service/x/1',
      'arn:aws:apprunner:us-east-1:123456789012:service/',
      `x${ARN}`,
      'arn:aws:apprunner::123456789012:service/x/1',
    ]) {
      expect(pattern.test(bad)).toBe(false);
    }
    expect(appRunnerBackend.arn.allowed).toMatch(/App Runner service ARN/);
  });

  test('regions: the known App Runner regions and those the config adds; the hint names the known ones and the setting', () => {
    const config = { regions: { additionalAppRunnerRegions: ['mx-central-1'] } } as Parameters<
      NonNullable<typeof appRunnerBackend.regions>
    >[0];
    const r = appRunnerBackend.regions!(config);
    for (const k of KNOWN_APPRUNNER_REGIONS) expect(r.known.has(k)).toBe(true);
    expect(r.known.has('mx-central-1')).toBe(true);
    expect(r.known.size).toBe(new Set([...KNOWN_APPRUNNER_REGIONS, 'mx-central-1']).size);
    expect(r.what).toBe('App Runner');
    expect(r.hint).toContain(KNOWN_APPRUNNER_REGIONS.join(', '));
    expect(r.hint).toContain('regions.additionalAppRunnerRegions');
  });

  test('a service App Runner describes without a URL gives no host; none is made up', async () => {
    const noUrl = new (class extends AppRunner {
      override call<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<T> {
        return super.call<{ Service: Record<string, unknown> }>(service, operation, args).then((r) => {
          delete r.Service.ServiceUrl;
          return r as T;
        });
      }
    })('OPERATION_IN_PROGRESS');
    const e = await appRunnerBackend.explicitService(noUrl, PRIMARY, undefined, new AbortController().signal);
    expect(e.url).toBe('https://');
  });

  test("an explicit service's URL is read from describe-service, with the description kept for later reads", async () => {
    const e = await appRunnerBackend.explicitService(new AppRunner('RUNNING'), PRIMARY, undefined, new AbortController().signal);
    expect(e.url).toBe('https://p1.us-east-1.awsapprunner.com');
    expect(e.read).toMatchObject({ serviceArn: ARN, status: 'RUNNING' });
    // ready and inspect take that description instead of reading again.
    const silent = new AppRunner('PAUSED');
    const { ctx } = context(silent);
    await expect(appRunnerBackend.ready(ctx, { ...PRIMARY, url: 'https://x' }, e.read)).resolves.toBe(e.read);
    const live = await appRunnerBackend.inspect(silent, { ...PRIMARY, url: 'https://x' }, e.read, new AbortController().signal);
    expect(live.status).toBe('RUNNING');
  });

  test('its preflight check: the service must be RUNNING, an error naming the status found', () => {
    for (const status of ['RUNNING', 'PAUSED', 'OPERATION_IN_PROGRESS']) {
      const [f, ...more] = appRunnerBackend.checks.service({ role: 'secondary', serviceArn: ARN, host: 'h', status, tags: {} });
      expect(more).toEqual([]);
      expect(f).toEqual({
        check: 'secondary-running',
        setting: 'secondary service Status',
        ok: status === 'RUNNING',
        found: status,
        expected: 'RUNNING',
        severity: 'error',
      });
    }
    expect(appRunnerBackend.checks.services([])).toEqual([]);
    expect(appRunnerBackend.checks.faultStatus).toBe(404);
  });

  test("a message that names a service's kind calls it by the backend's noun", async () => {
    const { noun } = appRunnerBackend;
    const refused = await appRunnerBackend.ready(context(new AppRunner('PAUSED')).ctx, { ...PRIMARY, url: 'https://p1' }, undefined).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused?.message).toContain(`The primary ${noun} ${ARN} is PAUSED`);
    for (const thrown of [(await inject(new AppRunner('CREATE_FAILED'))).thrown, (await undo(new AppRunner('DELETED'))).thrown]) {
      expect(thrown?.message).toContain(`The primary ${noun} ${ARN} is `);
    }
  });

  test('the fault step names the role, the region, the pause and the resume', () => {
    expect(appRunnerBackend.faultStep('primary', 'eu-west-1')).toBe('pause the primary App Runner service in eu-west-1, then resume it');
    expect(appRunnerBackend.key).toBe('apprunner');
    expect(appRunnerBackend.endpointsFromOptions).toBe(false);
  });
});
