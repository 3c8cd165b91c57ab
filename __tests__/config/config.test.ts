import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_FAILOVER_CODES, loadConfig, parseConfig, type EdgeFailoverConfigInput } from '../../config/index.js';

/** Loads with no environment, so the machine's variables don't leak in. */
const load = (overrides: unknown) => loadConfig({ env: {}, overrides: overrides as EdgeFailoverConfigInput });

function rejection(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, got none');
}

describe('defaults', () => {
  const c = loadConfig({ env: {} });

  test('regions are us-east-1 then us-west-2', () => {
    expect(c.regions).toMatchObject({ primary: 'us-east-1', secondary: 'us-west-2' });
  });

  test('failover criteria include 404, which a paused App Runner service answers', () => {
    expect(c.failover.statusCodes).toEqual([...DEFAULT_FAILOVER_CODES]);
    expect(c.failover.statusCodes).toContain(404);
  });

  test('origin timeouts are tuned for fast failover, not CloudFront defaults of 3 x 10 s and 30 s', () => {
    const worstConnect = c.failover.connectionAttempts * c.failover.connectionTimeoutSeconds;
    expect(worstConnect).toBeLessThan(3 * 10);
    expect(c.failover.readTimeoutSeconds).toBeLessThan(30);
  });

  test('state is local with a relative path', () => {
    expect(c.backend).toEqual({ type: 'local', path: 'terraform.tfstate' });
  });
});

describe('each class of bad value names the field, the value and what is allowed', () => {
  const cases: [string, unknown, string, string, string][] = [
    ['integer out of range', { failover: { connectionAttempts: 5 } }, 'failover.connectionAttempts', '5', 'an integer from 1 to 3'],
    ['non-integer', { failover: { connectionTimeoutSeconds: 1.5 } }, 'failover.connectionTimeoutSeconds', '1.5', 'an integer from 1 to 10'],
    ['read timeout above the quota', { failover: { readTimeoutSeconds: 61 } }, 'failover.readTimeoutSeconds', '61', 'from 1 to 60'],
    [
      'status code CloudFront rejects',
      { failover: { statusCodes: [404, 418] } },
      'failover.statusCodes.1',
      '418',
      '400, 403, 404, 416, 500, 502, 503, 504',
    ],
    ['duplicate status code', { failover: { statusCodes: [503, 503] } }, 'failover.statusCodes', '[503,503]', 'each code once'],
    ['no status code', { failover: { statusCodes: [] } }, 'failover.statusCodes', '[]', '1 to 8 codes'],
    ['unknown region spelling', { regions: { primary: 'virginia' } }, 'regions.primary', '"virginia"', 'an AWS region name'],
    [
      'region without App Runner',
      { regions: { secondary: 'eu-north-1' } },
      'regions.secondary',
      '"eu-north-1"',
      'additionalAppRunnerRegions',
    ],
    ['same region twice', { regions: { primary: 'us-west-2' } }, 'regions.secondary', '"us-west-2"', 'a region other than the primary'],
    [
      'bad enum',
      { service: { image: { repositoryType: 'DOCKERHUB' } } },
      'service.image.repositoryType',
      '"DOCKERHUB"',
      'one of ECR_PUBLIC, ECR',
    ],
    [
      'cpu and memory that do not pair',
      { service: { cpu: '1 vCPU', memory: '0.5 GB' } },
      'service.memory',
      '"0.5 GB"',
      'with cpu 1 vCPU: 2 GB, 3 GB, 4 GB',
    ],
    [
      'health check out of range',
      { service: { healthCheck: { intervalSeconds: 21 } } },
      'service.healthCheck.intervalSeconds',
      '21',
      'from 1 to 20',
    ],
    [
      'health timeout above interval',
      { service: { healthCheck: { intervalSeconds: 2, timeoutSeconds: 5 } } },
      'service.healthCheck.timeoutSeconds',
      '5',
      'at most healthCheck.intervalSeconds',
    ],
    [
      'scaling min above max',
      { service: { autoScaling: { minSize: 3, maxSize: 2 } } },
      'service.autoScaling.minSize',
      '3',
      'at most autoScaling.maxSize',
    ],
    [
      'private ECR type with a public image',
      { service: { image: { repositoryType: 'ECR' } } },
      'service.image.identifier',
      'public.ecr.aws',
      'a private ECR URI',
    ],
    [
      'start command on two lines',
      { service: { startCommand: 'node\napp.js' } },
      'service.startCommand',
      '"node\\napp.js"',
      'a single line',
    ],
    ['name prefix with capitals', { namePrefix: 'Edge' }, 'namePrefix', '"Edge"', '3 to 24 characters'],
    [
      'absolute local state path',
      { backend: { type: 'local', path: '/home/me/state.tfstate' } },
      'backend.path',
      '"/home/me/state.tfstate"',
      'a relative path',
    ],
    ['unknown backend', { backend: { type: 'gcs' } }, 'backend.type', '"gcs"', 'type "local" or "s3"'],
    [
      's3 backend without a bucket',
      { backend: { type: 's3', key: 'k', region: 'us-east-1' } },
      'backend.bucket',
      '(missing)',
      'an S3 bucket name',
    ],
    ['bad alert email', { monitoring: { alertEmails: ['ops'] } }, 'monitoring.alertEmails.0', '"ops"', 'an email address'],
    [
      'alarm period shorter than the metrics',
      { monitoring: { periodSeconds: 30 } },
      'monitoring.periodSeconds',
      '30',
      'a multiple of 60 seconds',
    ],
    ['misspelled field', { failover: { readTimeout: 5 } }, 'failover.readTimeout', '5', 'unknown field'],
    [
      'an environment variable App Runner reserves',
      { service: { environment: { PORT: '9000' } } },
      'service.environment.PORT',
      '"PORT"',
      'other than PORT',
    ],
    [
      'more datapoints than evaluation periods',
      { monitoring: { evaluationPeriods: 2, datapointsToAlarm: 3 } },
      'monitoring.datapointsToAlarm',
      '3',
      'an integer from 1 to evaluationPeriods (2)',
    ],
    [
      'an alarm window over one day',
      { monitoring: { periodSeconds: 86_400, evaluationPeriods: 2, datapointsToAlarm: 1 } },
      'monitoring.evaluationPeriods',
      '2',
      'at most 1 with a 86400 s period',
    ],
    [
      'evaluation periods above a day of minutes',
      { monitoring: { evaluationPeriods: 1441 } },
      'monitoring.evaluationPeriods',
      '1441',
      'from 1 to 1440',
    ],
  ];

  test.each(cases)('%s', (_name, overrides, field, value, allowed) => {
    const err = rejection(() => load(overrides));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.field).toBe(field);
    expect(err.message).toContain(field);
    expect(err.message).toContain(value);
    expect(err.message).toContain(allowed);
  });

  test('a rejection is a usage error (exit 2) whose allowed text is not doubled', async () => {
    const { exitCodeOf, InputError } = await import('../../core/errors.js');
    const err = rejection(() => load({ failover: { connectionAttempts: 5 } }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.kind).toBe('usage');
    expect(exitCodeOf(err)).toBe(2);
    expect(err.message).toBe('Invalid configuration: failover.connectionAttempts (from overrides) = 5: allowed: an integer from 1 to 3');
    for (const p of rejection(() => load({ regions: { primary: 'x' }, namePrefix: 'A', failover: { nope: 1 } })).problems) {
      expect(p.allowed).not.toMatch(/^allowed/);
    }
  });

  test('several bad values are reported together', () => {
    const err = rejection(() => load({ failover: { connectionAttempts: 0, readTimeoutSeconds: 0 } }));
    expect(err.problems.map((p) => p.field).sort()).toEqual(['failover.connectionAttempts', 'failover.readTimeoutSeconds']);
  });

  test('the origin-verify secret is never echoed', () => {
    const err = rejection(() => load({ failover: { originVerify: { secret: 'hunter2' } } }));
    expect(err.message).not.toContain('hunter2');
    expect(err.message).toContain('16 to 1783 printable characters');
  });

  test('a newer App Runner region is accepted once declared', () => {
    const c = load({ regions: { secondary: 'eu-central-1', additionalAppRunnerRegions: ['eu-central-1'] } });
    expect(c.regions.secondary).toBe('eu-central-1');
  });
});

describe('load order: defaults, file, context, environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ef-config-'));
  const file = join(dir, 'edge.json');
  writeFileSync(file, JSON.stringify({ namePrefix: 'from-file', failover: { readTimeoutSeconds: 7, connectionAttempts: 2 } }));

  test('a file overrides defaults, and merges with them', () => {
    const c = loadConfig({ env: {}, file });
    expect(c.namePrefix).toBe('from-file');
    expect(c.failover.readTimeoutSeconds).toBe(7);
    expect(c.failover.connectionTimeoutSeconds).toBe(2);
  });

  test('cdktf context overrides the file', () => {
    const context = (key: string) => (key === 'edgeFailover' ? { failover: { readTimeoutSeconds: 9 } } : undefined);
    const c = loadConfig({ env: {}, file, context });
    expect(c.failover.readTimeoutSeconds).toBe(9);
    expect(c.failover.connectionAttempts).toBe(2);
  });

  test('environment variables override everything before them', () => {
    const c = loadConfig({
      env: { EDGE_FAILOVER_CONFIG: file, EDGE_FAILOVER_READ_TIMEOUT: '11', EDGE_FAILOVER_FAILOVER_CODES: '404, 503' },
    });
    expect(c.namePrefix).toBe('from-file');
    expect(c.failover.readTimeoutSeconds).toBe(11);
    expect(c.failover.statusCodes).toEqual([404, 503]);
  });

  test('an error names the environment variable a bad value came from', () => {
    const err = rejection(() => loadConfig({ env: { EDGE_FAILOVER_CONNECTION_ATTEMPTS: 'three' } }));
    expect(err.message).toContain('failover.connectionAttempts (from env EDGE_FAILOVER_CONNECTION_ATTEMPTS) = "three"');
  });

  test('an error names the file a bad value came from', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ failover: { connectionAttempts: 4 } }));
    expect(() => loadConfig({ env: {}, file: bad })).toThrow(`failover.connectionAttempts (from file ${bad}) = 4`);
  });

  test('a missing file is a config error, not a crash', () => {
    expect(() => loadConfig({ env: {}, file: join(dir, 'nope.json') })).toThrow(
      /configFile = ".*nope.json": allowed: a readable JSON file \(ENOENT\)/,
    );
  });

  test('a file that is not JSON is a config error', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'primary: us-east-1');
    expect(() => loadConfig({ env: {}, file: bad })).toThrow(/allowed: valid JSON/);
  });

  test('parseConfig accepts a complete object as the stacks read it', () => {
    const c = load({});
    expect(parseConfig(c)).toEqual(c);
  });
});
