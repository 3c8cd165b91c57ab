/**
 * The drill with --write-probe against the real local world whose stack has the write router:
 * the edge runs the synthesized CloudFront Function in a vm, the drill switches active-region
 * in the local KeyValueStore, and the write section is measured from what the probes saw. One
 * drill, with a short given switch delay instead of the 80 s modelled one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { DEFAULT_DRILL_SETTINGS, runDrill, type DrillSettings } from '../../harness/drill/orchestrator.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import type { PhaseName } from '../../harness/analysis/timeline.js';
import type { Endpoints } from '../../harness/targets/target.js';
import { createLocalTarget } from '../../harness/targets/local/index.js';

class QuietProgress implements Progress {
  async phase<T>(_name: PhaseName, work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>): Promise<PhaseOutcome<T>> {
    return work(() => undefined);
  }
  log(): void {}
}

const SWITCH_DELAY_SECONDS = 0.5;
const SETTINGS: DrillSettings = {
  ...DEFAULT_DRILL_SETTINGS,
  thresholds: { ...DEFAULT_DRILL_SETTINGS.thresholds, steadyProbes: 5 },
  probe: { ...DEFAULT_DRILL_SETTINGS.probe, rateHz: 20, directRateHz: 10, writeRateHz: 10, timeoutMs: 3000 },
  holdSeconds: 0.5,
  steadyTimeoutSeconds: 10,
  observeTimeoutSeconds: 10,
  teardownTimeoutSeconds: 30,
  writes: { switchDelaySeconds: SWITCH_DELAY_SECONDS },
};

let workDir: string;
let tfJsonPath: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'drill-write-router-'));
  const config = loadConfig({ env: {}, overrides: { failover: { writePaths: ['/api/*'], writeRouter: true } } });
  tfJsonPath = synthesize(config, join(workDir, 'cdktf.out')).tfJsonPath;
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test('writes fail over through the router: write RTO from the switch, no split brain, switched back by hand', async () => {
  let endpoints: Endpoints | undefined;
  const run = await runDrill({
    target: createLocalTarget({ tfJsonPath }),
    runId: 'test',
    settings: SETTINGS,
    progress: new QuietProgress(),
    signal: new AbortController().signal,
    writeReports: async () => undefined,
    onEndpoints: (e) => (endpoints = e),
  });
  // The stack's own model: Route 53 10 s x 2 failures + the alarm's 60 s x 1 datapoint.
  expect(endpoints?.writeRouter?.switchDelaySeconds).toBe(80);

  expect(run.status).toBe('completed');
  const w = run.writes!.measurements;
  expect(w.switches.map((s) => [s.to, s.observedAt !== undefined])).toEqual([
    ['secondary', true],
    ['primary', true],
  ]);
  // Measured: not before the switch, and within a few write intervals after it.
  expect(w.writeRtoSeconds).toBeGreaterThanOrEqual(SWITCH_DELAY_SECONDS);
  expect(w.writeRtoSeconds).toBeLessThan(SWITCH_DELAY_SECONDS + 3);
  expect(w.beforeSwitch.errors).toBeGreaterThan(0);
  expect(w.splitBrainWrites).toBe(0);
  // A viewer GET that timed out on a busy machine is not what this test judges; any other failure is.
  const failed = run.verdict.assertions.filter((a) => a.status === 'failed');
  const timedOut = run.probes.filter((p) => p.kind === 'edge' && !p.cancelled && p.status === undefined).length;
  const judged = failed.filter((a) => !(a.id === 'viewer-get-errors' && a.measured === timedOut));
  expect(judged.map((a) => [a.id, a.message])).toEqual([]);
  expect({ outcome: run.verdict.outcome, exitCode: run.exitCode }).toEqual(
    failed.length === 0 ? { outcome: 'passed', exitCode: 0 } : { outcome: 'failed', exitCode: 1 },
  );
});
