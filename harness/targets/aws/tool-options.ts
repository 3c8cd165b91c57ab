import type { WaitOptions } from './app-runner.js';
import type { TerraformTimeouts } from './terraform.js';

/** How the AWS target and `recover` run terraform and the AWS CLI. */
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
  /** Wait before re-checking leftovers the tagging API still lists after destroy. @default 60_000 */
  readonly leakSettleMs?: number;
  readonly log?: (message: string) => void;
}
