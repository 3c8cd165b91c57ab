/**
 * checkStack (checks/check.ts), the findings `dr-drill check` prints: the preflight's findings of
 * the deployment named by its outputs or by explicit references, then the secondary's direct GET.
 * The AWS CLI is answering-aws.ts (botocore output shapes, no AWS CLI); the GET goes through a
 * stand-in for `fetch` that answers as the test says and records what it was asked.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type EdgeFailoverConfig, configSchema } from '../../../config/index.js';
import { exitCodeOf } from '../../../core/errors.js';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import { BACKENDS } from '../../../harness/targets/aws/backends/registry.js';
import type { ServiceBackend } from '../../../harness/targets/aws/backends/service-backend.js';
import { type CheckOptions, checkStack } from '../../../harness/targets/aws/checks/check.js';
import { inspectDeployment } from '../../../harness/targets/aws/checks/inspect.js';
import type { Finding } from '../../../harness/targets/aws/wire.js';
import { AnsweringAws } from '../../support/aws/answering-aws.js';
import { AnsweringCli } from '../../support/aws/answering-cli.js';
import { ARN, type Deployment, HOST, REFS, REGION, deploymentAnswers, deploymentOutputs } from '../../support/aws/deployment-answers.js';
import { behavior, withBehaviors } from '../../support/aws/distribution.js';
import { rejection } from '../../support/rejection.js';

const SECRET = 'a-secret-of-24-characters';
const config = (o: object = {}): EdgeFailoverConfig => configSchema.parse({ namePrefix: 'shop', ...o });
const signal = () => new AbortController().signal;
const failed = (fs: readonly Finding[]) => fs.filter((x) => !x.ok).map((x) => x.check);

interface Asked {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal;
}
type Answer = (asked: Asked) => Promise<Response>;

let dir: string;
let aws: AnsweringAws | undefined;
let asked: Asked[];
let answer: Answer;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'check-stack-'));
  asked = [];
  answer = () => Promise.resolve(new Response('ok', { status: 200 }));
  jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const a = { url: String(input), headers: { ...(init?.headers as Record<string, string>) }, signal: init!.signal! };
    asked.push(a);
    return answer(a);
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  aws?.close();
  aws = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** checkStack over the deployment `d` (named by its outputs unless `o` says otherwise), with the answering `aws`. */
function check(d: Deployment, o: Partial<CheckOptions> = {}, sig = signal()): Promise<Finding[]> {
  aws?.close();
  aws = new AnsweringAws(deploymentAnswers(d));
  return checkStack(
    {
      awsCli: aws.binary,
      env: aws.env,
      awsAttempts: 1,
      config: config(),
      stackName: 'shop',
      deployed: { stackDir: join(dir, 'stack'), outputs: deploymentOutputs() },
      logDir: join(dir, 'logs'),
      ...o,
    },
    sig,
  );
}

/** What inspectDeployment finds in the same deployment: the preflight's findings. */
function preflight(d: Deployment, o: { stackName?: string; configCodes?: number[]; writePaths?: string[]; accepted?: string[] } = {}) {
  return inspectDeployment(
    new AnsweringCli(deploymentAnswers(d)),
    REFS,
    {
      configCodes: o.configCodes ?? config().failover.statusCodes,
      stackName: o.stackName ?? 'shop',
      backend: appRunnerBackend,
      writePaths: o.writePaths ?? [],
      acceptedBehaviors: o.accepted ?? [],
    },
    signal(),
  );
}

describe('the findings', () => {
  const deployments: [string, Deployment][] = [
    ['a deployment as the stack makes it', {}],
    ['a primary PAUSED and a distribution InProgress', { status: { primary: 'PAUSED' }, distributionStatus: 'InProgress' }],
    ['services tagged as another stack', { stack: 'other' }],
  ];

  test.each(deployments)("%s: the preflight's findings, in its order, then the secondary's direct GET", async (_, d) => {
    const findings = await check(d);
    expect(findings.slice(0, -1)).toEqual(await preflight(d));
    expect(findings.at(-1)?.check).toBe('secondary-answers');
    expect(findings.filter((x) => x.check === 'secondary-answers')).toHaveLength(1);
  });

  test("the stack name, the config's failover codes and write paths, and the accepted behaviors are the ones judged", async () => {
    // Tagged as "other": the stack name given is what the tags must say.
    expect(failed(await check({ stack: 'other' }, { stackName: 'other' }))).toEqual([]);
    expect(failed(await check({}, { stackName: 'other' }))).toEqual(failed(await preflight({}, { stackName: 'other' })));
    expect(failed(await check({}, { stackName: 'other' }))).not.toEqual([]);
    // A failover code the config asks for and the distribution lacks.
    const codes = config({ failover: { statusCodes: [403, 404, 500, 502, 503, 504] } });
    const missing = await check({}, { config: codes });
    expect(failed(missing)).toEqual(failed(await preflight({}, { configCodes: [403, 404, 500, 502, 503, 504] })));
    expect(failed(missing)).not.toEqual([]);
    // A behavior to the primary alone: refused, unless it is a write path or accepted.
    const api: Deployment = { change: withBehaviors(behavior('/api/*', 'primary')) };
    expect(failed(await check(api))).toEqual(['behavior-targets-group']);
    expect(failed(await check(api, { config: config({ failover: { writePaths: ['/api/*'] } }) }))).toEqual([]);
    expect(failed(await check(api, { acceptBehaviors: ['/api/*'] }))).toEqual([]);
    await expect(check(api, { acceptBehaviors: ['/nope/*'] })).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/^--accept-behavior = "\/nope\/\*": allowed: /),
    });
  });

  test('explicit references: each service is described once, in its own region, and what was read is what is judged', async () => {
    const existing = { primaryServiceArn: ARN.primary, secondaryServiceArn: ARN.secondary, distributionId: REFS.distributionId };
    const d: Deployment = { status: { secondary: 'PAUSED' } };
    const findings = await check(d, { deployed: undefined, existing });
    expect(failed(findings)).toEqual(['secondary-running']);
    expect(
      aws!
        .calls()
        .filter((c) => c.startsWith('apprunner describe-service'))
        .sort(),
    ).toEqual(
      (['primary', 'secondary'] as const).map((r) => `apprunner describe-service --service-arn ${ARN[r]} --region ${REGION[r]}`).sort(),
    );
    expect(asked.map((a) => a.url)).toEqual([`https://${HOST.secondary}/health`]);
  });

  test('explicit references the backend does not take are refused before any AWS call', async () => {
    const ecs = 'arn:aws:ecs:us-east-1:123456789012:service/default/drill-primary';
    const e = await rejection(
      check({}, { deployed: undefined, existing: { primaryServiceArn: ecs, secondaryServiceArn: ARN.secondary, distributionId: 'EDIST' } }),
    );
    expect(e.kind).toBe('usage');
    expect(e.message).toContain(`existing.primaryServiceArn = ${JSON.stringify(ecs)}: allowed: `);
    expect(aws!.calls()).toEqual([]);
  });

  test('neither explicit references nor outputs: an internal error that says so, before any AWS call', async () => {
    const e = await rejection(check({}, { deployed: undefined }));
    expect(e.kind).toBe('internal');
    expect(e.message).toMatch(/neither explicit references nor the deployed outputs/);
    expect(aws!.calls()).toEqual([]);
  });

  test('an AWS CLI that is not v2 is refused, naming its version, before any call', async () => {
    const v1 = resolve('__tests__/support/aws/bin-v1/aws');
    const e = await rejection(check({}, { awsCli: v1 }));
    expect(exitCodeOf(e)).toBe(2);
    expect(e.message).toContain(`${v1} is AWS CLI 1.45.0; the drill needs version 2.x`);
    expect(aws!.calls()).toEqual([]);
  });

  test("the AWS CLI's log goes to the log directory, made when missing", async () => {
    const logDir = join(dir, 'a', 'b', 'logs');
    await check({}, { logDir });
    const log = readFileSync(join(logDir, 'aws.log'), 'utf8');
    expect(log).toContain('"DistributionConfig"');
    expect(log).toContain(ARN.secondary);
    expect(existsSync(join(dir, 'stack'))).toBe(false);
  });

  test('the backend is the one config service.backend names, in the registry given (the built-in ones by default)', async () => {
    const inspected: string[] = [];
    const fake: ServiceBackend = {
      ...appRunnerBackend,
      key: 'fake',
      inspect: (cli, s, known, sig) => {
        inspected.push(s.role);
        return appRunnerBackend.inspect(cli, s, known, sig);
      },
    };
    const withFake = { ...config(), service: { ...config().service, backend: 'fake' } } as unknown as EdgeFailoverConfig;
    const findings = await check({}, { config: withFake, backends: BACKENDS.with(fake) });
    expect(inspected.sort()).toEqual(['primary', 'secondary']);
    expect(failed(findings)).toEqual([]);
    await expect(check({}, { config: withFake })).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/^service\.backend = "fake": allowed: "apprunner", "ecs-express"$/),
    });
  });
});

describe("the secondary's direct GET", () => {
  const probe = async (o: Partial<CheckOptions> = {}, sig?: AbortSignal) => {
    const findings = await check({}, o, sig);
    return findings.find((x) => x.check === 'secondary-answers');
  };

  test.each([
    ['its URL as the outputs give it', HOST.secondary, '/health'],
    ['its URL with a trailing slash', `https://${HOST.secondary}/`, '/health'],
    ['another health check path', `${HOST.secondary}/`, '/status/ready'],
  ])('%s: one GET of the health check path, the URL without a doubled slash', async (_, url, path) => {
    const f = await probe({
      deployed: { stackDir: dir, outputs: deploymentOutputs(url) },
      config: config({ service: { healthCheck: { path } } }),
    });
    const at = `https://${HOST.secondary}${path}`;
    expect(asked.map((a) => a.url)).toEqual([at]);
    expect(f).toEqual({
      check: 'secondary-answers',
      setting: `GET ${at}`,
      found: 'HTTP 200',
      expected: 'a 2xx answer',
      severity: 'error',
      ok: true,
    });
  });

  test('the origin-verify header is sent when the config has a secret, and no header otherwise', async () => {
    await probe({ config: config({ failover: { originVerify: { headerName: 'x-verify-me', secret: SECRET } } }) });
    expect(asked[0]!.headers).toEqual({ 'x-verify-me': SECRET });
    asked.length = 0;
    await probe();
    expect(asked[0]!.headers).toEqual({});
  });

  test.each([200, 201, 204, 299])('HTTP %i is a 2xx answer: the finding holds', async (status) => {
    answer = () => Promise.resolve(new Response(status === 204 ? null : 'body', { status }));
    expect(await probe()).toMatchObject({ found: `HTTP ${status}`, ok: true });
  });

  test.each([300, 304, 400, 404, 500, 503])('HTTP %i is not: the finding fails, naming the status', async (status) => {
    answer = () => Promise.resolve(new Response(status === 304 ? null : 'body', { status }));
    expect(await probe()).toMatchObject({ found: `HTTP ${status}`, expected: 'a 2xx answer', severity: 'error', ok: false });
  });

  test('no answer: the finding fails with why, from the cause when fetch gives one', async () => {
    answer = () => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 10.0.0.1:443') }));
    expect(await probe()).toMatchObject({ found: 'no answer (connect ECONNREFUSED 10.0.0.1:443)', ok: false });
    answer = () => Promise.reject(new Error('getaddrinfo ENOTFOUND s1.us-west-2.awsapprunner.com'));
    expect(await probe()).toMatchObject({ found: 'no answer (getaddrinfo ENOTFOUND s1.us-west-2.awsapprunner.com)', ok: false });
  });

  /** An answer that never comes: the GET ends only when its signal aborts. */
  const never: Answer = (a) =>
    new Promise((_, reject) => {
      if (a.signal.aborted) reject(a.signal.reason as Error);
      a.signal.addEventListener('abort', () => reject(a.signal.reason as Error), { once: true });
    });

  test('the GET is bounded by probeTimeoutMs', async () => {
    answer = never;
    const f = await probe({ probeTimeoutMs: 50 });
    expect(f).toMatchObject({ ok: false, found: expect.stringMatching(/^no answer \(.*timeout.*\)$/) });
  });

  test('the GET is bounded by default, and given the time to answer', async () => {
    answer = (a) => Promise.resolve(new Response(a.signal.aborted ? 'aborted' : 'ok', { status: a.signal.aborted ? 500 : 200 }));
    expect(await probe()).toMatchObject({ found: 'HTTP 200', ok: true });
  });

  test("the GET stops when the run's signal does", async () => {
    const run = new AbortController();
    answer = (a) => {
      run.abort(new Error('interrupted'));
      return never(a);
    };
    const f = await probe({ probeTimeoutMs: 600_000 }, run.signal);
    expect(f).toMatchObject({ ok: false, found: 'no answer (interrupted)' });
  });

  test('directProbe false: no GET and no finding of it', async () => {
    const findings = await check({}, { directProbe: false });
    expect(asked).toEqual([]);
    expect(findings.map((x) => x.check)).not.toContain('secondary-answers');
    expect(findings).toEqual(await preflight({}));
  });
});
