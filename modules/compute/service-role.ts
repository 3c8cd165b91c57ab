import type { Construct } from 'constructs';
import { Fn, type TerraformProvider } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter/index.js';
import type { SecretStore } from '../../core/aws-facts.js';
import { nameAfterPath } from '../naming.js';

export interface ServiceRoleProps {
  readonly provider: TerraformProvider;
  readonly name: string;
  readonly description: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/** An IAM role that one AWS service principal (e.g. `ecs-tasks.amazonaws.com`) may assume. */
export function serviceRole(scope: Construct, id: string, principal: string, props: ServiceRoleProps): IamRole {
  return nameAfterPath(
    new IamRole(scope, id, {
      provider: props.provider,
      name: props.name,
      description: props.description,
      assumeRolePolicy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole' }],
      }),
      tags: props.tags,
    }),
  );
}

export interface SecretEnvironmentProps {
  readonly provider: TerraformProvider;
  /** The service the secrets belong to: their names are `<owner>/<NAME>` (Secrets Manager) or `/<owner>/<NAME>` (SSM). */
  readonly owner: string;
  /** Environment variable name -> sensitive value (a token allowed). */
  readonly secretEnvironment?: Record<string, string>;
  /** @default 'secrets-manager' */
  readonly store?: SecretStore;
  /** Said in each secret's description, e.g. "the App Runner service". */
  readonly ownerKind: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/** What a service references for its secret environment. */
export interface StoredSecretEnvironment {
  /** Variable name -> ARN of the secret or parameter holding it (absent with plain text or no secrets). */
  readonly references?: Record<string, string>;
  /** With the plain-text opt-out: the values themselves, for ordinary environment variables. */
  readonly plainText?: Record<string, string>;
}

/**
 * Puts a service's secret environment into its store (Secrets Manager secrets or SSM SecureString
 * parameters) and returns what the service references; `plain-text` returns the values as they are.
 */
export function storeSecretEnvironment(scope: Construct, props: SecretEnvironmentProps): StoredSecretEnvironment {
  const entries = Object.entries(props.secretEnvironment ?? {});
  if (entries.length === 0) return {};
  const store = props.store ?? 'secrets-manager';
  if (store === 'plain-text') return { plainText: Object.fromEntries(entries) };
  const references: Record<string, string> = {};
  for (const [name, value] of entries) {
    const id = `secret-${name.toLowerCase().replace(/_/g, '-')}`;
    const description = `${name} for ${props.ownerKind} ${props.owner}`;
    if (store === 'secrets-manager') {
      const secret = nameAfterPath(
        new SecretsmanagerSecret(scope, id, {
          provider: props.provider,
          name: `${props.owner}/${name}`,
          description,
          // Deleted at once on destroy, so an ephemeral stack of the same name can be re-created.
          recoveryWindowInDays: 0,
          tags: props.tags,
        }),
      );
      nameAfterPath(
        new SecretsmanagerSecretVersion(scope, `${id}-value`, { provider: props.provider, secretId: secret.id, secretString: value }),
      );
      references[name] = secret.arn;
    } else {
      const parameter = nameAfterPath(
        new SsmParameter(scope, id, {
          provider: props.provider,
          name: `/${props.owner}/${name}`,
          description,
          type: 'SecureString',
          value,
          tags: props.tags,
        }),
      );
      references[name] = parameter.arn;
    }
  }
  return { references };
}

/** An inline policy letting `role` read exactly the stored secrets: the store's read actions on their ARNs. */
export function grantSecretRead(
  scope: Construct,
  id: string,
  props: {
    readonly provider: TerraformProvider;
    readonly role: IamRole;
    readonly policyName: string;
    readonly actions: readonly string[];
    readonly references: Record<string, string>;
  },
): IamRolePolicy {
  return nameAfterPath(
    new IamRolePolicy(scope, id, {
      provider: props.provider,
      name: props.policyName,
      role: props.role.id,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: [...props.actions], Resource: Object.values(props.references) }],
      }),
    }),
  );
}
