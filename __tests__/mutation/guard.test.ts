/**
 * `npm run mutate` starts and kills a mutant: the project's Stryker configuration, through the
 * same wrapper, on one line of a pure function its tests pin down. A configuration that no longer
 * starts (a jest path Stryker cannot load, a test that fails unmutated) fails this test, instead
 * of leaving the suite's strength unmeasured until someone runs the full mutation run.
 *
 * @slow runs Stryker (a sandbox copy of the project and jest's initial run)
 */
import { expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testUnless } from '../support/skip.js';

const root = process.cwd();
const wrapper = join(root, 'stryker', 'run.mjs');
const missing = existsSync(join(root, 'node_modules', '@stryker-mutator', 'core', 'package.json'))
  ? undefined
  : '@stryker-mutator/core is not installed (npm ci)';

/**
 * The `'primary'` of roleFromServedBy's `role === 'primary' || role === 'secondary'`, the role a
 * served-by header names: one mutant (the string emptied), which the attribution tests kill.
 * Found by its text, so an edit elsewhere in the file does not move it.
 */
const TARGET = 'harness/analysis/attribution.ts';
const DECISION = "role === 'primary' || role === 'secondary'";
const lines = readFileSync(join(root, TARGET), 'utf8').split('\n');
const LINE = lines.findIndex((l) => l.includes(DECISION)) + 1;
const COLUMN = LINE > 0 ? lines[LINE - 1]!.indexOf(DECISION) + "role === ".length : 0;
const RANGE = `${TARGET}:${LINE}:${COLUMN}-${LINE}:${COLUMN + "'primary'".length + 1}`;

interface Report {
  readonly files: Record<string, { readonly mutants: readonly { readonly status: string; readonly mutatorName: string }[] }>;
}

const TIMEOUT_MS = 300_000;

/**
 * Runs the wrapper `npm run mutate` runs, with `args`, in a process group of its own: Stryker's
 * workers and jest are killed with it if it outlives the test's time.
 */
function run(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wrapper, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), TIMEOUT_MS - 10_000);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

testUnless(missing)(
  'Stryker, as configured, kills a mutant of a line the tests pin down',
  async () => {
    expect(LINE).toBeGreaterThan(0);
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['mutate']).toBe('node stryker/run.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'mutation-guard-'));
    try {
      const results = join(dir, 'results.json');
      const { code, output } = await run([
        '--place', 'analysis',
        '--mutate', RANGE,
        // The results go to a file of this test's own (the incremental file, in the mutation
        // report schema), and nowhere else: never the place's reports or incremental results.
        '--incremental', '--force', '--incrementalFile', results,
        '--reporters', 'clear-text',
        '--tempDirName', join(dir, 'sandbox'),
      ]);
      expect({ code, tail: output.slice(-2000) }).toEqual({ code: 0, tail: expect.any(String) });
      const report = JSON.parse(readFileSync(results, 'utf8')) as Report;
      const mutants = Object.values(report.files).flatMap((f) => f.mutants);
      expect(mutants.map((m) => [m.mutatorName, m.status])).toEqual([['StringLiteral', 'Killed']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  // ~15 s of CPU (a sandbox copy, jest's initial run with coverage, one mutant's run); wall time
  // is a multiple of that on a loaded machine.
  TIMEOUT_MS,
);
