/**
 * `dr-drill run` judges the fault against the stack it drills before anything is written or
 * applied: a fault the origin group cannot fail over is refused (exit 2) with the reason and what to
 * change, and `--expect no-failover` runs it on purpose as a negative control.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../harness/cli.js';
import type { RunRecord } from '../../harness/report/run-record.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fault-judgement-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(name: string, args: readonly string[], files: Record<string, string> = {}) {
  const cwd = join(root, name);
  mkdirSync(cwd);
  // A temporary directory of its own: what the run leaves there is its own, whatever other test
  // files do meanwhile in the shared one.
  const tmp = mkdtempSync(join(root, `${name}-tmp-`));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(cwd, path), text);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { CI: '1', TMPDIR: tmp }, cwd };
  const code = await main(['run', '--plain', ...args], io);
  return { code, cwd, stdout: out.join(''), stderr: err.join(''), files: readdirSync(cwd).sort(), tmpLeft: readdirSync(tmp) };
}

test.each([
  ['error:501 (CloudFront never fails over on 501)', ['--fault', 'error:501'], {}, 'use a fault whose status the group fails over on'],
  [
    'pause with a config whose codes lack 404',
    ['--config', 'c.json'],
    { 'c.json': JSON.stringify({ failover: { statusCodes: [500, 502, 503, 504] } }) },
    'add 404 to failover.statusCodes',
  ],
  ['slow:300 within the 5 s read timeout', ['--fault', 'slow:300'], {}, 'use --fault slow:5000 or longer'],
] as const)('%s: refused before anything is written, with the fix', async (name, args, files, fix) => {
  const r = await run(name.replace(/\W+/g, '-'), args, files);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('cannot make the edge fail over with this stack');
  expect(r.stderr).toContain(fix);
  expect(r.stderr).toContain('add --expect no-failover');
  expect(r.files).toEqual(Object.keys(files).sort()); // no run directory, no cdktf.out
  expect(r.stdout).toContain('Synthesizing the stack');
  expect(r.tmpLeft).toEqual([]); // the temporary synthesis is gone
});

test('--expect no-failover with a fault that fails over is refused', async () => {
  const r = await run('contradiction', ['--expect', 'no-failover', '--fault', 'error:503']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('this fault makes the edge fail over');
});

test('--expect no-failover: error:501 runs as a negative control and passes on its own assertions', async () => {
  const r = await run('negative-control', [
    '--expect',
    'no-failover',
    '--fault',
    'error:501',
    '--out',
    'run',
    '--steady-probes',
    '3',
    '--hold',
    '1',
  ]);
  const record = JSON.parse(readFileSync(join(r.cwd, 'run', 'run.json'), 'utf8')) as RunRecord;
  expect(record.settings.expect).toBe('no-failover');
  const byId = Object.fromEntries(record.verdict.assertions.map((a) => [a.id, a]));
  expect(byId['failover-time']).toBeUndefined();
  expect(byId['fault-visible']).toMatchObject({ status: 'passed' });
  expect(byId['fault-visible']!.measured).toBeGreaterThan(0);
  expect(byId['secondary-serves-nothing']).toMatchObject({ status: 'passed', measured: 0 });
  expect(byId['failback-time']).toMatchObject({ status: 'passed' });
  // Each edge GET carries the edge's own account: during the outage the primary's 501 went to viewers, not tried elsewhere.
  const outage = record.phases.find((p) => p.name === 'failover')!;
  const during = record.probes.filter((p) => p.kind === 'edge' && p.sentAt >= outage.startedAt && p.status === 501);
  expect(during.length).toBeGreaterThan(0);
  expect(during.every((p) => p.edge?.origin === 'primary' && p.edge.attempts === 'primary=1' && p.edge.failover === undefined)).toBe(true);
  expect({ code: r.code, summary: record.verdict.summary }).toEqual({
    code: 0,
    summary: expect.stringContaining('PASSED (no failover expected)'),
  });
}, 60_000);
