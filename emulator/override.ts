/**
 * The Terraform override that points a synthesized stack at the emulated AWS: the provider
 * version the machine's mirror has, every endpoint the stack uses through one URL, fake
 * credentials and the skip settings. Written beside cdk.tf.json; the synthesized JSON is untouched.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_CREDENTIALS } from './world.js';

/** The provider's endpoint keys for every service the stack and the provider call. */
export const ENDPOINT_SERVICES = ['apprunner', 'cloudfront', 'cloudwatch', 'events', 'iam', 'kms', 'resourcegroupstaggingapi', 'route53', 'sns', 'sts'] as const;

export interface OverrideOptions {
  readonly endpoint: string;
  /** The hashicorp/aws version to require (the mirror's). */
  readonly providerVersion: string;
  /** Provider aliases in the stack. @default ['primary', 'secondary'] */
  readonly aliases?: readonly string[];
}

export function emulatorOverride(o: OverrideOptions): Record<string, unknown> {
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: o.providerVersion } } },
    provider: {
      aws: (o.aliases ?? ['primary', 'secondary']).map((alias) => ({
        alias,
        access_key: FAKE_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secret_key: FAKE_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
        skip_credentials_validation: true,
        skip_requesting_account_id: false,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        endpoints: [Object.fromEntries(ENDPOINT_SERVICES.map((s) => [s, o.endpoint]))],
      })),
    },
  };
}

/** Writes `zz_emulated_aws_override.tf.json` into dir and returns its path. */
export function writeEmulatorOverride(dir: string, o: OverrideOptions): string {
  const path = join(dir, 'zz_emulated_aws_override.tf.json');
  writeFileSync(path, `${JSON.stringify(emulatorOverride(o), null, 2)}\n`);
  return path;
}
