/**
 * The alarm phase on the local world: the real drill (`dr-drill run --target local --alarms
 * assert`) on the stack as synthesized, and on each alarm mutation (alarm-rows.ts), must give the
 * outcome AWS would: the alarms that fire in AWS reach ALARM within their bound and clear after
 * recovery, the broken one never reaches ALARM and fails the run. Alarms are evaluated in real
 * time with the shortest periods the config schema allows (60 s), so each drill takes about two
 * minutes; the rows run at once.
 *
 * @slow five drills side by side, about four minutes: the rows whose failover-active never fires wait out its bound
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../config/index.js';
import { synthesize } from '../../../stacks/synth.js';
import { main, type CliIo } from '../../../harness/cli.js';
import { ASSERTED_ALARM_KINDS } from '../../../harness/alarms/plan.js';
import type { RunRecord } from '../../../harness/report/run-record.js';
import { ALARM_ARGS, ALARM_MONITORING, ALARM_ROWS, type AlarmRow } from './alarm-rows.js';
import { DRILL_ARGS } from './fidelity-rows.js';
import { localWorldDocSection, tableRows } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'local-alarms-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Result {
  readonly run: RunRecord;
  readonly code: number;
  readonly stderr: string;
  readonly wallSeconds: number;
}

async function drill(row: AlarmRow, index: number): Promise<Result> {
  const dir = join(work, String(index));
  mkdirSync(dir, { recursive: true });
  const input = { failover: { connectionAttempts: 1, connectionTimeoutSeconds: 1, readTimeoutSeconds: 2 }, monitoring: ALARM_MONITORING };
  const { tfJsonPath } = synthesize(loadConfig({ env: {}, overrides: input }), join(dir, 'cdktf.out'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(input));
  if (row.mutate) {
    const tf = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
    row.mutate(tf);
    writeFileSync(tfJsonPath, JSON.stringify(tf, null, 2));
  }
  const out = join(dir, 'run');
  let stderr = '';
  const io: CliIo = { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: dir };
  const started = Date.now();
  const code = await main(
    [
      'run',
      '--target',
      'local',
      '--config',
      configFile,
      '--cdktf-out',
      join(dir, 'cdktf.out'),
      '--out',
      out,
      ...DRILL_ARGS,
      ...ALARM_ARGS,
      '--fault',
      'pause',
    ],
    io,
  );
  const wallSeconds = (Date.now() - started) / 1000;
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunRecord;
  return { run, code, stderr, wallSeconds };
}

const results = new Map<string, Promise<Result>>();
const resultOf = (row: AlarmRow, index: number) => {
  if (!results.has(row.name)) results.set(row.name, drill(row, index));
  return results.get(row.name)!;
};

describe('the alarm phase on the local world fails where AWS would', () => {
  for (const [index, row] of ALARM_ROWS.entries()) {
    test.concurrent(
      row.name,
      async () => {
        const { run, code, stderr, wallSeconds } = await resultOf(row, index);
        const byKind = new Map((run.alarms?.results ?? []).map((r) => [r.kind, r]));
        const status = (id: string, name: string) =>
          run.verdict.assertions.find((a) => a.id === id && a.title.startsWith(`${name} `))?.status;
        const seen = ASSERTED_ALARM_KINDS.map((kind) => {
          const r = byKind.get(kind);
          return {
            kind,
            notifiesSns: r?.notifiesSns,
            reachedAlarm: r?.detect?.reachedAt != null,
            clearedToOk: r?.clear?.reachedAt != null,
            detection: r ? status('alarm-detection', r.name) : undefined,
            clearing: r ? status('alarm-clearing', r.name) : undefined,
          };
        });
        const fires = (kind: string) => row.fires.includes(kind as never);
        // Any other assertion that failed, with its message: the alarm waits depend on failover being seen.
        const otherFailures = run.verdict.assertions
          .filter((a) => a.status === 'failed' && a.id !== 'alarm-detection' && a.id !== 'alarm-clearing')
          .map((a) => `${a.id}: ${a.message}`);
        const failedPhases = run.phases
          .filter((p) => p.status === 'failed' || p.status === 'aborted')
          .map((p) => `${p.name} ${p.status}: ${p.detail ?? ''}`);
        expect({ code, abort: run.abort?.reason, teardown: run.teardown.ok, stderr, otherFailures, failedPhases, seen }).toEqual({
          code: row.fires.length === ASSERTED_ALARM_KINDS.length ? 0 : 1,
          abort: undefined,
          otherFailures: [],
          failedPhases: [],
          teardown: true,
          stderr: '',
          seen: ASSERTED_ALARM_KINDS.map((kind) => ({
            kind,
            notifiesSns: true,
            reachedAlarm: fires(kind),
            clearedToOk: fires(kind),
            detection: fires(kind) ? 'passed' : 'failed',
            clearing: fires(kind) ? 'passed' : 'skipped',
          })),
        });
        // The measured figures, for docs/local-world.md.
        const figures = seen.map((s) => {
          const r = byKind.get(s.kind)!;
          return `${s.kind} ALARM ${r.detect?.seconds?.toFixed(1) ?? '-'} s, OK ${r.clear?.seconds?.toFixed(1) ?? '-'} s`;
        });
        console.info(`${row.name}: ${figures.join('; ')}; drill wall time ${wallSeconds.toFixed(0)} s`);
      },
      400_000,
    );
  }
});

describe('docs/local-world.md lists the alarm rows', () => {
  test('one table row per alarm row, with its change and what AWS does', () => {
    expect(tableRows(localWorldDocSection('Alarms in the local world'))).toEqual(ALARM_ROWS.map((r) => [r.name, r.change, r.aws]));
  });
});
