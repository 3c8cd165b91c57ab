/** AppRunnerRegionalService's secrets path: runtime_environment_secrets from a store, with an instance role; plain text only as an opt-out. */
import '../../support/cdktf-matchers.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter/index.js';
import { APP_RUNNER_SECRETS } from '../../../core/aws-facts.js';
import type { RegionalServiceProps } from '../../../modules/compute/app-runner.js';
import { buildService } from './app-runner-fixture.js';
import { loadConfig } from '../../../config/index.js';
import { synthesize } from '../../../stacks/synth.js';
import { edgeRulesFrom } from '../../../harness/cloudfront/stack-rules.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECRET = 'a-secret-value-0123456789';

function build(overrides: Partial<RegionalServiceProps> = {}) {
  const { service, synth } = buildService({ secretEnvironment: { ORIGIN_VERIFY_SECRET: SECRET }, ...overrides });
  return { service, synth, json: JSON.parse(synth) as { resource: Record<string, Record<string, Record<string, unknown>>> } };
}

test('by default a secret lives in Secrets Manager and reaches the service as a runtime environment secret', () => {
  const { synth, json } = build();
  expect(synth).toHaveResourceWithProperties(SecretsmanagerSecret, { name: 'shop-secondary/ORIGIN_VERIFY_SECRET', provider: 'aws.west' });
  expect(synth).toHaveResourceWithProperties(SecretsmanagerSecretVersion, { secret_string: SECRET });
  const service = Object.values(json.resource.aws_apprunner_service!)[0] as {
    source_configuration: { image_repository: { image_configuration: Record<string, Record<string, string>> } };
    instance_configuration: { instance_role_arn: string };
  };
  const image = service.source_configuration.image_repository.image_configuration;
  expect(image.runtime_environment_variables).toEqual({ MODE: 'test' });
  expect(image.runtime_environment_secrets!.ORIGIN_VERIFY_SECRET).toMatch(/^\$\{aws_secretsmanager_secret\.\w+\.arn\}$/);
  expect(service.instance_configuration.instance_role_arn).toMatch(/^\$\{aws_iam_role\.\w+\.arn\}$/);
  expect(JSON.stringify(service)).not.toContain(SECRET);
});

test('the instance role is assumable by App Runner tasks and may read exactly the secret', () => {
  const { synth, json } = build();
  expect(synth).toHaveResourceWithProperties(IamRole, { name: 'shop-secondary-instance' });
  const role = Object.values(json.resource.aws_iam_role!)[0] as { assume_role_policy: string };
  expect(role.assume_role_policy).toContain(APP_RUNNER_SECRETS.instanceRolePrincipal);
  const policy = Object.values(json.resource.aws_iam_role_policy!)[0] as { policy: string };
  expect(policy.policy).toContain('secretsmanager:GetSecretValue');
  expect(policy.policy).toMatch(/aws_secretsmanager_secret\.\w+\.arn/);
  expect(synth).toHaveResource(IamRolePolicy);
});

test('ssm-parameter keeps it in a SecureString parameter read with ssm:GetParameters', () => {
  const { synth, json } = build({ secretStore: 'ssm-parameter' });
  expect(synth).toHaveResourceWithProperties(SsmParameter, {
    name: '/shop-secondary/ORIGIN_VERIFY_SECRET',
    type: 'SecureString',
    value: SECRET,
  });
  expect(synth).not.toHaveResource(SecretsmanagerSecret);
  const policy = Object.values(json.resource.aws_iam_role_policy!)[0] as { policy: string };
  expect(policy.policy).toContain('ssm:GetParameters');
});

test('plain text is an explicit opt-out: no store, no instance role', () => {
  const { synth, json } = build({ secretStore: 'plain-text' });
  const service = Object.values(json.resource.aws_apprunner_service!)[0] as {
    source_configuration: { image_repository: { image_configuration: Record<string, unknown> } };
  };
  expect(service.source_configuration.image_repository.image_configuration.runtime_environment_variables).toEqual({
    MODE: 'test',
    ORIGIN_VERIFY_SECRET: SECRET,
  });
  expect(synth).not.toHaveResource(SecretsmanagerSecret);
  expect(synth).not.toHaveResource(IamRole);
});

test('without secrets nothing is added', () => {
  const { synth } = build({ secretEnvironment: undefined });
  expect(synth).not.toHaveResource(SecretsmanagerSecret);
  expect(synth).not.toHaveResource(IamRole);
});

test('the local world still gives its origins the secret, read through the store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-store-'));
  try {
    for (const secretStore of ['secrets-manager', 'ssm-parameter', 'plain-text'] as const) {
      const config = loadConfig({ env: {}, overrides: { failover: { originVerify: { secret: SECRET, secretStore } } } });
      const r = synthesize(config, join(dir, secretStore));
      const tf = JSON.parse(readFileSync(r.tfJsonPath, 'utf8'));
      const rules = edgeRulesFrom(tf, { tfJsonPath: r.tfJsonPath });
      expect({ secretStore, env: rules.origins.primary.serviceEnvironment.ORIGIN_VERIFY_SECRET }).toEqual({ secretStore, env: SECRET });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
