/**
 * Values from outside the project (AWS states and errors, tool output, paths, journals) reach the
 * terminal neutralised at every print site: no ESC, BEL, C1 or stray CR byte on stdout or stderr,
 * and a table row stays on one line. The print sites: the check table (the real AWS CLI v2 against
 * the stub), run's progress and FAILED line, the verdict and the teardown line (run.ts), the error
 * handler and its recovery hint (cli.ts), and what down and recover print.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeFailoverError } from '../../core/errors.js';
import { main, type CliIo } from '../../harness/cli.js';
import { drivers } from '../../harness/commands/common.js';
import type { TargetDriver, TargetName } from '../../harness/targets/driver.js';
import { AwsTestWorld, describeWithAwsCli } from '../support/aws/world.js';
import { FakeTarget } from '../drill/fake-target.js';

const ESC = '\u001b';
const BEL = '\u0007';
/** Screen clear, cursor home, window title, OSC 8 hyperlink, a C1 CSI, a bare CR and a newline. */
const HOSTILE = `${ESC}[2J${ESC}[H${ESC}]0;owned${BEL}${ESC}]8;;http://127.0.0.1/evil${BEL}click${ESC}]8;;${BEL}\u009b31m red\rover\nnext line`;
const UNSAFE_BYTES = /[\u001b\u0007\u0080-\u009f]|\r(?!\n)|\r\n/;

/**
 * Runs `body` (a `main` call) and returns its exit code with everything the process wrote: through
 * the CLI's io and straight to process.stdout/stderr (listr2).
 */
async function captured(body: (io: CliIo) => Promise<number>): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const io: CliIo = { stdout: (t) => chunks.push(t), stderr: (t) => chunks.push(t), env: {}, cwd: work };
  const spies = (['stdout', 'stderr'] as const).map((s) =>
    jest.spyOn(process[s], 'write').mockImplementation(((t: string | Uint8Array) => {
      chunks.push(typeof t === 'string' ? t : Buffer.from(t).toString('utf8'));
      return true;
    }) as typeof process.stdout.write),
  );
  try {
    return { code: await body(io), text: chunks.join('') };
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}

function expectTerminalSafe(text: string): void {
  const bad = UNSAFE_BYTES.exec(text);
  expect(
    bad
      ? { at: bad.index, char: JSON.stringify(bad[0]), around: JSON.stringify(text.slice(Math.max(0, bad.index - 40), bad.index + 40)) }
      : null,
  ).toBeNull();
}

/** Runs `main` with one driver replaced by `replacement` (the registry is the CLI's one seam to a target). */
async function withDriver<T>(name: TargetName, replacement: Partial<TargetDriver>, body: () => Promise<T>): Promise<T> {
  const registry = drivers as Record<TargetName, TargetDriver>;
  const saved = registry[name];
  registry[name] = { ...saved, ...replacement } as TargetDriver;
  try {
    return await body();
  } finally {
    registry[name] = saved;
  }
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'terminal-safety-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('run', () => {
  test('a hostile fault error and teardown detail: the progress FAILED line, the verdict and the teardown line are neutralised', async () => {
    const { code, text } = await captured((io) =>
      withDriver(
        'local',
        {
          prepare: async (_opts, config, ctx) => ({
            target: new FakeTarget({
              inject: async () => {
                throw new EdgeFailoverError('external', `pause-service failed: ${HOSTILE}`);
              },
              teardown: async (down) => ({ ok: false, detail: `${(await down()).detail}; ${HOSTILE}` }),
            }),
            runId: ctx.runId,
            config,
            tfJsonPath: join(work, 'cdk.tf.json'),
            synthesized: false,
          }),
        },
        () => main(['run', '--plain', '--out', join(work, 'run'), '--steady-probes', '2', '--rate', '20', '--hold', '0'], io),
      ),
    );
    expect(code).toBe(3);
    // strip-ansi removes whole sequences (the OSC title and link target too); CR and newline show as \r and \n on one line.
    expect(text).toContain('[FAILED: pause-service failed: click red\\rover\\nnext line]');
    expect(text).toMatch(/^ABORTED during .*: pause-service failed: click red\\rover$/m);
    expect(text).toMatch(/^Teardown did not finish: fake world stopped; click red\\rover$/m);
    expectTerminalSafe(text);
  }, 60_000);

  test('an error from preparing the target: the message and its recovery hint are neutralised (handleError)', async () => {
    const { code, text } = await captured((io) =>
      withDriver(
        'local',
        {
          prepare: async () => {
            throw new EdgeFailoverError('external', `terraform apply: ${HOSTILE}`, { recovery: `aws apprunner resume-service ${HOSTILE}` });
          },
        },
        () => main(['run', '--plain', '--out', join(work, 'run-2')], io),
      ),
    );
    expect(code).toBe(3);
    expect(text).toContain('dr-drill: terraform apply: click red\\rover\n');
    expect(text).toMatch(/^To recover:\n {2}aws apprunner resume-service click red\\rover$/m);
    expectTerminalSafe(text);
  });
});

describe('down and recover', () => {
  test('what a driver prints about the world it tore down is neutralised', async () => {
    const { text } = await captured((io) =>
      withDriver(
        'local',
        {
          down: async (_o, ctx) => {
            ctx.io.stdout(`teardown: ${HOSTILE}\n`);
            return 0;
          },
        },
        () => main(['down'], io),
      ),
    );
    expect(text).toContain('teardown: click red\\rover\n');
    expectTerminalSafe(text);
  });

  test('recover --target aws names a state directory with escape sequences in it neutralised', async () => {
    const stateDir = join(work, `state-${ESC}]0;owned${BEL}-${ESC}[2J`);
    mkdirSync(stateDir, { recursive: true });
    const { code, text } = await captured((io) =>
      main(['recover', '--target', 'aws', '--stack', 'shop-edge', '--state-dir', stateDir], io),
    );
    expect(code).toBe(0);
    expect(text).toContain('No unfinished run on stack "shop-edge"');
    expect(text).toContain(`${join(work, 'state--')})`);
    expectTerminalSafe(text);
  });
});

describeWithAwsCli('check (the real AWS CLI v2 against the stub)', () => {
  let world: AwsTestWorld;
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
  });
  afterEach(async () => {
    await world.close();
  });

  test('a hostile value from AWS stays in its cell, on its row, in the table; and the JSON keeps it exactly', async () => {
    // App Runner speaks JSON, which carries any character (CloudFront's XML could not carry ESC or BEL).
    const { secondary, existing } = world.deployExisting();
    (secondary as { status: string }).status = `RUNNING${HOSTILE}`;
    const args = world.checkArgs(existing);
    const env = { ...process.env, ...world.env, EDGE_FAILOVER_NAME_PREFIX: 'drilltest' };
    const run = (extra: string[]) => captured((io) => main([...args, ...extra], { ...io, env, cwd: world.root }));
    const table = await run([]);
    expect(table.code).toBe(1);
    expectTerminalSafe(table.text);
    const rows = table.text.split('\n').filter((l) => l.includes('next line'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^FAIL\s+secondary-running\s+secondary service Status\s+RUNNINGclick red\\rover\\nnext line\s+RUNNING$/);

    const json = await run(['--json']);
    expect(json.code).toBe(1);
    expectTerminalSafe(json.text);
    const parsed = JSON.parse(json.text) as { findings: { check: string; found: string }[] };
    expect(parsed.findings.find((f) => f.check === 'secondary-running')!.found).toBe(`RUNNING${HOSTILE}`);
  }, 120_000);
});

test('only the CLI entry and the progress renderer write to the process streams themselves', () => {
  const root = fileURLToPath(new URL('../../harness', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mjs|js)$/.test(name)) files.push(path);
    }
  };
  walk(root);
  const writers = files
    .filter((f) => /process\.(stdout|stderr)\.write|console\.(log|error|warn|info)\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f))
    .sort();
  expect(writers).toEqual(['cli.ts', 'drill/progress.ts']);
});
