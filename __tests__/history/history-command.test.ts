/**
 * `dr-drill history` on real files: a folder of a few hundred generated runs with corrupt and
 * hostile files among them, the exit codes CI reads, and `run --history` keeping a folder history.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { parse } from 'parse5';
import { main, type CliIo } from '../../harness/cli.js';
import { clampLag, generatedHistory, noise, writeHistory, type GeneratedRun } from '../support/history.js';
import { HOSTILE_STRINGS } from '../support/hostile.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'history-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: work };
}
const steadyRun = (i: number): GeneratedRun => ({ failoverLagS: clampLag(0.4 + noise(i, 0.1)), failbackLagS: clampLag(0.3 + noise(i + 7, 0.1)) });

describe('dr-drill history', () => {
  let dir: string;
  const hostile = HOSTILE_STRINGS.find((h) => h.name === 'script element')!.value;
  beforeAll(() => {
    dir = join(work, 'nightly');
    const runs = Array.from({ length: 240 }, (_, i) => (i < 239 ? steadyRun(i) : { ...steadyRun(i), failoverLagS: 1.6 }));
    const records = generatedHistory(runs);
    // A run whose strings are hostile but whose shape is valid: read, and escaped everywhere.
    records[100] = { ...records[100]!, target: hostile, verdict: { ...records[100]!.verdict, summary: hostile } };
    writeHistory(dir, records);
    const bad = (name: string, text: string) => {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'run.json'), text);
    };
    bad('corrupt', '{"version": 1, "runId": "x"');
    bad('array', '[1, 2, 3]');
    bad('other-version', JSON.stringify({ version: 9 }));
    bad('proto', `{"__proto__": {"polluted": 1}, "version": 1, "runId": "${hostile}"}`);
    bad('null-probe', JSON.stringify({ ...records[5], runId: 'nullprobe', probes: [null] }));
    bad('duplicate', JSON.stringify(records[7]));
    symlinkSync(dir, join(dir, 'loop'));
  });

  test('writes history.html, history.md and history.json; skips every invalid file with the reason; exit 0', async () => {
    const o = io();
    expect(await main(['history', dir, '--out', 'out'], o)).toBe(0);
    const text = o.out.join('');
    expect(text).toContain('History of 240 runs');
    for (const name of ['corrupt', 'array', 'other-version', 'proto', 'null-probe', 'duplicate']) expect(text).toContain(`Skipped nightly/${name}/run.json: `);
    expect(text).toContain('Skipped nightly/null-probe/run.json: Invalid run record: probes[0] (from ');
    expect(text).toContain('Skipped nightly/other-version/run.json: Invalid run record: version (from ');
    expect(text).toMatch(/Skipped nightly\/duplicate\/run.json: run \S+ was already read from nightly\/00007\/run.json/);
    expect(text).toMatch(/Regression in the newest run \S+: Failover time 1\.\d+ s, worse than the median 0\.\d+ s of 10 comparable runs by \d\.\d+ s \(tolerance 1 s\)/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const json = JSON.parse(readFileSync(join(work, 'out', 'history.json'), 'utf8'));
    expect(json.runs).toHaveLength(240);
    expect(json.skipped).toHaveLength(6);
    const md = readFileSync(join(work, 'out', 'history.md'), 'utf8');
    expect(md).toContain('### Last 20 runs');
    const rendered = new MarkdownIt({ html: true, linkify: true }).render(md);
    expect(rendered).not.toMatch(/<script|<img|<a /);
    const html = readFileSync(join(work, 'out', 'history.html'), 'utf8');
    expect(html).not.toContain(hostile);
    const scripts: number[] = [];
    const walk = (n: any) => {
      if (n.nodeName === 'script') scripts.push(1);
      for (const a of n.attrs ?? []) expect(a.name.startsWith('on')).toBe(false);
      for (const c of n.childNodes ?? []) walk(c);
      if (n.content) walk(n.content);
    };
    walk(parse(html));
    expect(scripts).toHaveLength(1); // the page's own hover script
  });

  test('--fail-on-regression exits 1 and says which figure regressed and by how much', async () => {
    const o = io();
    expect(await main(['history', dir, '--out', 'out2', '--fail-on-regression'], o)).toBe(1);
    expect(o.out.join('')).toMatch(/Regression in the newest run .*Failover time .* by \d\.\d+ s/);
  });

  test('usage errors exit 2: a path that does not exist, a folder with no runs, only invalid runs', async () => {
    const a = io();
    expect(await main(['history', join(work, 'nope')], a)).toBe(2);
    expect(a.err.join('')).toContain('this path does not exist');
    mkdirSync(join(work, 'empty'));
    const b = io();
    expect(await main(['history', join(work, 'empty')], b)).toBe(2);
    expect(b.err.join('')).toContain('no run.json was found');
    const c = io();
    expect(await main(['history', join(dir, 'corrupt')], c)).toBe(2);
    expect(c.err.join('')).toContain('every run.json was skipped');
    const d = io();
    expect(await main(['history', 's3://A_bad_bucket/x'], d)).toBe(2);
    expect(d.err.join('')).toContain('S3 bucket name');
    expect(existsSync(join(work, 'drill-history'))).toBe(false);
  });
});

describe('dr-drill run --history <folder>', () => {
  test('appends run.json as <folder>/<runId>/run.json after the report; history reads it back', async () => {
    const o = io();
    const code = await main(['run', '--plain', '--out', 'run-a', '--history', 'kept', '--steady-timeout', '20'], o);
    expect([0, 1]).toContain(code);
    const saved = JSON.parse(readFileSync(join(work, 'run-a', 'run.json'), 'utf8'));
    expect(saved.fingerprint.id).toMatch(/^[0-9a-f]{16}$/);
    expect(saved.fingerprint.projectVersion).toBe(saved.projectVersion);
    expect(readFileSync(join(work, 'kept', saved.runId, 'run.json'), 'utf8')).toBe(readFileSync(join(work, 'run-a', 'run.json'), 'utf8'));
    expect(o.out.join('')).toContain(`History: run.json appended as ${join(work, 'kept', saved.runId, 'run.json')}`);
    const h = io();
    expect(await main(['history', 'kept', '--out', 'kept-out'], h)).toBe(0);
    expect(h.out.join('')).toContain('History of 1 runs (1 fingerprints)');
  }, 120_000);

  test('a history that cannot be written is reported and leaves the exit code as the verdict made it', async () => {
    writeFileSync(join(work, 'blocker'), 'a file');
    const o = io();
    // A folder under a file cannot be made: the option passes (the folder does not exist yet), the append fails.
    const code = await main(['run', '--plain', '--out', 'run-b', '--history', 'blocker/sub'], o);
    const saved = JSON.parse(readFileSync(join(work, 'run-b', 'run.json'), 'utf8'));
    expect(code).toBe(saved.exitCode);
    expect(o.err.join('')).toContain("dr-drill: history: run.json was not appended to blocker/sub: ");
    expect(o.err.join('')).toContain("(the drill's result stands)");
  }, 120_000);

  test('a --history that is a file is a usage error before anything runs', async () => {
    const o = io();
    expect(await main(['run', '--plain', '--out', 'run-c', '--history', 'blocker'], o)).toBe(2);
    expect(o.err.join('')).toContain('--history');
    expect(existsSync(join(work, 'run-c'))).toBe(false);
  });
});
