/**
 * `dr-drill up` / `down` / `recover` with the local world: they signal only processes of this
 * project (checked by pid, start time and command line), never pid ≤ 1; `up` is locked; the state
 * file is validated and holds no secret; origins die with their drill, and `recover` stops
 * orphaned origins of this project and nothing else. Real child processes and real signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main, type CliIo } from '../../../harness/cli.js';
import { PROBE_APP_FILE } from '../../../harness/targets/local/origin-process.js';
import { ORIGIN_MARKER, readProcess } from '../../../harness/targets/local/processes.js';
import { alive, removeTempDirs, SECRET, tempDir } from './helpers.js';

const BIN = resolve('bin/dr-drill.js');
afterAll(() => removeTempDirs());

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: () => out.join(''), err: () => err.join(''), stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd };
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A long-running process that is not ours (stands in for whatever reused a pid). */
function bystander(args: readonly string[] = ['-e', 'setInterval(() => {}, 1000)']): ChildProcess {
  const c = spawn(process.execPath, [...args], { stdio: 'ignore' });
  started.push(c);
  return c;
}

const state = (pid: unknown, extra: object = {}) => ({
  version: 1,
  pid,
  startTime: '12345',
  argv: [process.execPath, BIN, 'up'],
  startedAt: new Date().toISOString(),
  edgeUrl: 'http://127.0.0.1:1',
  primaryUrl: 'http://127.0.0.1:2',
  secondaryUrl: 'http://127.0.0.1:3',
  tfJsonPath: '/x/cdk.tf.json',
  ...extra,
});

function stateDirWith(content: unknown): string {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'local-up.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('down and recover signal only the recorded `up`', () => {
  test.each([
    ['pid -1', state(-1), 'pid'],
    ['pid 1', state(1), 'pid'],
    ['pid 0', state(0), 'pid'],
    ['a pid as a string', state('123'), 'pid'],
    ['a missing start time', { ...state(1234), startTime: undefined }, 'startTime'],
    ['an edge that is not 127.0.0.1', state(1234, { edgeUrl: 'http://example.com' }), 'edgeUrl'],
    ['header values (the old format)', state(1234, { endpoints: { origins: {} } }), 'endpoints'],
  ])('a state file with %s is a usage error naming the field (exit 2), and nothing is signalled', async (_what, content, field) => {
    for (const verb of ['down', 'recover']) {
      const dir = stateDirWith(content);
      const o = io(dir);
      expect(await main([verb, '--state-dir', dir], o)).toBe(2);
      expect(o.err()).toContain(`${field} (from ${join(dir, 'local-up.json')})`);
      expect(o.err()).not.toMatch(/internal error|\n\s+at /);
    }
  });

  test('a file that is not JSON is a usage error, not a stack trace', async () => {
    const dir = stateDirWith('{"pid": 12');
    const o = io(dir);
    expect(await main(['down', '--state-dir', dir], o)).toBe(2);
    expect(o.err()).toContain('Invalid state file: local-up.json');
    expect(o.err()).not.toMatch(/\n\s+at /);
  });

  test('a live process under a recorded pid that is not the recorded `up` is not signalled', async () => {
    const other = bystander();
    await new Promise((r) => other.once('spawn', r));
    const live = readProcess(other.pid!)!;
    // Same pid, another start time (a recycled pid); then the right start time with another command line.
    for (const recorded of [
      state(other.pid, { startTime: String(Number(live.startTime) + 1), argv: live.argv }),
      state(other.pid, { startTime: live.startTime }),
    ]) {
      const dir = stateDirWith(recorded);
      const o = io(dir);
      expect(await main(['down', '--state-dir', dir], o)).toBe(0);
      expect(o.out()).toContain(`(pid ${other.pid}) is not running`);
      expect(o.out()).toContain('not signalled');
      await new Promise((r) => setTimeout(r, 200));
      expect(alive(other.pid!)).toBe(true);
    }
  });
});

describe('recover stops orphaned origins of this project, and only those', () => {
  test('an origin whose owner is gone is stopped; one whose owner lives, and a look-alike without the marker, are not', async () => {
    const dead = bystander();
    await new Promise((r) => dead.once('spawn', r));
    const deadTicks = readProcess(dead.pid!)!.startTime;
    dead.kill('SIGKILL');
    await new Promise((r) => dead.once('exit', r));
    const self = readProcess(process.pid)!;
    const env = { ...process.env, PORT: '0', HOST: '127.0.0.1' };
    const spawnApp = (marker?: string) => {
      const c = spawn(process.execPath, [PROBE_APP_FILE, ...(marker ? [marker] : [])], { stdio: ['ignore', 'pipe', 'ignore'], env });
      started.push(c);
      return c;
    };
    // Each app is listening, so its SIGTERM handler is installed and a stop is its clean exit (code 0),
    // not a race between the signal and node's startup.
    const listening = (c: ChildProcess) =>
      new Promise<void>((resolve, reject) => {
        let out = '';
        c.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('probe app listening')) resolve();
        });
        c.once('exit', () => reject(new Error(`probe app exited before listening: ${out}`)));
      });
    const orphan = spawnApp(`${ORIGIN_MARKER}=${dead.pid}:${deadTicks}`);
    const owned = spawnApp(`${ORIGIN_MARKER}=${process.pid}:${self.startTime}`);
    const lookAlike = spawnApp();
    await Promise.all([orphan, owned, lookAlike].map(listening));
    const dir = tempDir();
    const o = io(dir);
    const code = await main(['recover', '--state-dir', dir], o);
    expect(o.out()).toContain(`local: stopped orphaned origin pid ${orphan.pid}.`);
    expect(code).toBe(0);
    // It is this test's child: it is gone once it has exited (a zombie until reaped).
    await until('the orphan to exit', () => orphan.signalCode !== null || orphan.exitCode !== null, 5_000);
    expect([orphan.signalCode, orphan.exitCode]).toEqual([null, 0]);
    expect([alive(owned.pid!), alive(lookAlike.pid!)]).toEqual([true, true]);
    expect(o.out()).not.toContain(String(owned.pid));
  });
});

interface Child {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly err: () => string;
  readonly exited: Promise<number | null>;
}
function runBin(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, CI: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}
async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const originsOf = (pid: number): number[] =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => readProcess(p)?.argv.some((a) => a.startsWith(`${ORIGIN_MARKER}=${pid}:`)));

describe('up', () => {
  test('two `up`s at once: one is refused (exit 2); the state file holds no secret and is 0600', async () => {
    const cwd = tempDir();
    const stateDir = join(cwd, 'state');
    const env = { EDGE_FAILOVER_ORIGIN_VERIFY_SECRET: SECRET };
    const a = runBin(['up', '--state-dir', stateDir], cwd, env);
    const b = runBin(['up', '--state-dir', stateDir], cwd, env);
    const first = await Promise.race([a.exited.then(() => b), b.exited.then(() => a)]);
    const refused = first === a ? b : a;
    expect(await refused.exited).toBe(2);
    expect(refused.err()).toMatch(/another `dr-drill up` holds .*local-up\.lock/);
    await until('the world to be up', () => first.out().includes('The local world is up'));
    const file = join(stateDir, 'local-up.json');
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const down = io(cwd);
    expect(await main(['down', '--state-dir', stateDir], down)).toBe(0);
    expect(await first.exited).toBe(0);
  }, 120_000);

  test('after kill -9 of `up`, its origins exit (the pipe from their owner closed)', async () => {
    const cwd = tempDir();
    const up = runBin(['up', '--state-dir', join(cwd, 'state')], cwd);
    await until('the world to be up', () => up.out().includes('The local world is up'));
    const origins = originsOf(up.child.pid!);
    expect(origins).toHaveLength(2);
    up.child.kill('SIGKILL');
    await up.exited;
    await until('the origins to exit', () => origins.every((p) => !alive(p)), 10_000);
  }, 120_000);
});
