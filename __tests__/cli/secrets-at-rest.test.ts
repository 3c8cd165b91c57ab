/**
 * Secrets at rest: the origin-verify secret never reaches `.drill/local-up.json`, and every
 * cdk.tf.json the project synthesizes with a secret (a run directory's copy, `dr-drill up`'s,
 * `npm run synth`'s) is readable by its owner alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { synthesizeStack } from '../../harness/targets/driver.js';
import { PLANTED_SECRET } from '../support/hostile.js';

const BIN = resolve('bin/dr-drill.js');
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'secrets-at-rest-'));
  writeFileSync(join(work, 'secret.json'), JSON.stringify({ failover: { originVerify: { secret: PLANTED_SECRET } } }));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ownerOnly = (path: string) => (statSync(path).mode & 0o077) === 0;

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDGE_FAILOVER_') && k !== 'GITHUB_STEP_SUMMARY') env[k] = v;
  return { ...env, CI: '1' };
}

test('a synthesized stack holding the secret is readable by its owner alone; one without a secret is left as it is', async () => {
  for (const d of ['run-a', 'run-b']) mkdirSync(join(work, d));
  const withSecret = await synthesizeStack(loadConfig({ env: {}, file: join(work, 'secret.json') }), join(work, 'run-a'));
  expect(readFileSync(withSecret.tfJsonPath, 'utf8')).toContain(PLANTED_SECRET);
  expect(ownerOnly(withSecret.tfJsonPath)).toBe(true);
  const without = await synthesizeStack(loadConfig({ env: {} }), join(work, 'run-b'));
  expect(readFileSync(without.tfJsonPath, 'utf8')).not.toContain('origin_verify_secret');
}, 120_000);

test("dr-drill up keeps the secret out of .drill/local-up.json, which is the owner's alone", async () => {
  const child = spawn(process.execPath, [BIN, 'up', '--config', 'secret.json', '--plain'], {
    cwd: work,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  try {
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`up did not come up\n${stdout}\n${stderr}`)), 90_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('The local world is up')) {
          clearTimeout(timer);
          res();
        }
      });
      child.on('close', () => rej(new Error(`up exited\n${stdout}\n${stderr}`)));
    });
    const stateFile = join(work, '.drill', 'local-up.json');
    const state = readFileSync(stateFile, 'utf8');
    expect(state).not.toContain(PLANTED_SECRET);
    // The state file records processes and URLs only: no header, so no header value.
    expect(state).not.toMatch(/x-origin-verify"\s*:/);
    expect(ownerOnly(stateFile)).toBe(true);
    const tfJson = join(work, '.drill', 'local-up', 'cdktf.out', 'stacks', 'edge-failover', 'cdk.tf.json');
    expect(ownerOnly(tfJson)).toBe(true);
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
  expect(existsSync(join(work, '.drill', 'local-up.json'))).toBe(false);
}, 150_000);
