/**
 * The dr-drill command as users run it: the bin spawned as a child process (tsx launcher,
 * commander, the real local world), plus `report` in-process on a saved run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { main, type CliIo } from '../../harness/cli.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import { healthyDrill } from '../analysis/timelines.js';
import { runRecordOf } from '../report/fixtures.js';
import { tryConnect } from '../targets/local/helpers.js';

const BIN = resolve('bin/dr-drill.js');
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dr-drill-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment without EDGE_FAILOVER_* settings, so the defaults apply. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDGE_FAILOVER_') && k !== 'GITHUB_STEP_SUMMARY') env[k] = v;
  return { ...env, CI: '1' };
}

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(
  args: readonly string[],
  options: { onStdout?: (text: string, kill: (sig: NodeJS.Signals) => void) => void; timeoutMs?: number } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dr-drill ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, (sig) => child.kill(sig));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

const readRun = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;

test('--help shows the commands; run --help shows every option with its default', async () => {
  const top = await runCli(['--help']);
  expect(top.code).toBe(0);
  for (const cmd of ['run', 'up', 'down', 'recover', 'report']) expect(top.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
  expect(top.stdout).toContain('Exit codes: 0 passed, 1 an assertion failed, 2 usage or config error, 3');
  const run = await runCli(['run', '--help']);
  expect(run.code).toBe(0);
  for (const option of [
    '--target <target>',
    '--config <file>',
    '--out <dir>',
    '--failover-threshold <seconds>',
    '--failback-threshold <seconds>',
    '--max-get-errors <count>',
    '--rate <hz>',
    '--probe-timeout <ms>',
    '--write-probe',
    '--fault <fault>',
  ]) {
    expect(run.stdout).toContain(option);
  }
  expect(run.stdout.replace(/\s+/g, ' ')).toContain('edge GET probes per second (default: 10)');
});

test('usage errors exit 2 and say what is allowed', async () => {
  const badRate = await runCli(['run', '--rate', '0']);
  expect(badRate.code).toBe(2);
  expect(badRate.stderr).toContain(
    "option '--rate <hz>' argument '0' is invalid. allowed for --rate: a number from 0.1 to 200 (probes per second)",
  );
  const badTarget = await runCli(['run', '--target', 'gcp']);
  expect(badTarget.code).toBe(2);
  expect(badTarget.stderr).toContain('Allowed choices are local, aws');
  const badFault = await runCli(['run', '--fault', 'explode']);
  expect(badFault.code).toBe(2);
  expect(badFault.stderr).toContain('allowed: pause, error:<code>, refuse, blackhole, unreachable, slow:<ms>');
  const partialArns = await runCli([
    'run',
    '--target',
    'aws',
    '--mode',
    'existing',
    '--primary-service-arn',
    'arn:aws:apprunner:us-east-1:123456789012:service/a/b',
  ]);
  expect(partialArns.code).toBe(2);
  expect(partialArns.stderr).toContain('missing: --secondary-service-arn, --distribution-id');
  const badPoll = await runCli(['down', '--target', 'aws', '--poll-interval', '0']);
  expect(badPoll.code).toBe(2);
  expect(badPoll.stderr).toContain('allowed for --poll-interval: a number from 0.1 to 60 (seconds)');
});

test('a bad config file exits 2 with the field, the value and what is allowed, before anything runs', async () => {
  const file = join(work, 'bad-config.json');
  writeFileSync(file, JSON.stringify({ failover: { connectionAttempts: 7 } }));
  const r = await runCli(['run', '--config', file, '--out', join(work, 'never')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('failover.connectionAttempts');
  expect(r.stderr).toContain('7');
  expect(r.stderr).toContain('allowed: an integer from 1 to 3');
});

test('`dr-drill run` drills the local world end to end: passes, and writes valid reports', async () => {
  const out = join(work, 'e2e');
  const started = performance.now();
  const r = await runCli(['run', '--out', out, '--plain']);
  const elapsed = performance.now() - started;
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/PASSED: failover [\d.]+ s, failback [\d.]+ s, 0 viewer GET errors in \d+ probes/);
  expect(r.stdout).toContain(`Reports in ${out}:`);
  expect(elapsed).toBeLessThan(45_000);

  const run = readRun(out);
  expect(run).toMatchObject({ status: 'completed', exitCode: 0, target: 'local', primaryResumed: true, teardown: { ok: true } });
  expect(run.verdict.assertions.every((a) => a.status === 'passed')).toBe(true);
  const m = run.measurements;
  expect(m.failover.observed && m.failback.observed).toBe(true);
  expect(m.failover.seconds!).toBeLessThan(2);
  expect(m.failback.seconds!).toBeLessThan(2);
  expect(m.totals.viewerGets.errors).toBe(0);
  // At 10 Hz with a 2 s hold per observe phase: at least 10 steady + 20 + 20 edge GETs.
  expect(m.totals.viewerGets.probes).toBeGreaterThanOrEqual(45);
  expect(m.phases.find((p) => p.phase === 'failover')!.servedBy.secondary).toBeGreaterThanOrEqual(10);
  // The stack was synthesized into the run directory and the world read it.
  expect(run.stack).toEqual({ tfJsonPath: join(out, 'cdktf.out/stacks/edge-failover/cdk.tf.json'), synthesized: true });
  expect(run.endpoints!.details.tfJsonPath).toBe(run.stack!.tfJsonPath);

  const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
  expect(XMLValidator.validate(junit)).toBe(true);
  const suites = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junit).testsuites;
  expect(suites).toMatchObject({ tests: '7', failures: '0', errors: '0' });
  expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/^## DR drill ✅ PASSED \(local\)/);
  const svg = readFileSync(join(out, 'timeline.svg'), 'utf8');
  expect(XMLValidator.validate(svg)).toBe(true);
  expect(readFileSync(join(out, 'timeline.html'), 'utf8')).toContain(svg.slice(0, 200));
  expect(readFileSync(join(out, 'drill.log'), 'utf8')).toContain('local: teardown:');
  for (const port of ['edgePort', 'edgeHttpsPort', 'primaryPort', 'secondaryPort', 'primaryAppPort', 'secondaryAppPort']) {
    if (port === 'edgeHttpsPort' && run.endpoints!.details[port] === undefined) continue; // no openssl: HTTP only
    expect(await tryConnect(Number(run.endpoints!.details[port]))).not.toBe('connected');
  }
});

test('SIGINT during the outage: the primary is resumed, the world torn down, an aborted report written (exit 3)', async () => {
  const out = join(work, 'sigint');
  let sent = false;
  const r = await runCli(['run', '--out', out, '--plain', '--hold', '60', '--observe-timeout', '120'], {
    onStdout: (text, kill) => {
      // Logged once the failover is seen and the --hold begins: the outage is under way.
      if (!sent && /from the secondary: holding the outage/.test(text)) {
        sent = true;
        kill('SIGINT');
      }
    },
  });
  expect(sent).toBe(true);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain('SIGINT received: stopping, resuming the primary and tearing down');
  const run = readRun(out);
  expect(run.status).toBe('aborted');
  expect(run.abort).toEqual({ phase: 'failover', cause: 'signal', reason: 'SIGINT received' });
  expect(run.verdict.outcome).toBe('aborted');
  expect(run.cleanup.map((c) => [c.name, c.status])).toEqual([
    ['resume the primary', 'ran'],
    ['teardown', 'ran'],
  ]);
  expect(run.primaryResumed).toBe(true);
  expect(run.teardown.ok).toBe(true);
  // The outage was really under way: the secondary was serving when the signal came.
  expect(run.measurements.failover.observed).toBe(true);
  for (const port of ['edgePort', 'edgeHttpsPort', 'primaryPort', 'secondaryPort', 'primaryAppPort', 'secondaryAppPort']) {
    if (port === 'edgeHttpsPort' && run.endpoints!.details[port] === undefined) continue; // no openssl: HTTP only
    expect(await tryConnect(Number(run.endpoints!.details[port]))).not.toBe('connected');
  }
  for (const pid of ['primaryPid', 'secondaryPid']) expect(() => process.kill(Number(run.endpoints!.details[pid]), 0)).toThrow();
  const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
  expect(junit).toContain('<error message="aborted during failover: SIGINT received" type="signal">');
});

test('`up` keeps a local world running until `down` stops it; AWS-only options are refused for local', async () => {
  const stateDir = join(work, 'up-state');
  const refused = await runCli(['run', '--target', 'local', '--mode', 'existing', '--out', join(work, 'never-run')]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('--mode = "existing": allowed: only with --target aws');
  const refusedUp = await runCli(['up', '--profile', 'prod', '--state-dir', stateDir]);
  expect(refusedUp.code).toBe(2);
  expect(refusedUp.stderr).toContain('--profile = "prod": allowed: only with --target aws');

  let stopped: Promise<Result> | undefined;
  let caWhileUp: string | undefined;
  const up = await runCli(['up', '--state-dir', stateDir], {
    timeoutMs: 90_000,
    onStdout: (text) => {
      if (!stopped && text.includes('The local world is up')) {
        const caFile = /edge CA: +(\S+)/.exec(text)?.[1];
        if (caFile) caWhileUp = readFileSync(caFile, 'utf8');
        stopped = runCli(['down', '--state-dir', stateDir]);
      }
    },
  });
  expect(stopped).toBeDefined();
  const down = await stopped!;
  expect(down.code).toBe(0);
  expect(down.stdout).toMatch(/local: stopped the world \(pid \d+, edge https?:\/\/127\.0\.0\.1:\d+\)/);
  expect(up.code).toBe(0);
  expect(up.stdout).toMatch(/teardown: /);
  // With openssl the default behavior's redirect-to-https gives an HTTPS edge, its CA in a file (no key).
  const ca = /edge CA: +(\S+)/.exec(up.stdout)?.[1];
  if (ca) expect(caWhileUp).toMatch(/^-----BEGIN CERTIFICATE-----[^]*-----END CERTIFICATE-----\n$/);
  // Nothing stays behind: the synthesized stack, the CA certificate, the state file, and the state dir that held them.
  expect(existsSync(stateDir)).toBe(false);
  for (const [, port] of up.stdout.matchAll(/^edge(?: HTTP)?: +https?:\/\/127\.0\.0\.1:(\d+)$/gm)) {
    expect(await tryConnect(Number(port))).not.toBe('connected');
  }
  expect([...up.stdout.matchAll(/^edge(?: HTTP)?: /gm)]).toHaveLength(ca ? 2 : 1);
  const again = await runCli(['down', '--state-dir', stateDir]);
  expect(again).toMatchObject({ code: 0, stdout: 'local: no world is up (nothing to do).\n' });
});

describe('report', () => {
  function io(): CliIo & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: work };
  }

  test('re-renders every report from a saved run, re-judged with new thresholds', async () => {
    const dir = join(work, 'saved');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify(runRecordOf(healthyDrill({ failoverLagS: 0.5 }))));
    const first = io();
    expect(await main(['report', dir], first)).toBe(1);
    expect(first.out.join('')).toContain('FAILED: 5 of 50 edge GETs failed (404×5)');
    const rejudged = readdirSync(dir).find((f) => f.startsWith('rejudged-'))!;
    expect(readFileSync(join(dir, rejudged, 'junit.xml'), 'utf8')).toContain('failures="1"');
    expect(readdirSync(dir).sort()).toEqual([rejudged, 'run.json']);

    const second = io();
    expect(await main(['report', join(dir, 'run.json'), '--max-get-errors', '5', '--out', join(work, 'rerendered')], second)).toBe(0);
    expect(second.out.join('')).toContain('PASSED: failover 0.555 s');
    const rerun = readRun(join(work, 'rerendered'));
    expect(rerun.settings.thresholds.maxViewerGetErrors).toBe(5);
    for (const f of ['junit.xml', 'summary.md', 'timeline.svg', 'timeline.html'])
      expect(readFileSync(join(work, 'rerendered', f), 'utf8').length).toBeGreaterThan(100);
  });

  test('a missing or foreign run is a usage error', async () => {
    const a = io();
    expect(await main(['report', join(work, 'nope')], a)).toBe(2);
    expect(a.err.join('')).toContain('nope: ENOENT; allowed: a run directory or its run.json');
    writeFileSync(join(work, 'other.json'), '{"hello": 1}');
    const b = io();
    expect(await main(['report', join(work, 'other.json')], b)).toBe(2);
    expect(b.err.join('')).toContain('not a dr-drill run record of version 1');
  });
});

describe('recover --target aws', () => {
  test('looks for the journal named by --stack in --state-dir, and says when there is nothing to finish', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stateDir = join(work, 'recover-state');
    const code = await main(['recover', '--target', 'aws', '--stack', 'shop-edge', '--state-dir', stateDir], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: {},
      cwd: work,
    });
    expect(code).toBe(0);
    expect(out.join('')).toContain(`No unfinished run on stack "shop-edge" (journals in ${stateDir})`);
  });
});
