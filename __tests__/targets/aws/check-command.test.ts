/**
 * `dr-drill check --target aws` (checks/check-command.ts) over explicit references: what it prints
 * (a table, or JSON with --json) and its exit code for every mix of findings (0 when every check
 * holds, warnings allowed; 1 otherwise; 2 for a usage error; 3 when AWS could not be read, with the
 * AWS CLI's log kept and named); values from AWS never break the table or reach the terminal raw.
 * The AWS CLI is answering-aws.ts (botocore output shapes, no AWS CLI); the secondary's direct GET
 * goes through a stand-in for `fetch`. preflight.test.ts runs the same command through the AWS CLI
 * v2 and the stub.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../../../harness/commands/context.js';
import { main } from '../../../harness/cli.js';
import { type CheckCommandOptions, checkCommand } from '../../../harness/targets/aws/checks/check-command.js';
import type { Finding } from '../../../harness/targets/aws/wire.js';
import { AnsweringAws } from '../../support/aws/answering-aws.js';
import { ARN, DISTRIBUTION_ID, type Deployment, deploymentAnswers, deploymentOutputs } from '../../support/aws/deployment-answers.js';
import { CACHING_OPTIMIZED, type DistConfig, behavior, withBehaviors } from '../../support/aws/distribution.js';

const EXPLICIT = ['--primary-service-arn', ARN.primary, '--secondary-service-arn', ARN.secondary, '--distribution-id', DISTRIBUTION_ID];
const SUMMARY_LINES = 2; // a blank line, then the sentence

let cwd: string;
let aws: AnsweringAws | undefined;
let fetched: string[];

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'check-command-cwd-'));
  fetched = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation((input) => {
    fetched.push(String(input));
    return Promise.resolve(new Response('ok', { status: 200 }));
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  aws?.close();
  aws = undefined;
  rmSync(cwd, { recursive: true, force: true });
});

/**
 * The check's temporary log directories (`dr-drill-check-*` under the system's temporary directory)
 * that hold a log of this test's calls: each call of the answering aws names its table there.
 */
function leftLogs(): string[] {
  const mine = aws!.dir;
  return readdirSync(tmpdir())
    .filter((n) => n.startsWith('dr-drill-check-'))
    .map((n) => join(tmpdir(), n))
    .filter((d) => {
      const log = join(d, 'aws.log');
      return existsSync(log) && readFileSync(log, 'utf8').includes(mine);
    });
}

/** `dr-drill check` over deployment `d`, with `args` after the explicit references. */
async function drDrillCheck(
  d: Deployment,
  args: readonly string[] = ['--no-direct-probe'],
  failures: Record<string, string> = {},
  o: { stack?: readonly string[]; env?: Record<string, string> } = {},
) {
  aws?.close();
  aws = new AnsweringAws(deploymentAnswers(d), failures);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['check', '--target', 'aws', '--aws-cli', aws.binary, ...(o.stack ?? EXPLICIT), ...args], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { ...process.env, ...aws.env, EDGE_FAILOVER_NAME_PREFIX: 'shop', ...o.env },
    cwd,
  });
  return { code, out: out.join(''), err: err.join('') };
}

/** The same check with --json: its findings. */
async function findingsOf(d: Deployment, args: readonly string[] = ['--no-direct-probe']) {
  const r = await drDrillCheck(d, [...args, '--json']);
  return { ...r, json: JSON.parse(r.out) as { stack: string; ok: boolean; findings: Finding[] } };
}

const cachePolicy =
  (id: string) =>
  (c: DistConfig): void => {
    c.DefaultCacheBehavior.CachePolicyId = id;
  };
const twoWarnings = (c: DistConfig) => {
  cachePolicy(CACHING_OPTIMIZED)(c);
  withBehaviors(behavior('/img/*', 'group', (b) => (b.CachePolicyId = CACHING_OPTIMIZED)))(c);
};

describe('the table, the sentence and the exit code follow the findings', () => {
  const cases: [string, Deployment, number, string][] = [
    ['every check holding', {}, 0, 'The deployment of shop passes every check.'],
    ['one warning', { change: cachePolicy(CACHING_OPTIMIZED) }, 0, 'The deployment of shop passes every check (1 warning).'],
    ['two warnings', { change: twoWarnings }, 0, 'The deployment of shop passes every check (2 warnings).'],
    [
      'one failed check',
      { distributionStatus: 'InProgress' },
      1,
      'The deployment of shop fails 1 check: a drill would refuse to pause the primary.',
    ],
    [
      'two failed checks and a warning',
      { distributionStatus: 'InProgress', status: { primary: 'PAUSED' }, change: cachePolicy(CACHING_OPTIMIZED) },
      1,
      'The deployment of shop fails 2 checks: a drill would refuse to pause the primary.',
    ],
  ];

  test.each(cases)('%s: one row a finding, then the sentence, and the exit code', async (_, d, code, sentence) => {
    const { json } = await findingsOf(d);
    const r = await drDrillCheck(d);
    expect(r.code).toBe(code);
    const lines = r.out.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toBe(sentence);
    expect(lines.at(-3)).toBe('');
    const rows = lines.slice(1, -1 - SUMMARY_LINES);
    expect(lines[0]).toMatch(/^result\s+check\s+setting\s+found\s+expected$/);
    expect(rows).toHaveLength(json.findings.length);
    rows.forEach((row, i) => {
      const f = json.findings[i]!;
      expect(row.split(/\s{2,}/).slice(0, 2)).toEqual([f.ok ? 'ok' : f.severity === 'error' ? 'FAIL' : 'warn', f.check]);
    });
    expect(r.err).toBe('');
    expect(leftLogs()).toEqual([]);
  });

  test.each(cases)('%s, --json: the stack, ok exactly when the exit code is 0, and every finding', async (_, d, code) => {
    const { code: got, json } = await findingsOf(d);
    expect(got).toBe(code);
    expect(json.stack).toBe('shop');
    expect(json.ok).toBe(code === 0);
    expect(json.ok).toBe(json.findings.every((f) => f.ok || f.severity === 'warning'));
    const failedErrors = json.findings.filter((f) => !f.ok && f.severity === 'error').length;
    expect(failedErrors === 0).toBe(code === 0);
    expect(leftLogs()).toEqual([]);
  });
});

describe('what the check reads and judges', () => {
  test('the secondary is probed directly unless --no-direct-probe: its finding is the last one', async () => {
    const probed = await findingsOf({}, []);
    expect(probed.json.findings.at(-1)).toMatchObject({ check: 'secondary-answers', ok: true });
    expect(fetched).toHaveLength(1);
    const not = await findingsOf({});
    expect(not.json.findings.map((f) => f.check)).not.toContain('secondary-answers');
    expect(fetched).toHaveLength(1);
  });

  test('--accept-behavior: a behavior to the primary alone fails, unless accepted; an unknown pattern is a usage error', async () => {
    const d: Deployment = { change: withBehaviors(behavior('/admin/*', 'primary')) };
    expect((await drDrillCheck(d)).code).toBe(1);
    expect((await drDrillCheck(d, ['--no-direct-probe', '--accept-behavior', '/admin/*'])).code).toBe(0);
    const unknown = await drDrillCheck(d, ['--no-direct-probe', '--accept-behavior', '/nope/*']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--accept-behavior = "/nope/*": allowed: ');
    // A usage error has no AWS CLI log to show: none is named, none is kept.
    expect(unknown.err).not.toContain('aws.log');
    expect(leftLogs()).toEqual([]);
  });

  test('values from AWS stay in their cells: one line a row, control characters shown escaped, never raw', async () => {
    const d: Deployment = {
      change: (c) => {
        cachePolicy('bad\npolicy\u001b[31m\r\t')(c);
        withBehaviors(behavior('/a\nb/*', 'primary'))(c);
      },
    };
    const { json } = await findingsOf(d);
    const r = await drDrillCheck(d);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(1 + json.findings.length + SUMMARY_LINES + 1);
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(lines.find((l) => /\scache-policy\s/.test(l))).toContain('bad\\npolicy\\r\\t');
    expect(lines.find((l) => /\sbehavior-targets-group\s/.test(l))).toContain('CacheBehaviors[PathPattern=/a\\nb/*]');
    expect(lines.filter((l) => l.startsWith('warn') || l.startsWith('FAIL') || l.startsWith('ok'))).toHaveLength(json.findings.length);
  });
});

describe('without explicit references: the stack deployed from cdktf.out', () => {
  /** cdktf.out/stacks/shop with a local state, and a terraform whose `output -json` prints `outputs`. */
  function deployed(outputs: object) {
    const stackDir = join(cwd, 'cdktf.out', 'stacks', 'shop');
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'terraform.tfstate' } } } }));
    writeFileSync(join(stackDir, 'terraform.tfstate'), '{}');
    writeFileSync(join(cwd, 'outputs.json'), JSON.stringify(outputs));
    const terraform = join(cwd, 'terraform');
    writeFileSync(terraform, '#!/bin/sh\nfor a in "$@"; do if [ "$a" = output ]; then cat "$TF_TEST_OUTPUTS"; exit 0; fi; done\nexit 0\n');
    chmodSync(terraform, 0o755);
    return {
      stack: ['--cdktf-out', 'cdktf.out', '--terraform', terraform],
      env: { TF_TEST_OUTPUTS: join(cwd, 'outputs.json') },
    };
  }

  test("the stack's outputs name what is checked, and the stack is named in the sentence and the JSON", async () => {
    const stack = deployed(deploymentOutputs());
    const r = await drDrillCheck({}, ['--no-direct-probe'], {}, stack);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nThe deployment of shop passes every check\.\n$/);
    expect(aws!.calls().filter((c) => c.startsWith('apprunner describe-service'))).toHaveLength(2);
    const json = await drDrillCheck({ distributionStatus: 'InProgress' }, ['--no-direct-probe', '--json'], {}, stack);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ stack: 'shop', ok: false });
  });

  test('a stack with no outputs is a usage error naming it, before any AWS call, and keeps no log', async () => {
    const r = await drDrillCheck({}, ['--no-direct-probe'], {}, deployed({}));
    expect(r.code).toBe(2);
    expect(r.err).toContain('nothing deployed for stack shop');
    expect(r.err).not.toContain('aws.log');
    expect(aws!.calls()).toEqual([]);
  });
});

describe('when the check cannot finish', () => {
  test("AWS refuses a read: exit 3, and the AWS CLI's log is kept and named on stderr", async () => {
    const denied =
      'An error occurred (AccessDenied) when calling the GetDistributionConfig operation: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudfront:GetDistributionConfig';
    const r = await drDrillCheck({}, ['--no-direct-probe'], { [`cloudfront get-distribution-config --id ${DISTRIBUTION_ID}`]: denied });
    expect(r.code).toBe(3);
    const kept = leftLogs();
    expect(kept).toHaveLength(1);
    const log = join(kept[0]!, 'aws.log');
    expect(r.err).toContain(`dr-drill: the AWS CLI's log of this check: ${log}\n`);
    expect(readFileSync(log, 'utf8')).toContain('AccessDenied');
    rmSync(kept[0]!, { recursive: true, force: true });
  });

  interface Trap {
    released: number;
    readonly controller: AbortController;
  }
  /** checkCommand itself, with a trap the test holds. */
  function direct(trap: Trap, extra: Partial<CheckCommandOptions> = {}, held: readonly string[] = []) {
    aws?.close();
    aws = new AnsweringAws(deploymentAnswers(), {}, held);
    const out: string[] = [];
    const ctx: CommandContext = {
      io: { stdout: (t) => out.push(t), stderr: () => {}, env: { EDGE_FAILOVER_NAME_PREFIX: 'shop' }, cwd },
      trapSignals: () => ({ signal: trap.controller.signal, release: () => (trap.released += 1) }),
      confirm: () => Promise.reject(new Error('check asks nothing')),
    };
    const opts: CheckCommandOptions = {
      target: 'aws',
      primaryServiceArn: ARN.primary,
      secondaryServiceArn: ARN.secondary,
      distributionId: DISTRIBUTION_ID,
      directProbe: false,
      ...extra,
    };
    return { out, run: checkCommand(opts, ctx, { awsCli: aws.binary, env: aws.env, awsAttempts: 1 }) };
  }

  test('the signal trap is released whether the check passes, fails or throws', async () => {
    const passes = { released: 0, controller: new AbortController() };
    await expect(direct(passes).run).resolves.toBe(0);
    expect(passes.released).toBe(1);
    expect(leftLogs()).toEqual([]);
    const throws = { released: 0, controller: new AbortController() };
    await expect(direct(throws, { acceptBehavior: ['/nope/*'] }).run).rejects.toMatchObject({ kind: 'usage' });
    expect(throws.released).toBe(1);
    expect(leftLogs()).toEqual([]);
  });

  test('the secondary is probed when the options do not say', async () => {
    const trap = { released: 0, controller: new AbortController() };
    const { run, out } = direct(trap, { directProbe: undefined });
    await expect(run).resolves.toBe(0);
    expect(fetched).toHaveLength(1);
    expect(out.join('')).toMatch(/\bsecondary-answers\b/);
  });

  test('a check interrupted (SIGINT, SIGTERM) stops its AWS call, and prints no findings', async () => {
    const trap = { released: 0, controller: new AbortController() };
    const read = `cloudfront get-distribution-config --id ${DISTRIBUTION_ID}`;
    const { run, out } = direct(trap, {}, [read]);
    let settled = false;
    const outcome = run
      .then(
        () => 'finished',
        (e: unknown) => e,
      )
      .finally(() => (settled = true));
    while (!settled && !aws!.calls().some((c) => c.startsWith(read))) await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    trap.controller.abort(new Error('SIGINT'));
    expect(await outcome).toBeInstanceOf(Error);
    expect(out).toEqual([]);
    expect(trap.released).toBe(1);
    // It could not finish against AWS: its log is kept, as for any such failure.
    for (const d of leftLogs()) rmSync(d, { recursive: true, force: true });
  });
});
