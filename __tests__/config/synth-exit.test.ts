/** `npm run synth` on a config error: exit 2 (as the drill), the one message, no stack, and the cdktf CLI never starts. */
import { spawnSync } from 'node:child_process';

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDGE_FAILOVER_')) out[k] = v;
  return { ...out, ...extra };
}

test('npm run synth exits 2 on a config error, before cdktf runs', () => {
  const r = spawnSync('npm', ['run', '--silent', 'synth'], {
    env: env({ EDGE_FAILOVER_CONNECTION_ATTEMPTS: '9' }),
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(
    'Invalid configuration: failover.connectionAttempts (from env EDGE_FAILOVER_CONNECTION_ATTEMPTS) = 9: allowed: an integer from 1 to 3',
  );
  expect(r.stderr + r.stdout).not.toContain('cdktf encountered an error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
}, 150_000);

test('the check alone passes a good config and writes nothing', () => {
  const r = spawnSync('npx', ['tsx', 'main.ts', '--check'], { env: env({}), encoding: 'utf8', timeout: 120_000 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
}, 150_000);
