/**
 * The console's phase lines (listr2's simple renderer, as in CI): a FAILED or ABORTED verdict
 * ends on a failed step (✖), never a ticked one, and says FAILED once.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { ListrProgress } from '../../harness/drill/progress.js';

let written: string[] = [];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
const capture = ((chunk: string | Uint8Array) => {
  written.push(String(chunk));
  return true;
}) as typeof process.stdout.write;
/** listr2 writes a step's line to stdout, and a failed step's to stderr. */
const restore = () => {
  process.stdout.write = realOut;
  process.stderr.write = realErr;
};
beforeEach(() => {
  written = [];
  process.stdout.write = capture;
  process.stderr.write = capture;
});
afterEach(restore);

test.each([
  ['FAILED', 'FAILED: failback took 0.005 s; measured 0.005 s, threshold at most 0.001 s'],
  ['ABORTED', 'ABORTED during observe failover: SIGINT received'],
])('a %s report step is a failed step whose line says its verdict once', async (_name, summary) => {
  const progress = new ListrProgress({ plain: true });
  await progress.phase('report', async () => ({ value: undefined, summary, failed: true }));
  restore();
  const lines = written.join('').split('\n').filter((l) => l.includes('Report'));
  const last = lines[lines.length - 1]!;
  expect(last).toContain('✖');
  expect(lines.some((l) => l.includes('✔'))).toBe(false);
  expect(last).not.toMatch(/FAILED: FAILED/);
  // The verdict's reason appears once on the line.
  const reason = summary.replace(/^FAILED: /, '');
  expect(last.split(reason).length - 1).toBe(1);
});

test('a passed step is ticked with its summary', async () => {
  const progress = new ListrProgress({ plain: true });
  await progress.phase('report', async () => ({ value: undefined, summary: 'PASSED: failover 1 s' }));
  restore();
  expect(written.join('')).toMatch(/✔ .*Report: PASSED: failover 1 s/);
});
