/** `npm run export:hcl` end to end: the CLI synthesizes, exports and verifies; bad input exits 2. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(args: readonly string[]) {
  return execa(process.execPath, ['--import', 'tsx', join(ROOT, 'hcl', 'cli.ts'), ...args], {
    cwd: ROOT,
    env: { EDGE_FAILOVER_CONFIG: '' },
    reject: false,
    timeout: 60_000,
    cancelSignal: AbortSignal.timeout(70_000),
    stdin: 'ignore',
  });
}

test('writes one verified module per stack', async () => {
  const out = mkdtempSync(join(tmpdir(), 'hcl-cli-'));
  dirs.push(out);
  const r = await cli(['--out', out]);
  expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
  expect(r.stdout).toMatch(/^edge-failover: wrote .*edge-failover\/ \(\d+ resources, \d+ inputs, \d+ outputs\)$/m);
  expect(r.stdout).toContain('verified: parses, matches cdk.tf.json');
  expect(readdirSync(join(out, 'edge-failover')).sort()).toEqual([
    'README.md',
    'examples',
    'main.tf',
    'outputs.tf',
    'probe-app.mjs',
    'terraform.tfvars.example',
    'variables.tf',
    'versions.tf',
  ]);
});

test('a bad config value exits 2 naming the field, the value and what is allowed, and writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcl-cli-bad-'));
  dirs.push(dir);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ failover: { connectionAttempts: 7 } }));
  const r = await cli(['--out', join(dir, 'out'), '--config', config]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('failover.connectionAttempts');
  expect(r.stderr).toContain('7');
  expect(r.stderr).toContain('an integer from 1 to 3');
  expect(readdirSync(dir)).toEqual(['config.json']);
});
