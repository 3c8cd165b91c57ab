/**
 * Usage errors write nothing: every hostile option and file entry of the corpus
 * (__tests__/support/hostile.ts) through `dr-drill run`, in-process, in a directory of its own.
 * Each ends in exit 2 with one message, and the directory holds exactly the fixtures it held
 * before: no run directory, no cdktf.out, no state directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main, type CliIo } from '../../harness/cli.js';
import { HOSTILE_OPTIONS } from '../support/hostile.js';
import { tree } from '../support/tree.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'usage-writes-nothing-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test.each(HOSTILE_OPTIONS.map((e, i) => [e.name, e, i] as const))('%s: exit 2, nothing written', async (_name, entry, i) => {
  const cwd = join(root, String(i));
  mkdirSync(cwd);
  for (const [path, text] of Object.entries(entry.fixtures ?? {})) {
    mkdirSync(dirname(join(cwd, path)), { recursive: true });
    writeFileSync(join(cwd, path), text);
  }
  const before = tree(cwd);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { CI: '1', ...entry.env }, cwd };
  const code = await main(['run', '--plain', ...entry.args], io);
  expect({ code, stderr: err.join('') }).toEqual({ code: 2, stderr: expect.stringContaining(entry.message) });
  expect(err.join('')).not.toMatch(/\n\s+at /); // no stack
  expect(tree(cwd)).toEqual(before);
  expect(out.join('')).not.toContain('reports in');
});

test('an unknown EDGE_FAILOVER_* variable is warned about on stderr, and the config error still comes alone', async () => {
  const cwd = join(root, 'warn');
  mkdirSync(cwd);
  const err: string[] = [];
  const io: CliIo = {
    stdout: () => {},
    stderr: (t) => err.push(t),
    env: { CI: '1', EDGE_FAILOVER_READ_TIMOUT: '3', EDGE_FAILOVER_CONNECTION_ATTEMPTS: '0' },
    cwd,
  };
  expect(await main(['run', '--plain'], io)).toBe(2);
  expect(err.join('')).toContain('dr-drill: Warning: EDGE_FAILOVER_READ_TIMOUT is not a variable edge-failover reads');
  expect(err.join('')).toContain('failover.connectionAttempts (from env EDGE_FAILOVER_CONNECTION_ATTEMPTS) = 0');
  expect(tree(cwd)).toEqual([]);
});

/** `run --target aws --mode existing` with explicit references. */
const existing = (primary: string, secondary: string) => [
  '--target',
  'aws',
  '--mode',
  'existing',
  '--primary-service-arn',
  primary,
  '--secondary-service-arn',
  secondary,
  '--distribution-id',
  'E2QWRUHEXAMPLE',
];

/** The options checks that need no synthesized stack come before synthesis: nothing is synthesized, nothing written. */
test.each([
  {
    name: 'a fault the AWS target cannot inject',
    args: ['--target', 'aws', '--fault', 'blackhole'],
    message: 'dr-drill: Invalid input: --fault = "blackhole": allowed: with --target aws: pause (the faults this target can inject)\n',
  },
  {
    name: 'an explicit service ARN not of the backend the config names',
    args: existing('arn:aws:ecs:us-east-1:123456789012:service/c/p', 'arn:aws:ecs:us-west-2:123456789012:service/c/s'),
    message: 'existing.primaryServiceArn = "arn:aws:ecs:us-east-1:123456789012:service/c/p": allowed: ',
  },
  {
    name: 'an explicit App Runner service in a region without App Runner',
    args: existing('arn:aws:apprunner:eu-north-1:123456789012:service/p/0123', 'arn:aws:apprunner:us-west-2:123456789012:service/s/0123'),
    message: 'primary service region = "eu-north-1": App Runner is not known there',
  },
  {
    name: 'a connect timeout longer than the probe timeout',
    args: ['--connect-timeout', '5000', '--probe-timeout', '1000'],
    message: 'dr-drill: Invalid input: --connect-timeout = 5000: allowed: at most --probe-timeout (1000 ms)\n',
  },
])('run: $name exits 2 before synthesizing', async ({ args, message }) => {
  const cwd = mkdtempSync(join(root, 'before-synth-'));
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { CI: '1' }, cwd };
  expect(await main(['run', '--plain', ...args], io)).toBe(2);
  expect(err.join('')).toContain(message);
  expect(out.join('')).not.toContain('Synthesizing');
  expect(tree(cwd)).toEqual([]);
});
