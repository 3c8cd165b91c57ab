/**
 * `npm run mutate` starts and kills a mutant: the project's Stryker configuration, through the
 * same wrapper, on one line of a pure function its tests pin down. A configuration that no longer
 * starts (a jest path Stryker cannot load, a test that fails unmutated) fails this test, instead
 * of leaving the suite's strength unmeasured until someone runs the full mutation run. And every
 * file each place mutates is judged by at least one of the place's tests, as Stryker's jest runner
 * selects them (`stryker/related.mjs`): a file with none has every mutant run no test, and a place
 * of such files stops with "No tests were executed".
 *
 * @slow runs Stryker (a sandbox copy of the project and jest's initial run)
 */
import { expect } from '@jest/globals';
import fg from 'fast-glob';
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
const COLUMN = LINE > 0 ? lines[LINE - 1]!.indexOf(DECISION) + 'role === '.length : 0;
const RANGE = `${TARGET}:${LINE}:${COLUMN}-${LINE}:${COLUMN + "'primary'".length + 1}`;

interface Report {
  readonly files: Record<string, { readonly mutants: readonly { readonly status: string; readonly mutatorName: string }[] }>;
}

const TIMEOUT_MS = 300_000;
const related = join(root, 'stryker', 'related.mjs');

/**
 * Runs the wrapper `npm run mutate` runs, with `args`, in a process group of its own: Stryker's
 * workers and jest are killed with it if it outlives the test's time.
 */
function run(args: readonly string[], script = wrapper): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
      // prettier-ignore
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

interface Related {
  readonly place: string;
  readonly file: string;
  readonly tests: readonly string[];
}

testUnless(missing)(
  "every file each place mutates has at least one of the place's tests related to it, as Stryker's jest runner selects them",
  async () => {
    const { code, output } = await run(['--json'], related);
    const found = JSON.parse(output.slice(output.indexOf('['))) as Related[];
    const { PLACES } = (await import(join(root, 'stryker', 'places.mjs'))) as { PLACES: Record<string, { tests: readonly string[] }> };
    // Every place is listed, with files; each file's tests are among its place's.
    expect(new Set(found.map((f) => f.place))).toEqual(new Set(Object.keys(PLACES)));
    const own = (place: string) => new Set(fg.sync([...PLACES[place]!.tests], { cwd: root }));
    expect(found.filter((f) => f.tests.some((t) => !own(f.place).has(t)))).toEqual([]);
    expect(found.filter((f) => f.tests.length === 0).map((f) => `${f.place}: ${f.file}`)).toEqual([]);
    expect(code).toBe(0);
  },
  // A jest module map per mutated file's directory (about 10 s for all places, idle).
  TIMEOUT_MS,
);
