/**
 * The invariants of the way back, tested directly against a fake Target: every cleanup step
 * runs even when one fails; a clear() that throws leaves the report truthful; a primary left
 * faulted always exits 3; a run that paused nothing does not claim the primary was resumed.
 */
import { renderJunit, renderMarkdown } from '../../harness/report/index.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import { CleanupStack } from '../../harness/drill/cleanup.js';
import { DEFAULT_DRILL_SETTINGS, DrillAborted, runDrill, type DrillSettings } from '../../harness/drill/orchestrator.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import type { PhaseName } from '../../harness/analysis/timeline.js';
import { FakeTarget, type FakeTargetOptions } from './fake-target.js';

class SilentProgress implements Progress {
  readonly seen: PhaseName[] = [];
  onPhase?: (name: PhaseName) => void;
  async phase<T>(name: PhaseName, work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>): Promise<PhaseOutcome<T>> {
    this.seen.push(name);
    this.onPhase?.(name);
    return work(() => undefined);
  }
  log(): void {}
}

const QUICK: DrillSettings = {
  ...DEFAULT_DRILL_SETTINGS,
  thresholds: { ...DEFAULT_DRILL_SETTINGS.thresholds, steadyProbes: 3 },
  probe: { ...DEFAULT_DRILL_SETTINGS.probe, rateHz: 40, directRateHz: 40, timeoutMs: 1000, connectTimeoutMs: 500 },
  holdSeconds: 0.2,
  steadyTimeoutSeconds: 5,
  observeTimeoutSeconds: 5,
  teardownTimeoutSeconds: 5,
};

async function drill(
  options: FakeTargetOptions,
  extra: { settings?: DrillSettings; signal?: AbortSignal; progress?: SilentProgress } = {},
): Promise<{ run: RunRecord; target: FakeTarget }> {
  const target = new FakeTarget(options);
  const run = await runDrill({
    target,
    runId: 'fake',
    settings: extra.settings ?? QUICK,
    progress: extra.progress ?? new SilentProgress(),
    signal: extra.signal ?? new AbortController().signal,
    writeReports: async () => undefined,
  });
  expect(target.up).toBe(false);
  return { run, target };
}

const teardownPhase = (run: RunRecord) => run.phases.find((p) => p.name === 'teardown')!;

test('a fake drill passes end to end: phases in order, primary resumed, exit 0', async () => {
  const { run, target } = await drill({});
  expect(run.verdict.outcome).toBe('passed');
  expect(run.exitCode).toBe(0);
  expect(target.calls).toEqual(['preflight', 'provision', 'inject', 'clear', 'teardown']);
  expect(run.primaryResumed).toBe(true);
  expect(run.cleanup.map((c) => [c.name, c.status])).toEqual([
    ['resume the primary', 'skipped'],
    ['teardown', 'ran'],
  ]);
  expect(teardownPhase(run).detail).toBe('world torn down');
});

describe('every cleanup step runs, even after one failed', () => {
  test('the stack itself: a throwing step is followed by the others, last in first out', async () => {
    const stack = new CleanupStack();
    const ran: string[] = [];
    stack.push('first', async () => void ran.push('first'));
    stack.push('second', async () => {
      ran.push('second');
      throw new Error('boom');
    });
    stack.push('third', async () => void ran.push('third'));
    const results = await stack.run(AbortSignal.timeout(1000));
    expect(ran).toEqual(['third', 'second', 'first']);
    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ['third', 'ran', 'done'],
      ['second', 'failed', 'boom'],
      ['first', 'ran', 'done'],
    ]);
  });

  test('in a drill: resuming the primary fails, and the world is torn down all the same', async () => {
    const { run, target } = await drill({
      inject: async (apply) => {
        apply();
        throw new Error('pause-service timed out');
      },
      clear: async () => {
        throw new Error('resume-service failed: InvalidStateException');
      },
    });
    expect(target.calls).toEqual(['preflight', 'provision', 'inject', 'clear', 'teardown']);
    expect(run.cleanup.map((c) => [c.name, c.status])).toEqual([
      ['resume the primary', 'failed'],
      ['teardown', 'ran'],
    ]);
    expect(run.teardown).toMatchObject({ attempted: true, ok: true, detail: 'fake world stopped' });
    expect(run.exitCode).toBe(3);
  });
});

test('a clear() that throws leaves the report truthful: primaryResumed false, exit 3, no "resumed" anywhere', async () => {
  const { run, target } = await drill({
    clear: async () => {
      throw new Error('resume-service failed: ThrottlingException');
    },
  });
  // The recover phase's clear threw, and the cleanup tried once more.
  expect(target.calls.filter((c) => c === 'clear')).toHaveLength(2);
  expect(target.faulted).toBe(true);
  expect(run.abort).toMatchObject({ phase: 'recover', cause: 'error', reason: 'resume-service failed: ThrottlingException' });
  expect(run.primaryResumed).toBe(false);
  expect(run.exitCode).toBe(3);
  expect(run.cleanup.find((c) => c.name === 'resume the primary')!.status).toBe('failed');
  expect(teardownPhase(run).detail).not.toMatch(/primary resumed/);
  expect(renderMarkdown(run, { files: [] })).toContain('the primary was NOT resumed');
  expect(renderJunit(run)).toContain('the primary was not resumed');
});

test('an abort while the primary is faulted: the cleanup resumes it, and only then is it resumed', async () => {
  const controller = new AbortController();
  const progress = new SilentProgress();
  progress.onPhase = (name) => {
    if (name === 'failover') setTimeout(() => controller.abort(new DrillAborted('SIGTERM received')), 50);
  };
  const { run, target } = await drill({}, { signal: controller.signal, progress, settings: { ...QUICK, holdSeconds: 30 } });
  expect(run.abort).toEqual({ phase: 'failover', cause: 'signal', reason: 'SIGTERM received' });
  expect(target.faulted).toBe(false);
  expect(run.cleanup.map((c) => [c.name, c.status])).toEqual([
    ['resume the primary', 'ran'],
    ['teardown', 'ran'],
  ]);
  expect(run.primaryResumed).toBe(true);
  expect(teardownPhase(run).detail).toBe('primary resumed, world torn down');
  expect(run.exitCode).toBe(3);
});

test('nothing was paused: the report does not claim the primary was resumed', async () => {
  const { run, target } = await drill({
    // The pause is refused before anything changed (someone else's operation is in progress).
    inject: async () => {
      throw Object.assign(new Error('pause-service failed: InvalidStateException'), { kind: 'external' });
    },
  });
  expect(target.calls).toEqual(['preflight', 'provision', 'inject', 'clear', 'teardown']);
  expect(run.abort).toMatchObject({ phase: 'inject', errorKind: 'external' });
  expect(run.primaryResumed).toBeNull();
  expect(run.cleanup.find((c) => c.name === 'resume the primary')).toMatchObject({
    status: 'ran',
    detail: 'nothing to clear: the primary had no fault',
  });
  expect(teardownPhase(run).detail).not.toMatch(/primary resumed/);
  expect(renderMarkdown(run, { files: [] })).not.toMatch(/primary was resumed/);
  expect(run.exitCode).toBe(3);
});

test('a provision that fails half-way is torn down: the cleanup was registered before it', async () => {
  const { run, target } = await drill({
    provision: async (up) => {
      await up();
      throw new Error('terraform apply failed');
    },
  });
  expect(target.calls).toEqual(['preflight', 'provision', 'teardown']);
  expect(run.cleanup.map((c) => [c.name, c.status])).toEqual([
    ['resume the primary', 'skipped'],
    ['teardown', 'ran'],
  ]);
  expect(run.primaryResumed).toBeNull();
  expect(run.exitCode).toBe(3);
});

test('a failed teardown exits 3 and says what is left, even when the verdict passed', async () => {
  const { run } = await drill({
    teardown: async (down) => {
      await down();
      return { ok: false, detail: 'left: edge :1234 still open' };
    },
  });
  expect(run.verdict.outcome).toBe('passed');
  expect(run.teardown).toEqual({ attempted: true, ok: false, detail: 'left: edge :1234 still open' });
  expect(run.exitCode).toBe(3);
});

test("the target's observations reach run.json as data; one that cannot be read is noted", async () => {
  const alarm = { kind: 'alarm', at: 1, name: 'edge-failover-failover', region: 'us-east-1', state: 'ALARM' } as const;
  const { run } = await drill({ observations: () => [alarm] });
  expect(run.observations).toEqual([alarm]);
  const broken = await drill({
    observations: () => {
      throw new Error('describe-alarms failed');
    },
  });
  expect(broken.run.observations).toEqual([
    expect.objectContaining({ kind: 'note', message: "the target's observations could not be read: describe-alarms failed" }),
  ]);
  expect(broken.run.exitCode).toBe(0);
});

test('--hold is the minimum length of the outage and of the restored state, counted from when each change was in effect', async () => {
  // A slow change (an App Runner pause takes minutes) must not eat into the hold: here each change takes
  // four times the hold before it is in effect.
  const slow = 800;
  const holdSeconds = 0.2;
  const { run } = await drill(
    {
      inject: async (apply) => {
        apply();
        await new Promise((r) => setTimeout(r, slow));
      },
      clear: async (apply) => {
        apply();
        await new Promise((r) => setTimeout(r, slow));
      },
    },
    { settings: { ...QUICK, holdSeconds } },
  );
  const phase = (name: PhaseName) => run.phases.find((p) => p.name === name)!;
  expect(run.exitCode).toBe(0);
  expect(phase('recover').startedAt - phase('inject').endedAt).toBeGreaterThanOrEqual(holdSeconds * 1000);
  expect(phase('teardown').startedAt - phase('recover').endedAt).toBeGreaterThanOrEqual(holdSeconds * 1000);
});
