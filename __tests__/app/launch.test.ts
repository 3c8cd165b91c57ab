/**
 * App Runner reserves PORT and sets it itself, so the probe app's runtime environment must not
 * carry it, and the app must listen on the PORT the platform gives it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { PROBE_APP_START_COMMAND, probeAppEnvironment } from '../../app/launch.js';
import { loadEdgeRules } from '../../harness/cloudfront/index.js';
import { removeTempDirs, synthTestStack } from '../targets/local/helpers.js';

const opts = { role: 'primary', region: 'us-east-1', originVerifyHeader: 'x-origin-verify', originVerifySecret: '' } as const;

afterAll(() => removeTempDirs());

test('probeAppEnvironment has no PORT (App Runner reserves it)', () => {
  const env = probeAppEnvironment(opts);
  expect(Object.keys(env)).not.toContain('PORT');
  expect(env).toMatchObject({ PROBE_ROLE: 'primary', PROBE_REGION: 'us-east-1' });
});

test('the synthesized services set no PORT; the port is the image configuration port', async () => {
  const tfJsonPath = synthTestStack({ service: { port: 9090 } });
  const { origins } = await loadEdgeRules({ tfJsonPath });
  for (const o of [origins.primary, origins.secondary]) expect(Object.keys(o.serviceEnvironment)).not.toContain('PORT');
  const services = JSON.parse(readFileSync(tfJsonPath, 'utf8')).resource.aws_apprunner_service;
  for (const s of Object.values(services) as { source_configuration: { image_repository: { image_configuration: { port: string } } } }[])
    expect(String(s.source_configuration.image_repository.image_configuration.port)).toBe('9090');
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

test('the app listens on the PORT the platform sets', async () => {
  const port = await freePort();
  const [file, ...args] = PROBE_APP_START_COMMAND.split(' ');
  const child = execa(file!, args, {
    env: { PATH: process.env.PATH ?? '', ...probeAppEnvironment(opts), PORT: String(port), HOST: '127.0.0.1' },
    extendEnv: false,
    reject: false,
    timeout: 20_000,
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (l) => l.includes('listening') && resolve(l));
      void child.then((r) => reject(new Error(`exited: ${String(r.stderr)}`)));
    });
    expect(JSON.parse(line)).toMatchObject({ port });
  } finally {
    child.kill('SIGTERM');
    await child;
  }
});
