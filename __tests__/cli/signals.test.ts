/**
 * Signals and exit codes as CI sees them, with real child processes and real signals: the
 * commands the README shows (`npm run drill`, `node bin/dr-drill.js`) exit 3 after cleanup when
 * interrupted, also when the signal goes to the whole process group (npm forwards it once more:
 * it counts once), and a signal during synthesis ends in an aborted report, not an empty run
 * directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../../harness/report/run-record.js';
import { testUnless } from '../support/skip.js';

const ROOT = resolve('.');
const BIN = join(ROOT, 'bin/dr-drill.js');
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dr-drill-signals-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDGE_FAILOVER_') && !k.startsWith('npm_')) env[k] = v;
  return { ...env, CI: '1' };
}

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** ms from the signal to the caller's exit. */
  readonly afterSignalMs: number;
}

/**
 * Runs `command` in its own process group (as a CI runner or a terminal does) and, once `when`
 * holds, sends `sig` to the group (`group`) or to the process itself (`leader`).
 */
function interrupt(
  command: readonly string[],
  sig: NodeJS.Signals,
  to: 'group' | 'leader',
  when: (stdout: string) => boolean,
): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`${command.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, 90_000);
    const maybeSend = () => {
      if (sentAt !== 0 || !when(stdout)) return;
      sentAt = Date.now();
      process.kill(to === 'group' ? -child.pid! : child.pid!, sig);
    };
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      maybeSend();
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, afterSignalMs: Date.now() - sentAt });
    });
  });
}

const readRun = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;
const drillArgs = (out: string) => ['--out', out, '--plain', '--hold', '60', '--observe-timeout', '120'];
const inOutage = (stdout: string) => /Observe failover/.test(stdout);

function expectAbortedAfterCleanup(r: Outcome, out: string, sig: NodeJS.Signals): void {
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 3, signal: null });
  const run = readRun(out);
  expect(run.status).toBe('aborted');
  expect(run.abort?.reason).toBe(`${sig} received`);
  expect(run.primaryResumed).toBe(true);
  expect(run.teardown.ok).toBe(true);
  // Delivered twice (by the group and by npm) but counted once: no "cleanup is running" notice.
  expect(r.stderr.match(/received: stopping/g)).toHaveLength(1);
  expect(r.stderr).not.toContain('cleanup is running');
}

const npm = spawnSync('npm', ['--version']).status === 0 ? undefined : 'npm is not on PATH';
const npmCommand = (args: readonly string[]) => ['npm', ...args];

describe('an interrupted drill exits 3 after cleanup', () => {
  testUnless(npm)('`npm run drill`, SIGTERM to the process group (a CI runner cancelling the job)', async () => {
    const out = join(work, 'npm-group-term');
    const r = await interrupt(npmCommand(['run', 'drill', '--', ...drillArgs(out)]), 'SIGTERM', 'group', inOutage);
    expectAbortedAfterCleanup(r, out, 'SIGTERM');
  }, 120_000);

  testUnless(npm)('`npm run drill`, SIGINT to npm alone', async () => {
    const out = join(work, 'npm-leader-int');
    const r = await interrupt(npmCommand(['run', 'drill', '--', ...drillArgs(out)]), 'SIGINT', 'leader', inOutage);
    expectAbortedAfterCleanup(r, out, 'SIGINT');
  }, 120_000);

  test('`node bin/dr-drill.js run`, SIGINT to the process group (Ctrl-C)', async () => {
    const out = join(work, 'node-group-int');
    const r = await interrupt([process.execPath, BIN, 'run', ...drillArgs(out)], 'SIGINT', 'group', inOutage);
    expectAbortedAfterCleanup(r, out, 'SIGINT');
  }, 120_000);
});

test('a signal during synthesis ends in an aborted report (exit 3), not an empty run directory', async () => {
  const out = join(work, 'during-synth');
  // The run directory is made just before the stack is synthesized into it.
  let sent = false;
  const r = await new Promise<Outcome>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', '--out', out, '--plain'], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const poll = setInterval(() => {
      if (sent || !existsSync(out)) return;
      sent = true;
      clearInterval(poll);
      child.kill('SIGTERM');
    }, 5);
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolvePromise({ code, signal, stdout, stderr, afterSignalMs: 0 });
    });
  });
  expect(sent).toBe(true);
  // The signal came before any probe ran: nothing was drilled yet.
  expect(r.stdout).not.toMatch(/Observe failover/);
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 3, signal: null });
  expect(r.stderr).toContain('SIGTERM received');
  expect(readdirSync(out)).toEqual(expect.arrayContaining(['run.json', 'junit.xml', 'summary.md']));
  const run = readRun(out);
  expect(run.status).toBe('aborted');
  expect(run.abort?.reason).toBe('SIGTERM received');
}, 120_000);
