/**
 * Finishing a run from its ledger (finishRun), without the AWS CLI: a real journal and lock, each
 * owed fault undone by a backend that records its calls, terraform's destroy and the tagging API
 * answered by hand. What must hold over every mix of undos that work or fail, destroys owed or not,
 * and sweeps that find nothing, leaks or keys pending deletion:
 * - a paused primary (any owed fault) is undone through the backend that made it, or stays
 *   journaled for `recover`; the journal closes only when nothing is owed;
 * - the result is ok exactly when nothing failed and nothing leaked;
 * - every failure names what failed and what to run next;
 * - finishRun never throws.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyedRegistry } from '../../../core/keyed-registry.js';
import { RUN_ID_TAG } from '../../../stacks/contract.js';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import { ecsExpressBackend } from '../../../harness/targets/aws/backends/ecs-express.js';
import { WayBack, type BackendContext, type ServiceBackend } from '../../../harness/targets/aws/backends/service-backend.js';
import { finishRun, type FinishContext } from '../../../harness/targets/aws/safety/finish.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import type { AwsCli } from '../../../harness/targets/aws/tools/aws-cli.js';
import type { Terraform } from '../../../harness/targets/aws/tools/terraform.js';
import { resolveWaits } from '../../../harness/targets/aws/tools/waits.js';
import type { JournalFault, LedgerCommand, LifecycleMode, TaggedResource } from '../../../harness/targets/aws/wire.js';

const root = mkdtempSync(join(tmpdir(), 'finish-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ACCOUNT = '123456789012';

const appRunnerFault = (n: number, role: 'primary' | 'secondary' = 'primary'): JournalFault => {
  const arn = `arn:aws:apprunner:us-east-1:${ACCOUNT}:service/shop-${role}/${n}`;
  return {
    backend: 'apprunner',
    role,
    region: 'us-east-1',
    serviceArn: arn,
    resource: arn,
    undoCommands: [{ region: 'us-east-1', args: ['apprunner', 'resume-service', '--service-arn', arn] }],
  };
};
const ecsFault = (n: number): JournalFault => {
  const rule = `arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:listener-rule/app/shop/1/2/${n}`;
  return {
    backend: 'ecs-express',
    role: 'primary',
    region: 'us-west-2',
    serviceArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:service/shop/${n}`,
    resource: rule,
    undoCommands: [{ region: 'us-west-2', args: ['elbv2', 'modify-rule', '--rule-arn', rule] }],
  };
};

interface Undo {
  readonly backend: string;
  readonly resource: string;
  readonly ctx: BackendContext;
}

/** App Runner's and ECS Express's keys, each undo journaled (or refused, for `fail`), recorded. */
function backends(fail: ReadonlySet<string> = new Set()) {
  const undone: Undo[] = [];
  const recording = (b: ServiceBackend): ServiceBackend => ({
    ...b,
    async undo(ctx, f, ledger) {
      undone.push({ backend: b.key, resource: f.resource, ctx });
      if (fail.has(f.resource)) throw new Error(`undo of ${f.resource} refused\nAn error occurred (Throttling)\n  last line`);
      await ledger.faultUndone(f.resource, 'undone');
      return `Undid ${f.resource}.`;
    },
  });
  return {
    registry: new KeyedRegistry([recording(appRunnerBackend), recording(ecsExpressBackend)], {
      noun: 'compute backends',
      field: 'service.backend',
    }),
    undone,
  };
}

interface Sweep {
  /** What the tagging API lists, per sweep (the last answer repeats). */
  readonly listed?: readonly (readonly string[])[];
  /** KMS key states by ARN. */
  readonly keyStates?: Readonly<Record<string, string>>;
  /** KMS keys describe-key answers without KeyMetadata. */
  readonly noMetadata?: readonly string[];
  /** The tagging API fails. */
  readonly fails?: boolean;
}

/** The tagging API and KMS, answered from `s`; every call recorded. */
function cliOf(s: Sweep = {}) {
  const calls: { what: string; region: string; tags?: Readonly<Record<string, string>> }[] = [];
  const sweeps = new Map<string, number>();
  const cli = {
    async getResources(region: string, tags: Readonly<Record<string, string>>): Promise<TaggedResource[]> {
      calls.push({ what: 'get-resources', region, tags });
      if (s.fails) throw new Error('An error occurred (AccessDenied) when calling the GetResources operation\nmore');
      const n = sweeps.get(region) ?? 0;
      sweeps.set(region, n + 1);
      const listed = s.listed ?? [[]];
      const arns = listed[Math.min(n, listed.length - 1)]!;
      // Regional ARNs in their region; global ones (no region, as S3's) in the first.
      const regionOf = (arn: string) => arn.split(':')[3] || 'us-east-1';
      return arns.filter((a) => regionOf(a) === region).map((arn) => ({ arn, tags: { ...tags } }));
    },
    async call(service: string, operation: string, args: readonly string[], region: string) {
      calls.push({ what: `${service} ${operation} ${args.join(' ')}`, region });
      if (s.noMetadata?.includes(args[1]!)) return {};
      return { KeyMetadata: { KeyState: s.keyStates?.[args[1]!] ?? 'Enabled' } };
    },
  };
  return { cli: cli as unknown as AwsCli, calls };
}

function terraformOf(fails = false, lines: readonly string[] = []) {
  const destroys: AbortSignal[] = [];
  /** The log as it stood when each destroy began. */
  const logged: string[][] = [];
  const terraform = {
    async destroy(signal: AbortSignal) {
      destroys.push(signal);
      logged.push([...lines]);
      if (fails) throw new Error('Error: deleting App Runner Service: timeout\nwhile waiting\nError: exit 1');
    },
  };
  return { terraform: terraform as unknown as Terraform, destroys, logged };
}

let runs = 0;
/** A run's ledger with `faults` owed; `owesDestroy` as an ephemeral run after its apply, or `down`. */
async function ledgerOf(
  mode: LifecycleMode,
  faults: readonly JournalFault[],
  destroy: 'none' | 'applied' | 'down' = 'none',
  regions: readonly string[] = ['us-east-1', 'us-west-2'],
) {
  runs += 1;
  const stateDir = join(root, `state${runs}`);
  const command: LedgerCommand = destroy === 'down' ? 'down' : 'run';
  const ledger = await RunLedger.open({
    stateDir,
    name: 'shop',
    runId: `run${runs}`,
    mode,
    command,
    stackDir: join(root, 'stack'),
    varFiles: [],
    regions,
    options: { terraformOverrides: [] },
  });
  if (destroy === 'applied') await ledger.applyStarted();
  if (destroy === 'down') await ledger.destroyStarted();
  for (const f of faults) await ledger.faultOwed(f, 'RUNNING');
  return { ledger, stateDir, runId: `run${runs}` };
}

function context(over: Partial<FinishContext> & Pick<FinishContext, 'cli' | 'terraform' | 'backends'>): FinishContext {
  return { waits: resolveWaits({ serviceTransitionMs: 7_000 }), leakSettleMs: 0, signal: new AbortController().signal, ...over };
}

/** Every subset of `xs`. */
const subsets = <T>(xs: readonly T[]): T[][] => xs.reduce<T[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);

const FAULTS = [appRunnerFault(1), appRunnerFault(2, 'secondary'), ecsFault(3)];

describe('finishRun: the owed faults', () => {
  test.each(subsets(FAULTS.map((f) => f.resource)).map((failing) => [failing.length, failing] as const))(
    'each owed fault is undone through the backend that made it, or stays journaled with its failure named and the way to recover (%i failing)',
    async (_n, failing) => {
      const { ledger, stateDir } = await ledgerOf('existing', FAULTS);
      const { registry, undone } = backends(new Set(failing));
      const { terraform, destroys } = terraformOf();
      const { cli, calls } = cliOf();
      const lines: string[] = [];
      const r = await finishRun(ledger, context({ cli, terraform, backends: registry, log: (l) => lines.push(l) }));

      // Each fault once, in journal order, through its own backend.
      expect(undone.map((u) => [u.backend, u.resource])).toEqual(FAULTS.map((f) => [f.backend, f.resource]));
      // What failed stays owed, on disk too; what was undone is not.
      const owed = FAULTS.filter((f) => failing.includes(f.resource));
      expect(ledger.owedFaults).toEqual(owed);
      expect((await readJournal(stateDir, 'shop'))?.faults).toEqual(owed);
      // The journal closes exactly when nothing is owed.
      expect(ledger.finished).toBe(owed.length === 0);
      expect((await readJournal(stateDir, 'shop'))?.finishedAt !== undefined).toBe(owed.length === 0);
      expect(r.ok).toBe(owed.length === 0);
      expect(r.leaks).toEqual([]);
      // No destroy was owed, so none ran and nothing was swept.
      expect(destroys).toEqual([]);
      expect(calls).toEqual([]);

      for (const f of FAULTS) {
        if (failing.includes(f.resource)) {
          // The failure names the fault, the role and the error's first and last lines, on the record too.
          expect(r.detail).toContain(
            `Could not undo the fault on the ${f.role} (${f.resource}): undo of ${f.resource} refused -- last line`,
          );
          expect(r.detail).not.toContain(`Undid ${f.resource}.`);
          const events = (await readJournal(stateDir, 'shop'))!.events.map((e) => e.what);
          expect(events).toContain(
            `undo of the ${f.backend} fault on the ${f.role} (${f.resource}) failed: undo of ${f.resource} refused -- last line`,
          );
          // And what to run next: recover, and the undo by hand.
          expect(r.detail).toContain(f.undoCommands[0]!.args.join(' '));
        } else {
          // Each step's note is a line of its own.
          expect(r.detail.split('\n')).toContain(`Undid ${f.resource}.`);
          expect(lines).toContain(`Undid ${f.resource}.`);
        }
      }
      if (owed.length > 0) {
        expect(r.detail).toContain(`The run journal stays open. To recover:\n${ledger.recoverySteps()}`);
        expect(r.detail).toContain(`dr-drill recover --target aws --stack shop`);
      } else {
        expect(r.detail).not.toContain('To recover');
      }
      // A run that had something to undo does not say it had nothing.
      expect(r.detail).not.toContain('Nothing to undo');
      await ledger.release();
    },
  );

  test('the backends are given the run context with a log and one way back: the one the run shares, or a fresh one of the service transition wait', async () => {
    const shared = new WayBack(1);
    for (const wayBack of [shared, undefined]) {
      const { ledger } = await ledgerOf('existing', FAULTS);
      const { registry, undone } = backends();
      const { cli } = cliOf();
      const { terraform } = terraformOf();
      const signal = new AbortController().signal;
      const ctx = context({ cli, terraform, backends: registry, signal, ...(wayBack ? { wayBack } : {}) });
      // No log given: the log is optional, and each undo still counts.
      const r = await finishRun(ledger, ctx);
      expect({ ok: r.ok, finished: ledger.finished }).toEqual({ ok: true, finished: true });
      expect(undone).toHaveLength(FAULTS.length);
      for (const u of undone) {
        expect(u.ctx.cli).toBe(cli);
        expect(u.ctx.signal).toBe(signal);
        expect(u.ctx.waits).toBe(ctx.waits);
        expect(typeof u.ctx.log).toBe('function');
        expect(() => u.ctx.log('a line')).not.toThrow();
        // One deadline for the whole way back: every undo gets the same WayBack.
        expect(u.ctx.wayBack).toBe(undone[0]!.ctx.wayBack);
      }
      if (wayBack) expect(undone[0]!.ctx.wayBack).toBe(shared);
      else {
        const fresh = undone[0]!.ctx.wayBack;
        expect(fresh).toBeInstanceOf(WayBack);
        const before = Date.now();
        const at = fresh.start();
        expect(at - before).toBeGreaterThanOrEqual(7_000);
        expect(at - Date.now()).toBeLessThanOrEqual(7_000);
      }
      await ledger.release();
    }
  });

  test('a fault whose backend is not known stays owed, and the failure names the backend and the way to recover', async () => {
    const stranger: JournalFault = { ...appRunnerFault(9), backend: 'lambda' };
    const { ledger } = await ledgerOf('existing', [stranger, appRunnerFault(1)]);
    const { registry, undone } = backends();
    const { cli } = cliOf();
    const { terraform } = terraformOf();
    const r = await finishRun(ledger, context({ cli, terraform, backends: registry }));
    expect(undone.map((u) => u.resource)).toEqual([appRunnerFault(1).resource]);
    expect(r.ok).toBe(false);
    expect(ledger.owedFaults).toEqual([stranger]);
    // The refusal names where the key came from, the key, and the backends there are.
    expect(r.detail).toContain(
      `Could not undo the fault on the primary (${stranger.resource}): the journal's fault backend = "lambda": allowed: "apprunner", "ecs-express"`,
    );
    expect(r.detail).toContain('To recover:\ndr-drill recover');
    await ledger.release();
  });
});

describe('finishRun: the destroy and the leak sweep', () => {
  const runTag = (runId: string) => ({ [RUN_ID_TAG]: runId });

  test.each<[LifecycleMode, 'applied' | 'down', string]>([
    ['ephemeral', 'applied', 'Destroyed the ephemeral stack'],
    ['deploy', 'down', 'Destroyed the stack'],
    ['existing', 'down', 'Destroyed the stack'],
  ])(
    'a destroy owed (%s, %s) runs once; then no fault is owed, the journal closes; only an ephemeral run is swept; ok unless an undo failed',
    async (mode, how, said) => {
      for (const failing of [[], [FAULTS[0]!.resource]]) {
        const { ledger, stateDir, runId } = await ledgerOf(mode, FAULTS, how);
        const { registry } = backends(new Set(failing));
        const lines: string[] = [];
        const { terraform, destroys, logged } = terraformOf(false, lines);
        const { cli, calls } = cliOf();
        const signal = new AbortController().signal;
        const r = await finishRun(ledger, context({ cli, terraform, backends: registry, signal, log: (l) => lines.push(l) }));
        expect(destroys).toEqual([signal]);
        // The destroy (minutes) is announced before it starts, with the stack it destroys.
        expect(logged[0]?.at(-1)).toBe(`destroying the stack in ${join(root, 'stack')}`);
        // A failed undo is a failure, though the destroy took its fault with the stack.
        expect(r.ok).toBe(failing.length === 0);
        expect(r.detail).toContain(`${said} (terraform destroy in ${join(root, 'stack')}).`);
        // A fault that could not be undone went with the stack, and the detail says so.
        expect(r.detail.includes('The faults that could not be undone were destroyed with the stack.')).toBe(failing.length > 0);
        const j = await readJournal(stateDir, 'shop');
        expect(j?.destroyed).toBe(true);
        expect(j?.faults).toEqual([]);
        expect(j?.finishedAt).toBeDefined();
        expect(ledger.finished).toBe(true);
        if (mode === 'ephemeral') {
          // Each region once, by the run's tag.
          expect(calls).toEqual([
            { what: 'get-resources', region: 'us-east-1', tags: runTag(runId) },
            { what: 'get-resources', region: 'us-west-2', tags: runTag(runId) },
          ]);
          expect(r.detail).toContain(`Leak sweep: nothing is left tagged ${RUN_ID_TAG}=${runId} in us-east-1, us-west-2.`);
          // No key pending deletion was found, so none is reported.
          expect(r.detail).not.toContain('pending deletion');
          expect(j?.leaks).toEqual([]);
        } else {
          expect(calls).toEqual([]);
          expect(r.detail).not.toContain('Leak sweep');
        }
        await ledger.release();
      }
    },
  );

  test('a destroy that fails: not ok, still owed, the journal open, the failure named with what to run next; nothing swept', async () => {
    for (const mode of ['ephemeral', 'deploy'] as const) {
      const { ledger, stateDir } = await ledgerOf(mode, [], mode === 'ephemeral' ? 'applied' : 'down');
      const { registry } = backends();
      const { terraform, destroys } = terraformOf(true);
      const { cli, calls } = cliOf();
      const r = await finishRun(ledger, context({ cli, terraform, backends: registry }));
      expect(destroys).toHaveLength(1);
      expect(r.ok).toBe(false);
      expect(r.detail).toContain('terraform destroy failed: Error: deleting App Runner Service: timeout -- Error: exit 1');
      expect(r.detail).not.toContain('Destroyed');
      expect(ledger.owesDestroy).toBe(true);
      expect(ledger.finished).toBe(false);
      const j = await readJournal(stateDir, 'shop');
      expect(j?.finishedAt).toBeUndefined();
      expect(j?.events.map((e) => e.what)).toContain('destroy failed: Error: deleting App Runner Service: timeout -- Error: exit 1');
      expect(r.detail).toContain(`To recover:\n${ledger.recoverySteps()}`);
      expect(r.detail).toMatch(/terraform -chdir=\S+ destroy -auto-approve/);
      expect(calls).toEqual([]);
      await ledger.release();
    }
  });

  test('the sweep: each region once; KMS keys pending deletion are no leak; every leak is named with the command that lists them', async () => {
    const key = (region: string, n: number) => `arn:aws:kms:${region}:${ACCOUNT}:key/${n}`;
    // An object whose name holds a key's ARN is not that key.
    const named = `arn:aws:s3:::shop-logs/${key('us-east-1', 1)}`;
    const leftovers = [
      key('us-east-1', 1), // pending deletion: expected
      key('us-east-1', 3), // pending deletion: expected
      key('us-west-2', 2), // enabled: a leak
      key('us-west-2', 4), // described without its metadata: a leak
      `arn:aws:apprunner:us-west-2:${ACCOUNT}:service/shop-secondary/1`,
    ];
    const { ledger, stateDir, runId } = await ledgerOf('ephemeral', [], 'applied', ['us-east-1', 'us-west-2', 'us-east-1']);
    const { registry } = backends();
    const { terraform } = terraformOf();
    const pending = { [key('us-east-1', 1)]: 'PendingDeletion', [key('us-east-1', 3)]: 'PendingDeletion' };
    const { cli, calls } = cliOf({ listed: [[...leftovers, named]], keyStates: pending, noMetadata: [key('us-west-2', 4)] });
    const r = await finishRun(ledger, context({ cli, terraform, backends: registry }));
    expect(calls.filter((c) => c.what === 'get-resources').map((c) => c.region)).toEqual(['us-east-1', 'us-west-2']);
    // Only KMS keys are described, each in its own region.
    expect(calls.filter((c) => c.what !== 'get-resources')).toEqual([
      { what: `kms describe-key --key-id ${key('us-east-1', 1)}`, region: 'us-east-1' },
      { what: `kms describe-key --key-id ${key('us-east-1', 3)}`, region: 'us-east-1' },
      { what: `kms describe-key --key-id ${key('us-west-2', 2)}`, region: 'us-west-2' },
      { what: `kms describe-key --key-id ${key('us-west-2', 4)}`, region: 'us-west-2' },
    ]);
    const leaks = [named, key('us-west-2', 2), key('us-west-2', 4), leftovers[4]!];
    expect(r.ok).toBe(false);
    expect(r.leaks.map((l) => l.arn)).toEqual(leaks);
    expect((await readJournal(stateDir, 'shop'))?.leaks).toEqual(leaks);
    expect(r.detail).toContain(
      `KMS keys pending deletion (expected: AWS keeps a destroyed key for its waiting period): ${key('us-east-1', 1)}, ${key('us-east-1', 3)}.`,
    );
    expect(r.detail).toContain(
      `Leak sweep: 4 resources are still tagged ${RUN_ID_TAG}=${runId} after destroy; delete them by hand:\n${leaks.map((l) => `  ${l}`).join('\n')}\n`,
    );
    expect(r.detail).toContain(
      `(list them with: aws resourcegroupstaggingapi get-resources --tag-filters Key=${RUN_ID_TAG},Values=${runId} --region <region>, for us-east-1, us-west-2)`,
    );
    expect(r.detail).not.toContain('nothing is left');
    // The leaks are named; the journal is finished (nothing is owed that recover could do).
    expect(ledger.finished).toBe(true);
    await ledger.release();
  });

  test('leaks the tagging API still lists are checked again once after the settle time; only what is still listed then is a leak', async () => {
    const leftover = `arn:aws:apprunner:us-west-2:${ACCOUNT}:service/shop-secondary/1`;
    for (const { settle, listed, leaks, sweeps } of [
      { settle: 1, listed: [[leftover], []], leaks: [], sweeps: 4 },
      { settle: 1, listed: [[leftover], [leftover]], leaks: [leftover], sweeps: 4 },
      { settle: 0, listed: [[leftover], []], leaks: [leftover], sweeps: 2 },
      { settle: 1, listed: [[], [leftover]], leaks: [], sweeps: 2 },
    ]) {
      const { ledger, runId } = await ledgerOf('ephemeral', [], 'applied');
      const { registry } = backends();
      const { terraform } = terraformOf();
      const { cli, calls } = cliOf({ listed });
      const lines: string[] = [];
      const r = await finishRun(ledger, context({ cli, terraform, backends: registry, leakSettleMs: settle, log: (l) => lines.push(l) }));
      expect(calls.filter((c) => c.what === 'get-resources')).toHaveLength(sweeps);
      expect(r.leaks.map((l) => l.arn)).toEqual(leaks);
      expect(r.ok).toBe(leaks.length === 0);
      expect(lines.some((l) => l === `the tagging API still lists 1 resources of this run; checking again in ${settle} ms`)).toBe(
        sweeps === 4,
      );
      await ledger.release();
      // The same without a log: the log is optional.
      const again = await ledgerOf('ephemeral', [], 'applied');
      const quiet = cliOf({ listed });
      const q = await finishRun(again.ledger, context({ cli: quiet.cli, terraform, backends: registry, leakSettleMs: settle }));
      expect({ leaks: q.leaks.map((l) => l.arn), ok: q.ok, detail: q.detail.replaceAll(again.runId, runId) }).toEqual({
        leaks,
        ok: leaks.length === 0,
        detail: r.detail,
      });
      await again.ledger.release();
    }
  });

  test('a sweep that cannot run: not ok, the failure named with the command to check by hand; the destroy stands', async () => {
    const { ledger, stateDir, runId } = await ledgerOf('ephemeral', [], 'applied');
    const { registry } = backends();
    const { terraform } = terraformOf();
    const { cli } = cliOf({ fails: true });
    const r = await finishRun(ledger, context({ cli, terraform, backends: registry }));
    expect(r.ok).toBe(false);
    expect(r.leaks).toEqual([]);
    expect(r.detail).toContain(
      `The leak sweep could not run (An error occurred (AccessDenied) when calling the GetResources operation -- more); check by hand: aws resourcegroupstaggingapi get-resources --tag-filters Key=${RUN_ID_TAG},Values=${runId} --region <region>, for us-east-1, us-west-2`,
    );
    expect(r.detail).toContain('Destroyed the ephemeral stack');
    const j = await readJournal(stateDir, 'shop');
    expect(j?.events.map((e) => e.what)).toContain(
      'leak sweep failed: An error occurred (AccessDenied) when calling the GetResources operation -- more',
    );
    expect(j?.destroyed).toBe(true);
    await ledger.release();
  });

  test('the settle wait ends on the run signal: the sweep is then reported as not run, and finishRun does not throw', async () => {
    const leftover = `arn:aws:apprunner:us-west-2:${ACCOUNT}:service/shop-secondary/1`;
    const { ledger } = await ledgerOf('ephemeral', [], 'applied');
    const { registry } = backends();
    const { terraform } = terraformOf();
    const { cli } = cliOf({ listed: [[leftover]] });
    const stop = new AbortController();
    const log = (l: string) => {
      if (l.includes('checking again')) stop.abort();
    };
    const started = Date.now();
    const r = await finishRun(ledger, context({ cli, terraform, backends: registry, leakSettleMs: 3_600_000, signal: stop.signal, log }));
    expect(Date.now() - started).toBeLessThan(3_600_000);
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('The leak sweep could not run');
    await ledger.release();
  });
});

describe('finishRun: nothing to do', () => {
  test.each<[LifecycleMode, string]>([
    ['existing', 'Nothing to undo: the stack is left as it was found.'],
    ['deploy', 'The stack stays deployed (`dr-drill down --target aws` destroys it).'],
    ['ephemeral', 'Nothing was applied.'],
  ])('a %s run with nothing owed is finished and says what it left', async (mode, said) => {
    const { ledger, stateDir } = await ledgerOf(mode, []);
    const { registry, undone } = backends();
    const { terraform, destroys } = terraformOf();
    const { cli, calls } = cliOf();
    const r = await finishRun(ledger, context({ cli, terraform, backends: registry }));
    expect(r).toEqual({ ok: true, detail: said, leaks: [] });
    expect([undone, destroys, calls]).toEqual([[], [], []]);
    expect((await readJournal(stateDir, 'shop'))?.finishedAt).toBeDefined();
    await ledger.release();
  });
});
