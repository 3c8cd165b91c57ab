import { join } from 'node:path';
import { AwsCli } from './aws-cli.js';
import type { WaitOptions } from './waits.js';
import { Terraform, type TerraformTimeouts } from './terraform.js';

/** How the AWS target, `down` and `recover` run terraform and the AWS CLI. */
export interface AwsToolOptions {
  /** The AWS CLI v2 executable. @default 'aws' */
  readonly awsCli?: string;
  /** The terraform executable. @default 'terraform' */
  readonly terraform?: string;
  /** AWS named profile, for both aws (--profile) and terraform (AWS_PROFILE). @default none */
  readonly profile?: string;
  /** --endpoint-url for every AWS CLI call (LocalStack-style endpoints, tests). @default AWS's endpoints */
  readonly endpointUrl?: string;
  /** Extra environment for aws and terraform. @default none */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly waits?: WaitOptions;
  readonly terraformTimeouts?: TerraformTimeouts;
  /** Attempts and first delay for terraform apply/destroy on transient errors. @default 3, 15_000 */
  readonly terraformAttempts?: number;
  readonly terraformRetryDelayMs?: number;
  /** Attempts and first delay for one AWS CLI call on transient errors. @default 4, 2_000 */
  readonly awsAttempts?: number;
  readonly awsRetryDelayMs?: number;
  /** Bound of one AWS CLI call. @default 60_000 */
  readonly awsCallTimeoutMs?: number;
  /** Wait before re-checking leftovers the tagging API still lists after destroy. @default 60_000 */
  readonly leakSettleMs?: number;
  readonly log?: (message: string) => void;
}

export interface AwsTools {
  readonly cli: AwsCli;
  readonly terraform: Terraform;
}

/**
 * The one place the tool wrappers are built from the options: the target, `down` and
 * `recover` all get theirs here. aws.log and terraform.log go to logDir.
 */
export function createTools(
  options: AwsToolOptions,
  where: { readonly stackDir: string; readonly varFiles?: readonly string[]; readonly logDir: string },
): AwsTools {
  const env = { ...(options.profile !== undefined ? { AWS_PROFILE: options.profile } : {}), ...options.env };
  return {
    cli: new AwsCli({
      binary: options.awsCli,
      profile: options.profile,
      endpointUrl: options.endpointUrl,
      env: options.env,
      timeoutMs: options.awsCallTimeoutMs,
      attempts: options.awsAttempts,
      retryDelayMs: options.awsRetryDelayMs,
      logFile: join(where.logDir, 'aws.log'),
      log: options.log,
    }),
    terraform: new Terraform({
      stackDir: where.stackDir,
      binary: options.terraform,
      varFiles: where.varFiles,
      logFile: join(where.logDir, 'terraform.log'),
      env,
      timeouts: options.terraformTimeouts,
      attempts: options.terraformAttempts,
      retryDelayMs: options.terraformRetryDelayMs,
      log: options.log,
    }),
  };
}
