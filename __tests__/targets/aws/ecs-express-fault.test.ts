/**
 * ECS Express's fault and its restore, without the AWS CLI: the listener rule changed to a
 * fixed-response 503 (faultRule) and its original actions put back (undo), each judged on a real
 * RunLedger and its journal. The CLI is one listener rule that answers in the botocore output shapes
 * (elbv2 DescribeRulesOutput, ModifyRuleOutput; ecs ListTagsForResourceResponse).
 *
 * Invariants: the rule's original actions are journaled before modify-rule is asked; the fault is in
 * place only once the rule reads the fixed response; a rule already answering a fixed response is
 * never faulted; undo lets go of the fault only when the rule reads back its original actions exactly,
 * and otherwise throws naming both and keeps the fault owed.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../../config/index.js';
import { ecsExpressBackend, faultRule } from '../../../harness/targets/aws/backends/ecs-express.js';
import { refusal as refusalOf } from '../../../harness/targets/aws/checks/inspect.js';
import { checkExistingRef } from '../../../harness/targets/aws/target-options.js';
import { canonical, fixedResponseActions } from '../../../harness/targets/aws/backends/alb-rules.js';
import { WayBack, type InjectContext, type StackService } from '../../../harness/targets/aws/backends/service-backend.js';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { openTestLedger } from '../../support/aws/run-ledger.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { AwsCli, type Mutation } from '../../../harness/targets/aws/tools/aws-cli.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';
import { resolveWaits } from '../../../harness/targets/aws/tools/waits.js';
import type { AlbAction, AlbRule, JournalFault } from '../../../harness/targets/aws/wire.js';

const root = mkdtempSync(join(tmpdir(), 'ecs-express-fault-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stateDir = join(root, 'state');
const REGION = 'eu-west-1';
const SERVICE = `arn:aws:ecs:${REGION}:123456789012:service/shop-cluster/shop-primary`;
const TG = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/shop-primary/0123456789abcdef`;
const RULE = `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener-rule/app/express/1111111111111111/aaaa/1`;
const LB = `arn:aws:elasticloadbalancing:${REGION}:123456789012:loadbalancer/app/express/1111111111111111`;
const LISTENER = `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener/app/express/1111111111111111/aaaa`;
const PRIMARY: StackService = { role: 'primary', serviceArn: SERVICE, region: REGION, url: 'https://sh-1.ecs.eu-west-1.on.aws' };
const MANAGED = { ManagedBy: 'edge-failover', EdgeFailoverStack: 'shop', EdgeFailoverRole: 'primary' };
const awsError = (code: string) => new Error(`An error occurred (${code}) when calling the ModifyRule operation: ${code}`);

/** The original actions, in the two forms describe-rules may print a forward in. */
const ORIGINALS: AlbAction[][] = [
  [{ Type: 'forward', TargetGroupArn: TG }],
  [
    {
      Type: 'forward',
      TargetGroupArn: TG,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG, Weight: 1 }] },
      Order: 1,
    } as unknown as AlbAction,
  ],
];
const FORMS: [string, AlbAction[]][] = [
  ['a forward to the target group', ORIGINALS[0]!],
  ['a forward with its ForwardConfig and Order', ORIGINALS[1]!],
];
const ruleWith = (actions: AlbAction[]): AlbRule => ({
  RuleArn: RULE,
  Priority: '1',
  Conditions: [{ Field: 'host-header', Values: ['sh-1.ecs.eu-west-1.on.aws'] }],
  Actions: actions,
  IsDefault: false,
});

/** Every operation any world of this file was asked, as an IAM action ("elasticloadbalancing:ModifyRule"). */
const asked = new Set<string>();
const IAM_PREFIX: Record<string, string> = { ecs: 'ecs', elbv2: 'elasticloadbalancing' };
const iamAction = (service: string, operation: string) =>
  `${IAM_PREFIX[service] ?? service}:${operation.replace(/(^|-)([a-z])/g, (_: string, _d: string, c: string) => c.toUpperCase())}`;

/** One listener rule. `failNext`: what the next modify-rule answers instead, and whether the change lands anyway. */
class Listener extends AwsCli {
  readonly modified: AlbAction[][] = [];
  failNext?: { error: Error; attempts: number; lands: boolean };
  /** What describe-rules reads instead of the rule's actions (a rule changed by someone else). */
  readsAs?: AlbAction[];
  /** What describe-rules --rule-arns prints instead of the rule (a rule gone, an empty answer). */
  describesAs?: unknown;
  /** The ECS service behind the rule, for the walk from the service to its rule (describe-services). */
  service = { status: 'ACTIVE', desiredCount: 1, runningCount: 1, pendingCount: 0, targetGroupArn: TG as string | undefined };

  constructor(
    public actions: AlbAction[],
    private readonly tags: Record<string, string> = MANAGED,
  ) {
    super({ binary: 'aws-not-run' });
  }

  override call<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<T> {
    asked.add(iamAction(service, operation));
    const key = `${service} ${operation} ${args.join(' ')}`;
    if (key === `elbv2 describe-rules --rule-arns ${RULE}`) {
      if (this.describesAs !== undefined) return Promise.resolve(structuredClone(this.describesAs) as T);
      return Promise.resolve({ Rules: [ruleWith(structuredClone(this.readsAs ?? this.actions))] } as T);
    }
    // The walk from the service to its rule (alb-rules.ts findServiceRule), in the botocore output shapes.
    const { targetGroupArn, ...counts } = this.service;
    const answers: Record<string, unknown> = {
      [`ecs describe-services --cluster shop-cluster --services ${SERVICE}`]: {
        services: [
          {
            serviceArn: SERVICE,
            ...counts,
            loadBalancers: targetGroupArn ? [{ targetGroupArn, containerName: 'app', containerPort: 80 }] : [],
          },
        ],
        failures: [],
      },
      [`elbv2 describe-target-groups --target-group-arns ${TG}`]: { TargetGroups: [{ TargetGroupArn: TG, LoadBalancerArns: [LB] }] },
      [`elbv2 describe-listeners --load-balancer-arn ${LB}`]: {
        Listeners: [{ ListenerArn: LISTENER, LoadBalancerArn: LB, Port: 443, Protocol: 'HTTPS' }],
      },
      [`elbv2 describe-rules --listener-arn ${LISTENER}`]: { Rules: [ruleWith(structuredClone(this.actions))] },
    };
    if (Object.hasOwn(answers, key)) return Promise.resolve(answers[key] as T);
    if (key === `ecs list-tags-for-resource --resource-arn ${SERVICE}`) {
      return Promise.resolve({ tags: Object.entries(this.tags).map(([key, value]) => ({ key, value })) } as T);
    }
    return Promise.reject(new Error(`no answer for: aws ${key}`));
  }

  override mutate<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<Mutation<T>> {
    asked.add(iamAction(service, operation));
    if (service !== 'elbv2' || operation !== 'modify-rule' || args[0] !== '--rule-arn' || args[1] !== RULE || args[2] !== '--actions') {
      return Promise.reject(new Error(`unexpected aws ${service} ${operation} ${args.join(' ')}`));
    }
    const actions = JSON.parse(args[3]!) as AlbAction[];
    this.modified.push(actions);
    const fail = this.failNext;
    this.failNext = undefined;
    if (!fail || fail.lands) this.actions = actions;
    if (fail) return Promise.resolve({ ok: false, attempts: fail.attempts, error: fail.error });
    return Promise.resolve({ ok: true, value: { Rules: [ruleWith(actions)] } as T });
  }
}

let runs = 0;
async function ledgerOf(): Promise<RunLedger> {
  runs += 1;
  return openTestLedger({ stateDir, stackDir: root, run: runs, regions: [REGION] });
}

function context(cli: AwsCli, allowUnmanagedPause = false) {
  const lines: string[] = [];
  const ctx: InjectContext = {
    cli,
    waits: resolveWaits({ pollIntervalMs: 1, maxPollIntervalMs: 2 }),
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    wayBack: new WayBack(60_000),
    stackName: 'shop',
    ...(allowUnmanagedPause ? { allowUnmanagedPause } : {}),
  };
  return { ctx, lines };
}

async function journalOf(ledger: RunLedger) {
  const j = (await readJournal(stateDir, ledger.journal.stack))!;
  return { faults: j.faults, events: j.events.map((e) => e.what) };
}

async function fault(world: Listener, original: AlbAction[]) {
  const ledger = await ledgerOf();
  const { ctx, lines } = context(world);
  const thrown = await faultRule(ctx, PRIMARY, ruleWith(original), ledger).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  const j = await journalOf(ledger);
  await ledger.release();
  return { thrown, ...j, lines };
}

const journaled = (original: AlbAction[]): JournalFault => ({
  backend: 'ecs-express',
  role: 'primary',
  region: REGION,
  serviceArn: SERVICE,
  resource: RULE,
  undo: original,
  undoCommands: [{ region: REGION, args: ['elbv2', 'modify-rule', '--rule-arn', RULE, '--actions', JSON.stringify(original)] }],
});

async function restore(world: Listener, original: AlbAction[]) {
  const ledger = await ledgerOf();
  const f = journaled(original);
  await ledger.faultOwed(f, 'forward');
  const { ctx } = context(world);
  const r = await ecsExpressBackend.undo(ctx, f, ledger).then(
    (said) => ({ said, thrown: undefined }),
    (e: unknown) => ({ said: undefined, thrown: e as Error }),
  );
  const j = await journalOf(ledger);
  await ledger.release();
  return { ...r, ...j };
}

const IN_PLACE = `${RULE}: the primary listener rule answers a fixed-response 503`;

describe('ECS Express fault: the listener rule to a fixed-response 503, its original actions journaled first', () => {
  test.each(FORMS)('from %s: journaled with its undo, then faulted, then in place', async (_, original) => {
    const world = new Listener(structuredClone(original));
    const r = await fault(world, original);
    expect(r.thrown).toBeUndefined();
    expect(canonical(world.actions)).toBe(canonical(fixedResponseActions()));
    expect(world.modified).toHaveLength(1);
    expect(r.faults).toEqual([journaled(original)]);
    expect(r.events.at(-1)).toBe(IN_PLACE);
    expect(r.lines.some((l) => l.includes('the listener rule is changed to a fixed-response 503') && l.includes(RULE))).toBe(true);
  });

  test('a rule already answering a fixed response is never faulted, nothing is owed', async () => {
    for (const actions of [
      fixedResponseActions(),
      [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }, ...ORIGINALS[0]!],
    ]) {
      const world = new Listener(structuredClone(actions));
      const r = await fault(world, actions);
      expect(r.thrown?.message.split('\n')[0]).toBe(
        `The primary listener rule ${RULE} already answers a fixed response; it is not its original state`,
      );
      expect(r.thrown?.message).toContain('dr-drill recover --target aws');
      expect(world.modified).toEqual([]);
      expect(r.faults).toEqual([]);
    }
  });

  test('modify-rule refused on its first attempt: not changed, nothing owed', async () => {
    const world = new Listener(structuredClone(ORIGINALS[0]!));
    world.failNext = { error: awsError('ValidationError'), attempts: 1, lands: false };
    const r = await fault(world, ORIGINALS[0]!);
    expect(r.thrown).toBeDefined();
    expect(r.faults).toEqual([]);
  });

  test('a lost answer: the rule read back decides; the fault read there is in place, the original read there is let go', async () => {
    for (const lands of [true, false]) {
      const world = new Listener(structuredClone(ORIGINALS[1]!));
      world.failNext = { error: awsError('InternalFailure'), attempts: 3, lands };
      const r = await fault(world, ORIGINALS[1]!);
      expect(r.thrown === undefined).toBe(lands);
      expect(r.faults.map((f) => f.resource)).toEqual(lands ? [RULE] : []);
      expect(r.events.includes(IN_PLACE)).toBe(lands);
    }
  });

  test('a lost answer and a rule reading neither: thrown naming what it reads, the fault still owed', async () => {
    const world = new Listener(structuredClone(ORIGINALS[0]!));
    world.readsAs = [{ Type: 'redirect', RedirectConfig: { Host: 'elsewhere' } } as AlbAction];
    world.failNext = { error: awsError('InternalFailure'), attempts: 3, lands: false };
    const r = await fault(world, ORIGINALS[0]!);
    expect(r.thrown?.message).toContain(`the primary listener rule ${RULE} reads neither its original actions nor the fault: `);
    expect(r.thrown?.message).toContain('elsewhere');
    expect(r.faults.map((f) => f.resource)).toEqual([RULE]);
  });

  test("inject refuses a service that is not this stack's primary before reading or changing any rule", async () => {
    const world = new Listener(structuredClone(ORIGINALS[0]!), { ...MANAGED, EdgeFailoverStack: 'other' });
    const ledger = await ledgerOf();
    const e = await ecsExpressBackend.inject(context(world).ctx, PRIMARY, ledger).catch((x: unknown) => x as Error);
    const j = await journalOf(ledger);
    await ledger.release();
    expect(e?.message).toContain(`Refusing to fault the listener rule of ${SERVICE}`);
    expect(world.modified).toEqual([]);
    expect(j.faults).toEqual([]);
  });
});

describe('ECS Express restore: the original actions put back and read back, or the fault kept', () => {
  test.each(FORMS)('%s restored and read back: undone', async (_, original) => {
    const world = new Listener(fixedResponseActions());
    const r = await restore(world, original);
    expect(r.thrown).toBeUndefined();
    expect(canonical(world.actions)).toBe(canonical(original));
    expect(r.said).toBe(`Restored the original actions of the primary listener rule (${RULE}).`);
    expect(r.faults).toEqual([]);
    expect(r.events.at(-1)).toBe(`${RULE}: listener rule restored`);
  });

  test('a lost answer with the rule restored all the same: undone (the rule read back decides)', async () => {
    const world = new Listener(fixedResponseActions());
    world.failNext = { error: awsError('InternalFailure'), attempts: 4, lands: true };
    const r = await restore(world, ORIGINALS[0]!);
    expect(r.thrown).toBeUndefined();
    expect(r.faults).toEqual([]);
  });

  test("a rule that does not read back its original actions: thrown naming both and modify-rule's error, the fault still owed", async () => {
    const world = new Listener(fixedResponseActions());
    world.failNext = { error: awsError('AccessDenied'), attempts: 1, lands: false };
    const r = await restore(world, ORIGINALS[0]!);
    const head = r.thrown?.message.split('\n')[0] ?? '';
    expect(head).toContain(`The primary listener rule ${RULE} does not read back its original actions after restore`);
    expect(head).toContain(`original ${JSON.stringify(ORIGINALS[0])}`);
    expect(head).toContain(`now ${JSON.stringify(fixedResponseActions())}`);
    expect(head).toContain('; modify-rule: ');
    expect(head).toContain('AccessDenied');
    expect(r.thrown?.message).toContain(`aws elbv2 describe-rules --rule-arns ${RULE} --region ${REGION}`);
    expect(r.faults.map((f) => f.resource)).toEqual([RULE]);
  });

  test('modify-rule answered but the rule reads otherwise (changed by someone else): thrown without a modify-rule error, still owed', async () => {
    const world = new Listener(fixedResponseActions());
    world.readsAs = [{ Type: 'forward', TargetGroupArn: 'arn:other' }];
    const r = await restore(world, ORIGINALS[0]!);
    const head = r.thrown?.message.split('\n')[0] ?? '';
    expect(head).toContain('does not read back its original actions');
    expect(head).not.toContain('modify-rule:');
    expect(r.faults.map((f) => f.resource)).toEqual([RULE]);
  });
});

/** What a thrown error says and how the command exits: its kind and its first line. */
const refusal = (e: unknown) => ({
  error: e instanceof AwsTargetError,
  kind: (e as AwsTargetError).kind,
  head: (e as Error).message.split('\n')[0],
});

describe('ECS Express: what holds on every path', () => {
  test('inject walks from the service to its own rule by its endpoint host and faults that rule, journaled first', async () => {
    const world = new Listener(structuredClone(ORIGINALS[0]!));
    const ledger = await ledgerOf();
    const { ctx, lines } = context(world);
    await ecsExpressBackend.inject(ctx, PRIMARY, ledger);
    const j = await journalOf(ledger);
    await ledger.release();
    expect(canonical(world.actions)).toBe(canonical(fixedResponseActions()));
    expect(j.faults).toEqual([journaled(ORIGINALS[0]!)]);
    expect(j.events.at(-1)).toBe(IN_PLACE);
    expect(lines.some((l) => l.includes(RULE))).toBe(true);
  });

  test("a rule that is not in its original state is refused as the operator's to mend (exit 2); AWS failures are external (exit 3); each names the rule", async () => {
    const faulted = new Listener(fixedResponseActions());
    expect(refusal((await fault(faulted, fixedResponseActions())).thrown)).toEqual({
      error: true,
      kind: 'usage',
      head: expect.stringContaining(`listener rule ${RULE}`),
    });
    const neither = new Listener(structuredClone(ORIGINALS[0]!));
    neither.readsAs = [{ Type: 'redirect', RedirectConfig: { Host: 'elsewhere' } } as AlbAction];
    neither.failNext = { error: awsError('InternalFailure'), attempts: 3, lands: false };
    const n = refusal((await fault(neither, ORIGINALS[0]!)).thrown);
    expect(n).toEqual({ error: true, kind: 'external', head: expect.stringContaining(`listener rule ${RULE} reads neither`) });
    // It names the change that was asked, whose outcome is unknown.
    expect(n.head).toMatch(/^modify-rule of the primary listener rule may have started \(3 attempts, /);
    const notBack = new Listener(fixedResponseActions());
    notBack.readsAs = [{ Type: 'forward', TargetGroupArn: 'arn:other' }];
    expect(refusal((await restore(notBack, ORIGINALS[0]!)).thrown)).toEqual({
      error: true,
      kind: 'external',
      head: expect.stringContaining(`listener rule ${RULE} does not read back`),
    });
  });

  test('a restore refused with modify-rule answered ends its first line with the actions read, and adds nothing of modify-rule', async () => {
    const world = new Listener(fixedResponseActions());
    world.readsAs = [{ Type: 'forward', TargetGroupArn: 'arn:other' }];
    const r = await restore(world, ORIGINALS[0]!);
    expect(r.thrown?.message.split('\n')[0]).toBe(
      `The primary listener rule ${RULE} does not read back its original actions after restore (original ${JSON.stringify(ORIGINALS[0])}, now ${JSON.stringify(world.readsAs)})`,
    );
  });

  test('a rule describe-rules no longer shows: the fault stays owed, and the error names the rule and what was read', async () => {
    for (const describesAs of [{ Rules: [] }, {}]) {
      const gone = new Listener(fixedResponseActions());
      gone.describesAs = describesAs;
      const r = await restore(gone, ORIGINALS[0]!);
      expect(refusal(r.thrown)).toEqual({
        error: true,
        kind: 'external',
        head: expect.stringContaining(`listener rule ${RULE} does not read back its original actions after restore`),
      });
      expect(r.thrown?.message).toContain('now undefined');
      expect(r.faults.map((f) => f.resource)).toEqual([RULE]);

      const lost = new Listener(structuredClone(ORIGINALS[0]!));
      lost.describesAs = describesAs;
      lost.failNext = { error: awsError('InternalFailure'), attempts: 3, lands: false };
      const f = await fault(lost, ORIGINALS[0]!);
      expect(refusal(f.thrown)).toEqual({
        error: true,
        kind: 'external',
        head: expect.stringContaining(`listener rule ${RULE} reads neither`),
      });
      expect(f.faults.map((x) => x.resource)).toEqual([RULE]);
    }
  });
});

describe('ECS Express reads: ready and inspect', () => {
  const signal = () => new AbortController().signal;

  test('ready: an ACTIVE service with a running task passes, logged with its tasks; any other is refused with the reason', async () => {
    const world = new Listener(structuredClone(ORIGINALS[0]!));
    const { ctx, lines } = context(world);
    const d = await ecsExpressBackend.ready(ctx, PRIMARY, undefined);
    expect(d).toMatchObject({ serviceArn: SERVICE, status: 'ACTIVE', runningCount: 1 });
    expect(lines).toEqual([`primary: ECS service ${SERVICE} ACTIVE, 1 running of 1 desired (0 pending)`]);
    for (const service of [
      { ...world.service, status: 'DRAINING' },
      { ...world.service, runningCount: 0, pendingCount: 1 },
      { ...world.service, desiredCount: 0, runningCount: 0 },
    ]) {
      const w = new Listener(structuredClone(ORIGINALS[0]!));
      w.service = service;
      const e = await ecsExpressBackend.ready(context(w).ctx, PRIMARY, undefined).catch((x: unknown) => x);
      expect(refusal(e)).toEqual({ error: true, kind: 'external', head: expect.stringContaining(`The primary ECS service ${SERVICE} `) });
    }
  });

  test('ready and inspect take a description already read instead of reading the service again', async () => {
    const world = new Listener(structuredClone(ORIGINALS[0]!));
    const { ctx } = context(world);
    const known = await ecsExpressBackend.ready(ctx, PRIMARY, undefined);
    const calls: string[] = [];
    const counting = new (class extends Listener {
      override call<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<T> {
        calls.push(`${service} ${operation}`);
        return super.call<T>(service, operation, args);
      }
    })(structuredClone(ORIGINALS[0]!));
    counting.service = { ...counting.service, status: 'DRAINING' };
    await expect(ecsExpressBackend.ready(context(counting).ctx, PRIMARY, known)).resolves.toBe(known);
    const live = await ecsExpressBackend.inspect(counting, PRIMARY, known, signal());
    expect(live.status).toBe('ACTIVE');
    expect(calls).not.toContain('ecs describe-services');
  });

  test('inspect: status, tasks, tags, and the rule found by the endpoint host with its listener', async () => {
    const world = new Listener(structuredClone(ORIGINALS[0]!));
    world.service = { ...world.service, desiredCount: 2, runningCount: 1, pendingCount: 1 };
    expect(await ecsExpressBackend.inspect(world, PRIMARY, undefined, signal())).toEqual({
      role: 'primary',
      serviceArn: SERVICE,
      host: 'sh-1.ecs.eu-west-1.on.aws',
      status: 'ACTIVE',
      tags: MANAGED,
      tasks: { running: 1, desired: 2, pending: 1 },
      rule: { region: REGION, targetGroupArn: TG, listenerArn: LISTENER, rule: ruleWith(ORIGINALS[0]!) },
    });
  });

  test('inspect: a rule that cannot be found is a finding saying why; a failure to read is thrown, never a finding', async () => {
    const noTg = new Listener(structuredClone(ORIGINALS[0]!));
    noTg.service = { ...noTg.service, targetGroupArn: undefined };
    const a = await ecsExpressBackend.inspect(noTg, PRIMARY, undefined, signal());
    expect(a.rule).toEqual({ region: REGION, notFound: expect.stringMatching(/^none: the service has no load balancer target group/) });

    const otherHost = await ecsExpressBackend.inspect(
      new Listener(structuredClone(ORIGINALS[0]!)),
      { ...PRIMARY, url: 'https://other.ecs.eu-west-1.on.aws' },
      undefined,
      signal(),
    );
    expect(otherHost.rule).toEqual({
      region: REGION,
      targetGroupArn: TG,
      notFound: expect.stringMatching(
        /^No listener rule of the primary ECS Express service: none has a host-header condition for other\.ecs\.eu-west-1\.on\.aws forwarding to /,
      ),
    });
    expect(otherHost.rule?.notFound).not.toContain('\n');

    const failing = new (class extends Listener {
      override call<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<T> {
        if (operation === 'describe-listeners')
          return Promise.reject(new Error('An error occurred (AccessDenied) when calling the DescribeListeners operation'));
        return super.call<T>(service, operation, args);
      }
    })(structuredClone(ORIGINALS[0]!));
    await expect(ecsExpressBackend.inspect(failing, PRIMARY, undefined, signal())).rejects.toThrow(/AccessDenied/);
    const internal = new (class extends Listener {
      override call<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<T> {
        if (operation === 'describe-listeners') return Promise.reject(new AwsTargetError('internal', 'a bug'));
        return super.call<T>(service, operation, args);
      }
    })(structuredClone(ORIGINALS[0]!));
    await expect(ecsExpressBackend.inspect(internal, PRIMARY, undefined, signal())).rejects.toThrow('a bug');
  });
});

describe("ECS Express's description of itself", () => {
  test('its IAM actions are exactly the operations it asks (inject, undo, inspect and ready, every path above)', async () => {
    // Run after the suites above (jest runs a file's tests in order); one more full drill for a file run alone.
    const world = new Listener(structuredClone(ORIGINALS[0]!));
    const ledger = await ledgerOf();
    const { ctx } = context(world);
    await ecsExpressBackend.inject(ctx, PRIMARY, ledger);
    await ecsExpressBackend.undo(ctx, ledger.owedFaults[0]!, ledger);
    await ledger.release();
    await ecsExpressBackend.ready(ctx, PRIMARY, undefined);
    await ecsExpressBackend.inspect(world, PRIMARY, undefined, new AbortController().signal);
    expect([...ecsExpressBackend.iamActions].sort()).toEqual([...asked].sort());
  });

  test("what inspect reads of each service's listener rule is judged by its preflight: a rule left in its fixed response is refused, and the refusal says how it is restored", async () => {
    const signal = new AbortController().signal;
    const forwarding = await ecsExpressBackend.inspect(new Listener(structuredClone(ORIGINALS[0]!)), PRIMARY, undefined, signal);
    const ok = ecsExpressBackend.checks.services([forwarding]);
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.every((f) => f.ok)).toBe(true);
    const faulted = await ecsExpressBackend.inspect(new Listener(fixedResponseActions()), PRIMARY, undefined, signal);
    const failed = ecsExpressBackend.checks.services([forwarding, { ...faulted, role: 'secondary' }]).filter((f) => !f.ok);
    expect(failed).toEqual([
      expect.objectContaining({ check: 'secondary-listener-rule-actions', setting: `${RULE} Actions`, severity: 'error' }),
    ]);
    // Whoever reads only the refusal's way forward learns how a rule a drill left faulted is put back.
    expect(refusalOf(failed, 'E1', ecsExpressBackend).recovery).toContain('dr-drill recover --target aws');
  });

  test("a message that names a service's kind calls it by the backend's noun", async () => {
    const { noun } = ecsExpressBackend;
    const config = configSchema.parse({});
    const ref = {
      primaryServiceArn: SERVICE,
      secondaryServiceArn: SERVICE.replace('primary', 'secondary'),
      distributionId: 'E2QWRUHEXAMPLE',
    };
    expect(() => checkExistingRef(ref, ecsExpressBackend, config)).toThrow(`the primary ${noun}'s endpoint host`);
    const otherHost = await ecsExpressBackend.inspect(
      new Listener(structuredClone(ORIGINALS[0]!)),
      { ...PRIMARY, url: 'https://other.ecs.eu-west-1.on.aws' },
      undefined,
      new AbortController().signal,
    );
    expect(otherHost.rule?.notFound).toContain(`of the primary ${noun}:`);
  });

  test('ARNs: an ECS service ARN of any partition; nothing else', () => {
    const { pattern } = ecsExpressBackend.arn;
    for (const ok of [SERVICE, 'arn:aws-cn:ecs:cn-north-1:123456789012:service/c/s']) expect(pattern.test(ok)).toBe(true);
    for (const bad of [
      'arn:aws:apprunner:us-east-1:123456789012:service/x/1',
      'arn:aws:ecs:eu-west-1:123456789012:task/c/1',
      'arn:aws:ecs:eu-west-1:1234:service/c/s',
      'arn:aws:ecs:eu-west-1:123456789012:service/',
      `x${SERVICE}`,
    ]) {
      expect(pattern.test(bad)).toBe(false);
    }
    expect(ecsExpressBackend.arn.allowed).toContain('service.backend "ecs-express"');
  });

  test('the URL of an explicit service is its endpoint host, over HTTPS; nothing is read', async () => {
    const nothing = new Listener([]);
    for (const endpoint of ['sh-1.ecs.eu-west-1.on.aws', 'https://sh-1.ecs.eu-west-1.on.aws/', 'SH-1.ecs.eu-west-1.on.aws']) {
      const e = await ecsExpressBackend.explicitService(nothing, PRIMARY, endpoint, new AbortController().signal);
      expect(e.url.toLowerCase()).toBe('https://sh-1.ecs.eu-west-1.on.aws');
      expect(e.read).toBeUndefined();
    }
  });

  test('its preflight checks: ACTIVE, and at least one task running of at least one desired, each finding naming what it found', () => {
    const cases = [
      { status: 'ACTIVE', tasks: { running: 1, desired: 1, pending: 0 }, ok: [true, true] },
      { status: 'DRAINING', tasks: { running: 2, desired: 2, pending: 0 }, ok: [false, true] },
      { status: 'ACTIVE', tasks: { running: 0, desired: 1, pending: 1 }, ok: [true, false] },
      { status: 'ACTIVE', tasks: { running: 1, desired: 0, pending: 0 }, ok: [true, false] },
      { status: 'ACTIVE', tasks: undefined, ok: [true, false] },
    ];
    for (const c of cases) {
      const fs = ecsExpressBackend.checks.service({
        role: 'primary',
        serviceArn: SERVICE,
        host: 'h',
        status: c.status,
        tags: {},
        tasks: c.tasks,
      });
      expect(fs.map((f) => f.ok)).toEqual(c.ok);
      expect(fs.map((f) => f.check)).toEqual(['primary-active', 'primary-running-tasks']);
      expect(fs.every((f) => f.severity === 'error')).toBe(true);
      expect(fs[0]).toMatchObject({ setting: 'primary ECS service status', found: c.status, expected: 'ACTIVE' });
      const t = c.tasks ?? { running: 0, desired: 0, pending: 0 };
      expect(fs[1]!.found).toBe(`${t.running} running of ${t.desired} desired (${t.pending} pending)`);
      expect(fs[1]!.setting).toBe('primary ECS service runningCount, desiredCount');
      expect(fs[1]!.expected).toMatch(/^at least 1 running and 1 desired/);
    }
    expect(ecsExpressBackend.checks.faultStatus).toBe(503);
  });

  test('the fault step names the role, the region, the fixed-response 503 and the restore', () => {
    expect(ecsExpressBackend.faultStep('primary', 'eu-west-1')).toBe(
      "fault the primary's listener rule (a fixed-response 503) in eu-west-1, then put its actions back",
    );
    expect(ecsExpressBackend.key).toBe('ecs-express');
    expect(ecsExpressBackend.details).toEqual({ backend: 'ecs-express', pauseFault: expect.stringContaining('fixed-response 503') });
    expect(ecsExpressBackend.endpointsFromOptions).toBe(true);
  });
});
