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
import { ecsExpressBackend, faultRule } from '../../../harness/targets/aws/backends/ecs-express.js';
import { canonical, fixedResponseActions } from '../../../harness/targets/aws/backends/alb-rules.js';
import { WayBack, type InjectContext, type StackService } from '../../../harness/targets/aws/backends/service-backend.js';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { openTestLedger } from '../../support/aws/run-ledger.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { AwsCli, type Mutation } from '../../../harness/targets/aws/tools/aws-cli.js';
import { resolveWaits } from '../../../harness/targets/aws/tools/waits.js';
import type { AlbAction, AlbRule, JournalFault } from '../../../harness/targets/aws/wire.js';

const root = mkdtempSync(join(tmpdir(), 'ecs-express-fault-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stateDir = join(root, 'state');
const REGION = 'eu-west-1';
const SERVICE = `arn:aws:ecs:${REGION}:123456789012:service/shop-cluster/shop-primary`;
const TG = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/shop-primary/0123456789abcdef`;
const RULE = `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener-rule/app/express/1111111111111111/aaaa/1`;
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

/** One listener rule. `failNext`: what the next modify-rule answers instead, and whether the change lands anyway. */
class Listener extends AwsCli {
  readonly modified: AlbAction[][] = [];
  failNext?: { error: Error; attempts: number; lands: boolean };
  /** What describe-rules reads instead of the rule's actions (a rule changed by someone else). */
  readsAs?: AlbAction[];

  constructor(
    public actions: AlbAction[],
    private readonly tags: Record<string, string> = MANAGED,
  ) {
    super({ binary: 'aws-not-run' });
  }

  override call<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<T> {
    const key = `${service} ${operation} ${args.join(' ')}`;
    if (key === `elbv2 describe-rules --rule-arns ${RULE}`)
      return Promise.resolve({ Rules: [ruleWith(structuredClone(this.readsAs ?? this.actions))] } as T);
    if (key === `ecs list-tags-for-resource --resource-arn ${SERVICE}`) {
      return Promise.resolve({ tags: Object.entries(this.tags).map(([key, value]) => ({ key, value })) } as T);
    }
    return Promise.reject(new Error(`no answer for: aws ${key}`));
  }

  override mutate<T = unknown>(service: string, operation: string, args: readonly string[]): Promise<Mutation<T>> {
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

describe("ECS Express's description of itself", () => {
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
