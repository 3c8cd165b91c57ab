/**
 * `dr-drill report`: --stdout prints the re-judged verdict and summary without writing anything,
 * and re-judging a re-judged folder writes beside it, never inside it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../harness/cli.js';
import { rejudgedOutDir } from '../../harness/report/output-dir.js';
import { healthyDrill } from '../analysis/timelines.js';
import { runRecordOf } from './fixtures.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'report-command-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: work };
}

/** Every file under `dir`, relative to it. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('dr-drill report --stdout', () => {
  test('prints the re-judged verdict, the definitions and summary.md, and writes nothing', async () => {
    const dir = join(work, 'saved');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify(runRecordOf(healthyDrill({ failoverLagS: 0.5 }))));
    const before = tree(work);
    const a = io();
    expect(await main(['report', dir, '--stdout'], a)).toBe(1);
    const text = a.out.join('');
    expect(text).toMatch(/^FAILED: 5 of 50 edge GETs failed/);
    expect(text).toContain('Failover time: ');
    expect(text).toContain('## DR drill ❌ FAILED');
    expect(tree(work)).toEqual(before);

    const b = io();
    expect(await main(['report', dir, '--stdout', '--max-get-errors', '5'], b)).toBe(0);
    expect(b.out.join('')).toMatch(/^PASSED: failover 0\.555 s/);
    expect(tree(work)).toEqual(before);
  });

  test('--stdout with --out is a usage error naming both', async () => {
    const a = io();
    expect(await main(['report', join(work, 'saved'), '--stdout', '--out', 'x'], a)).toBe(2);
    expect(a.err.join('')).toContain('--out = "x" with --stdout');
  });
});

describe('re-judging a re-judged folder', () => {
  const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  test('writes beside it, not inside it', () => {
    expect(rejudgedOutDir({ runFile: '/w/r/rejudged-20260101t000000z/run.json', cwd: '/', now })).toBe('/w/r/rejudged-20260102t030405z');
    expect(rejudgedOutDir({ runFile: '/w/r/rejudged-20260101t000000z-2/run.json', cwd: '/', now })).toBe('/w/r/rejudged-20260102t030405z');
    // A folder that only looks similar is a run directory like any other.
    expect(rejudgedOutDir({ runFile: '/w/rejudged-notes/run.json', cwd: '/', now })).toBe('/w/rejudged-notes/rejudged-20260102t030405z');
  });

  test('end to end: the second re-judge lands next to the first', async () => {
    const dir = join(work, 'twice');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify(runRecordOf(healthyDrill({ failoverLagS: 0.5 }))));
    expect(await main(['report', dir], io())).toBe(1);
    const first = readdirSync(dir).find((f) => f.startsWith('rejudged-'))!;
    expect(await main(['report', join(dir, first)], io())).toBe(1);
    const rejudged = readdirSync(dir).filter((f) => f.startsWith('rejudged-'));
    expect(rejudged).toHaveLength(2);
    expect(readdirSync(join(dir, first)).some((f) => f.startsWith('rejudged-'))).toBe(false);
  });
});
