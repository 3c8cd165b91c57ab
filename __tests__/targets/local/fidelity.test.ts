/**
 * The drill's own conformance test: every row is a change to the stack that changes what a
 * viewer sees in AWS, and the real drill (`dr-drill run --target local`) on a stack
 * synthesized with that change must give the outcome AWS would. Rows are in fidelity-rows.ts;
 * docs/local-world.md's "What the local world models" table lists the same rows.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../config/index.js';
import { synthesize } from '../../../stacks/synth.js';
import { main, type CliIo } from '../../../harness/cli.js';
import { loadEdgeRules, type EdgeRules } from '../../../harness/cloudfront/index.js';
import type { RunRecord } from '../../../harness/report/run-record.js';
import { isOpenssl } from '../../../harness/targets/local/tls.js';
import { testConcurrentUnless } from '../../support/skip.js';
import { withPace, type Pace } from '../../support/pace.js';
import { DRILL_ARGS, FIDELITY_ROWS, type FidelityRow } from './fidelity-rows.js';
import { localWorldDocSection, tableRows } from './helpers.js';

/** Drills run at once: each is ~5 processes probed at 10 Hz on a shared machine. */
const CONCURRENCY = 4;

interface Result {
  readonly rules: EdgeRules;
  readonly run: RunRecord;
  readonly code: number;
  readonly stderr: string;
  readonly pace: Pace;
}

const opensslMissing = (await isOpenssl()) ? undefined : 'openssl is not installed (Debian: apt-get install -y openssl)';
const runs = (row: FidelityRow) => !(row.needsOpenssl && opensslMissing);

const work = mkdtempSync(join(tmpdir(), 'fidelity-'));

async function drill(row: FidelityRow, index: number): Promise<Result> {
  const dir = join(work, String(index));
  mkdirSync(dir, { recursive: true });
  const failover = { connectionAttempts: 1, connectionTimeoutSeconds: 1, readTimeoutSeconds: 2, ...row.failover };
  const configFile = join(dir, 'config.json');
  const config = loadConfig({ env: {}, overrides: { failover } });
  const { tfJsonPath } = synthesize(config, join(dir, 'cdktf.out'));
  writeFileSync(configFile, JSON.stringify({ failover }));
  if (row.mutate) {
    const tf = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
    row.mutate(tf.resource.aws_cloudfront_distribution.edge_distribution);
    writeFileSync(tfJsonPath, JSON.stringify(tf, null, 2));
  }
  const rules = await loadEdgeRules({ tfJsonPath });
  const out = join(dir, 'run');
  let stderr = '';
  const io: CliIo = { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: dir };
  const args = ['run', '--target', 'local', '--config', configFile, '--cdktf-out', join(dir, 'cdktf.out'), '--out', out];
  // The drill's edge, fronts and probes run on this process's event loop (with the other rows'):
  // how late it was while this drill ran is the pace the row's time bounds take their slack from.
  const { value: code, pace } = await withPace(() => main([...args, ...DRILL_ARGS, '--fault', row.fault, ...(row.args ?? [])], io));
  // A drill refused before its run (e.g. a fault the stack cannot fail over) writes no run.json: say why.
  if (!existsSync(join(out, 'run.json'))) throw new Error(`${row.name}: dr-drill exited ${code} with no run.json:\n${stderr}`);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunRecord;
  return { rules, run, code, stderr, pace };
}

/** A small pool: rows start as earlier ones finish. */
let running = 0;
const waiting: (() => void)[] = [];
async function inPool<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Every drill started, so that the work directory outlives them all. */
const started = new Set<Promise<unknown>>();

afterAll(async () => {
  await Promise.allSettled(started);
  if (!process.env.FIDELITY_KEEP) rmSync(work, { recursive: true, force: true });
});

describe('config mutations change the local drill as they would change AWS', () => {
  // Concurrent tests: jest starts the bodies of those the run selects (-t) together, at the start
  // of the file, and no other; the pool bounds how many drills run at once.
  for (const [index, row] of FIDELITY_ROWS.entries()) {
    testConcurrentUnless(runs(row) ? undefined : opensslMissing)(
      row.name,
      async () => {
        const result = inPool(() => drill(row, index));
        started.add(result);
        const { rules, run, code, stderr, pace } = await result;
        // An aborted drill (exit 3) is the local world failing, never an outcome a row expects: say why.
        expect({ code, abort: run.abort?.reason, teardown: run.teardown.ok, stderr }).toEqual({
          code: run.exitCode,
          abort: undefined,
          teardown: true,
          stderr: '',
        });
        row.expect(rules, run, pace);
      },
      120_000,
    );
  }
});

describe('docs/local-world.md lists what the local world models', () => {
  const section = localWorldDocSection('What the local world models');

  test('one table row per fidelity row, with its change and what AWS does', () => {
    expect(tableRows(section)).toEqual(FIDELITY_ROWS.map((r) => [r.name, r.change, r.aws]));
  });

  test('says what is not modelled', () => {
    for (const gap of ['per-PoP', 'Origin Shield', 'Lambda@Edge', 'WAF', 'propagation']) expect(section).toContain(gap);
  });
});
