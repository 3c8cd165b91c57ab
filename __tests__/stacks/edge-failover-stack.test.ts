import '../support/cdktf-matchers.js';
import {
  CONNECTION_ATTEMPTS,
  CONNECTION_TIMEOUT_SECONDS,
  ORIGIN_READ_TIMEOUT_SECONDS,
  isReservedAppRunnerEnvName,
  type IntRange,
} from '../../core/aws-facts.js';
import { ConstructValidationError, exitCodeOf } from '../../core/errors.js';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service/index.js';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution/index.js';
import { loadConfig, type EdgeFailoverConfigInput } from '../../config/index.js';
import { EdgeFailoverStack, OUTPUTS } from '../../stacks/edge-failover-stack.js';
import { synthesize } from '../../stacks/synth.js';
import { PROBE_APP_START_COMMAND } from '../../app/launch.js';

type Json = Record<string, any>;

function synthStack(overrides: EdgeFailoverConfigInput = {}) {
  const stack = new EdgeFailoverStack(Testing.app(), 'test', { config: loadConfig({ env: {}, overrides }) });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as Json };
}

describe('EdgeFailoverStack', () => {
  const { synth, json } = synthStack();

  test('has one aliased AWS provider per region', () => {
    expect(synth).toHaveProviderWithProperties(AwsProvider, { alias: 'primary', region: 'us-east-1' });
    expect(synth).toHaveProviderWithProperties(AwsProvider, { alias: 'secondary', region: 'us-west-2' });
    expect(json.provider.aws).toHaveLength(2);
  });

  test('tags everything it creates as managed by the project', () => {
    for (const p of json.provider.aws) {
      expect(p.default_tags[0].tags).toMatchObject({ ManagedBy: 'edge-failover', EdgeFailoverStack: 'test' });
    }
  });

  test('each service uses the provider of its region, and CloudFront the us-east-1 one', () => {
    expect(json.resource.aws_apprunner_service.primary_service.provider).toBe('aws.primary');
    expect(json.resource.aws_apprunner_service.secondary_service.provider).toBe('aws.secondary');
    expect(json.resource.aws_cloudfront_distribution.edge_distribution.provider).toBe('aws.primary');
  });

  test('CloudFront gets its own us-east-1 provider when neither region is us-east-1', () => {
    const { synth: s, json: j } = synthStack({ regions: { primary: 'us-east-2', secondary: 'us-west-2' } });
    expect(s).toHaveProviderWithProperties(AwsProvider, { alias: 'global', region: 'us-east-1' });
    expect(j.resource.aws_cloudfront_distribution.edge_distribution.provider).toBe('aws.global');
    expect(j.resource.aws_apprunner_service.primary_service.provider).toBe('aws.primary');
  });

  test('the edge reads its failover settings from Terraform variables whose defaults come from the config', () => {
    const d = json.resource.aws_cloudfront_distribution.edge_distribution;
    expect(d.origin_group[0].failover_criteria.status_codes).toBe('${var.failover_status_codes}');
    expect(d.origin[0].connection_attempts).toBe('${var.origin_connection_attempts}');
    expect(json.variable.failover_status_codes.default).toEqual([404, 500, 502, 503, 504]);
    expect(json.variable.origin_connection_attempts.default).toBe(1);
    expect(json.variable.origin_connection_timeout.default).toBe(2);
    expect(json.variable.origin_read_timeout.default).toBe(5);
    expect(json.variable.image.default).toBe('public.ecr.aws/docker/library/node:20-alpine');
    expect(json.variable.alert_emails.type).toBe('list(string)');
  });

  test('each ranged variable validates exactly the range the config schema accepts', () => {
    const ranges: [string, string, IntRange][] = [
      ['origin_connection_attempts', 'connectionAttempts', CONNECTION_ATTEMPTS],
      ['origin_connection_timeout', 'connectionTimeoutSeconds', CONNECTION_TIMEOUT_SECONDS],
      ['origin_read_timeout', 'readTimeoutSeconds', ORIGIN_READ_TIMEOUT_SECONDS],
    ];
    for (const [variable, field, r] of ranges) {
      const condition = json.variable[variable].validation[0].condition as string;
      expect(condition).toContain(`var.${variable} >= ${r.min} && var.${variable} <= ${r.max}`);
      // The schema accepts the ends and refuses one past them.
      const at = (v: number) => () => loadConfig({ env: {}, overrides: { failover: { [field]: v } } });
      expect(at(r.min)).not.toThrow();
      expect(at(r.max)).not.toThrow();
      expect(at(r.max + 1)).toThrow(`an integer from ${r.min} to ${r.max}`);
    }
  });

  test('variables carry validation blocks that mirror the config schema', () => {
    expect(json.variable.origin_connection_attempts.validation[0].condition).toContain('var.origin_connection_attempts <= 3');
    expect(json.variable.failover_status_codes.validation[0].condition).toContain(
      'contains([400, 403, 404, 416, 500, 502, 503, 504], code)',
    );
  });

  test('the services run the probe app from the stock image through its start command', () => {
    expect(synth).toHaveResourceWithProperties(ApprunnerService, {
      service_name: 'edge-failover-primary',
      source_configuration: expect.objectContaining({
        image_repository: expect.objectContaining({
          image_identifier: '${var.image}',
          image_configuration: expect.objectContaining({
            start_command: PROBE_APP_START_COMMAND,
            port: '8080',
            runtime_environment_variables: expect.objectContaining({ PROBE_ROLE: 'primary', PROBE_REGION: 'us-east-1' }),
          }),
        }),
      }),
    });
  });

  test('no service sets an environment variable App Runner reserves (PORT comes from the port)', () => {
    const tf = JSON.parse(synth) as {
      resource: {
        aws_apprunner_service: Record<
          string,
          {
            source_configuration: { image_repository: { image_configuration: { runtime_environment_variables?: Record<string, string> } } };
          }
        >;
      };
    };
    const services = Object.values(tf.resource.aws_apprunner_service);
    expect(services).toHaveLength(2);
    for (const svc of services) {
      const env = svc.source_configuration.image_repository.image_configuration.runtime_environment_variables ?? {};
      expect(Object.keys(env).filter(isReservedAppRunnerEnvName)).toEqual([]);
    }
  });

  test('a configured origin-verify secret becomes a sensitive variable used by the edge and both apps', () => {
    const { json: j } = synthStack({ failover: { originVerify: { secret: 'a-long-enough-secret' } } });
    expect(j.variable.origin_verify_secret).toMatchObject({ sensitive: true, type: 'string' });
    for (const o of j.resource.aws_cloudfront_distribution.edge_distribution.origin) {
      expect(o.custom_header).toEqual([{ name: 'x-origin-verify', value: '${var.origin_verify_secret}' }]);
    }
    const image = j.resource.aws_apprunner_service.secondary_service.source_configuration.image_repository.image_configuration;
    // By default the apps read it from Secrets Manager, not from a plain-text variable.
    expect(image.runtime_environment_variables.ORIGIN_VERIFY_SECRET).toBeUndefined();
    expect(image.runtime_environment_secrets.ORIGIN_VERIFY_SECRET).toMatch(/^\$\{aws_secretsmanager_secret\.\w+\.arn\}$/);
    const versions = Object.values(j.resource.aws_secretsmanager_secret_version as Record<string, { secret_string: string }>);
    expect(versions.map((v) => v.secret_string)).toEqual(['${var.origin_verify_secret}', '${var.origin_verify_secret}']);
  });

  test.each(Object.values(OUTPUTS))('declares the output %s with a description', (name) => {
    expect(json.output[name]).toEqual(expect.objectContaining({ value: expect.any(String), description: expect.any(String) }));
  });

  test('the distribution exists with the origin group as its default target', () => {
    expect(synth).toHaveResourceWithProperties(CloudfrontDistribution, {
      default_cache_behavior: expect.objectContaining({ target_origin_id: 'app-failover' }),
    });
  });

  test('local state sits at a relative path', () => {
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
  });

  test('an S3 backend can be chosen, with S3-native locking', () => {
    const { json: j } = synthStack({ backend: { type: 's3', bucket: 'my-state', key: 'edge/terraform.tfstate', region: 'us-east-1' } });
    expect(j.terraform.backend).toEqual({
      s3: { bucket: 'my-state', key: 'edge/terraform.tfstate', region: 'us-east-1', encrypt: true, use_lockfile: true },
    });
  });

  test('with an S3 backend the drill runner may read the state its outputs come from, and nothing else of the bucket', () => {
    type Doc = { statement: { actions: string[]; resources: string[] }[] };
    const docs = (j: { data?: { aws_iam_policy_document?: Record<string, Doc> } }) => Object.values(j.data?.aws_iam_policy_document ?? {});
    const s3Statements = (j: Parameters<typeof docs>[0]) =>
      docs(j).flatMap((d) => d.statement.filter((st) => st.actions.some((a) => a.startsWith('s3:'))));
    const { json: j } = synthStack({ backend: { type: 's3', bucket: 'my-state', key: 'edge/terraform.tfstate', region: 'us-east-1' } });
    expect(s3Statements(j).map((st) => [st.actions, st.resources])).toEqual([
      [['s3:ListBucket'], ['arn:${data.aws_partition.monitoring_partition.partition}:s3:::my-state']],
      [['s3:GetObject'], ['arn:${data.aws_partition.monitoring_partition.partition}:s3:::my-state/edge/terraform.tfstate']],
    ]);
    expect(s3Statements(json)).toEqual([]);
  });
});

describe('bad input ends as a usage error (exit 2) before anything is written', () => {
  test('a writePaths of /* is refused by the config', () => {
    expect(() => loadConfig({ env: {}, overrides: { failover: { writePaths: ['/*'] } } })).toThrow(
      /failover\.writePaths\.0 \(from overrides\) = "\/\*": allowed: a narrower pattern/,
    );
  });

  test('and by the construct, when the config is bypassed', () => {
    const config = { ...loadConfig({ env: {} }) };
    const bad = { ...config, failover: { ...config.failover, writePaths: ['/*'] } };
    let err: unknown;
    try {
      new EdgeFailoverStack(Testing.app(), 'test', { config: bad });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConstructValidationError);
    expect(exitCodeOf(err)).toBe(2);
    expect(String((err as Error).message)).toContain('test/edge');
  });

  test('a reserved environment variable is refused by the config', () => {
    const err = (() => {
      try {
        loadConfig({ env: {}, overrides: { service: { environment: { PORT: '1' } } } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(exitCodeOf(err)).toBe(2);
    expect(String(err)).toContain('service.environment.PORT');
  });
});

describe('synthesized output', () => {
  test('contains no absolute path from the machine that ran synth', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'ef-synth-'));
    const { tfJsonPath } = synthesize(loadConfig({ env: {} }), outdir);
    const text = readFileSync(tfJsonPath, 'utf8');
    for (const local of [outdir, process.cwd(), tmpdir(), process.env.HOME ?? '/root']) expect(text).not.toContain(local);
  });

  test('a bad value stops `cdktf synth` before anything is written', async () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'ef-bad-')), 'cdktf.out');
    const result = await execa('npx', ['tsx', 'main.ts'], {
      reject: false,
      env: { CDKTF_OUTDIR: outdir, EDGE_FAILOVER_READ_TIMEOUT: '90' },
      timeout: 60_000,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'failover.readTimeoutSeconds (from env EDGE_FAILOVER_READ_TIMEOUT) = 90: allowed: an integer from 1 to 60',
    );
    expect(existsSync(outdir)).toBe(false);
  });
});
