/**
 * The probe app as App Runner starts it: the exact start command and runtime environment
 * of the synthesized stack (the stock Node image runs `node -e 0`, NODE_OPTIONS preloads
 * the app), plus a free PORT on 127.0.0.1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import { loadEdgeRules } from '../../harness/cloudfront/index.js';
import { PROBE_APP_PATH, PROBE_APP_START_COMMAND, probeAppSource } from '../../app/launch.js';
import { removeTempDirs, SECRET, synthTestStack, testConfig } from '../targets/local/helpers.js';
import { testUnless } from '../support/skip.js';

const APPRUNNER_MODEL = '/usr/lib/python3/dist-packages/awscli/botocore/data/apprunner/2020-05-15/service-2.json';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a command without a shell and waits for the app's "listening" line. */
async function start(command: string, env: Record<string, string>): Promise<{ child: ResultPromise; url: string }> {
  const port = await freePort();
  const [file, ...args] = command.split(' ');
  const child = execa(file!, args, {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    extendEnv: false,
    reject: false,
    timeout: 30_000,
  });
  const lines = createInterface({ input: child.stdout! });
  const listening = await new Promise<unknown>((resolve, reject) => {
    lines.on('line', (l) => {
      if (l.includes('probe app listening')) resolve(JSON.parse(l));
    });
    void child.then((r) => reject(new Error(`exited before listening: ${String(r.stderr)}`)));
  });
  expect(listening).toMatchObject({ port });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await request(url, { method: method as 'GET', headers, signal: AbortSignal.timeout(5_000) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

afterAll(() => removeTempDirs());

describe('the start command the stack emits', () => {
  let child: ResultPromise | undefined;
  afterEach(async () => {
    child?.kill('SIGTERM');
    await child;
    child = undefined;
  });

  test('starts the probe app, which serves / and /health with the origin header', async () => {
    const tfJsonPath = synthTestStack(testConfig());
    const tf = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
    const image = tf.resource.aws_apprunner_service.primary_service.source_configuration.image_repository.image_configuration;
    expect(image.start_command).toBe(PROBE_APP_START_COMMAND);
    // The environment as Terraform would pass it: ${var.*} resolved from the variables' defaults.
    const { origins } = await loadEdgeRules({ tfJsonPath });
    expect(origins.primary.startCommand).toBe(image.start_command);
    // Plain variables, and the secrets App Runner resolves from their store into the environment.
    const declared = [...Object.keys(image.runtime_environment_variables), ...Object.keys(image.runtime_environment_secrets ?? {})];
    expect(Object.keys(origins.primary.serviceEnvironment).sort()).toEqual(declared.sort());

    const app = await start(image.start_command, { ...origins.primary.serviceEnvironment });
    child = app.child;

    const root = await get(`${app.url}/`, { 'x-origin-verify': SECRET, 'x-request-id': 'req-1' });
    expect(root.status).toBe(200);
    expect(root.headers['x-served-by']).toBe('primary/us-east-1');
    expect(root.headers['x-request-id']).toBe('req-1');
    expect(JSON.parse(root.text)).toMatchObject({ role: 'primary', region: 'us-east-1', requestId: 'req-1', method: 'GET', path: '/' });

    const health = await get(`${app.url}/health`);
    expect([health.status, health.headers['x-served-by'], JSON.parse(health.text).status]).toEqual([200, 'primary/us-east-1', 'ok']);
  });

  test('with an origin-verify secret, requests without the header get 403 (/health stays open)', async () => {
    const tfJsonPath = synthTestStack(testConfig());
    const { origins } = await loadEdgeRules({ tfJsonPath });
    const app = await start(origins.secondary.startCommand!, { ...origins.secondary.serviceEnvironment });
    child = app.child;

    const missing = await get(`${app.url}/`);
    expect([missing.status, missing.headers['x-served-by']]).toEqual([403, 'secondary/us-west-2']);
    expect((await get(`${app.url}/`, { 'x-origin-verify': 'wrong-secret-wrong-secret' })).status).toBe(403);
    expect((await get(`${app.url}/`, { 'x-origin-verify': `${SECRET}x` })).status).toBe(403);
    expect((await get(`${app.url}/`, { 'x-origin-verify': SECRET })).status).toBe(200);
    expect((await get(`${app.url}/health`)).status).toBe(200);
    const head = await get(`${app.url}/`, { 'x-origin-verify': SECRET }, 'HEAD');
    expect([head.status, head.text]).toEqual([200, '']);
  });

  test('without a secret, verification is off', async () => {
    const tfJsonPath = synthTestStack({});
    const { origins } = await loadEdgeRules({ tfJsonPath });
    expect(origins.primary.serviceEnvironment.ORIGIN_VERIFY_SECRET).toBeUndefined();
    const app = await start(origins.primary.startCommand!, { ...origins.primary.serviceEnvironment });
    child = app.child;
    expect((await get(`${app.url}/`)).status).toBe(200);
  });
});

describe('the handover through NODE_OPTIONS', () => {
  test('carries the app source as shipped', async () => {
    const { origins } = await loadEdgeRules({ tfJsonPath: synthTestStack({}) });
    const options = origins.primary.serviceEnvironment.NODE_OPTIONS!;
    const prefix = '--import=data:text/javascript;base64,';
    expect(options.startsWith(prefix)).toBe(true);
    expect(Buffer.from(options.slice(prefix.length), 'base64').toString('utf8')).toBe(readFileSync(PROBE_APP_PATH, 'utf8'));
    expect(probeAppSource()).toBe(readFileSync(PROBE_APP_PATH, 'utf8'));
  });

  const modelTest = testUnless(
    existsSync(APPRUNNER_MODEL) ? undefined : `the App Runner API model is not at ${APPRUNNER_MODEL} (apt-get install awscli)`,
  );
  modelTest('fits App Runner’s limit on an environment value (API model)', async () => {
    const model = JSON.parse(readFileSync(APPRUNNER_MODEL, 'utf8'));
    const max: number = model.shapes.RuntimeEnvironmentVariablesValue.max;
    const { origins } = await loadEdgeRules({ tfJsonPath: synthTestStack({}) });
    expect(origins.primary.serviceEnvironment.NODE_OPTIONS!.length).toBeLessThan(max);
  });
});
