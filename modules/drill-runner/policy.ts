/**
 * The drill runner's least-privilege IAM policy as plain data: every call the drill harness makes
 * against a deployed stack, scoped to that stack's services, distribution and alarms.
 */
import { EdgeFailoverError } from '../../core/errors.js';
import type { PolicyStatement } from '../policy-statement.js';
import { COMPUTE_BACKEND_REGISTRY, computeBackendOf, type ComputeScope } from '../compute/registry.js';

/**
 * Every AWS API call the drill harness makes against a deployed stack, whatever its compute
 * backend, and why; each backend's own calls are in modules/compute/registry.ts. Provisioning
 * (terraform apply/destroy) is not in here: it needs the deploy permissions of whoever runs terraform.
 */
export const DRILL_RUNNER_ACTIONS = {
  /** Waits for the distribution to be Deployed, and reads its configuration for the preflight (harness/targets/aws/checks/inspect.ts). */
  distribution: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig'],
  /** Reads an origin request policy that is not a managed one, when a behavior uses it: does it forward Host? (checks/behavior-checks.ts) */
  policies: ['cloudfront:GetOriginRequestPolicy'],
  /**
   * Reads the alarms' states and actions (the alarm phase waits for them and watches the guards; the
   * report says whether operators were told) and their history (each transition's own timestamp).
   */
  alarms: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
  /** Names the account in the report (STS allows this call whatever the policy says). */
  identity: ['sts:GetCallerIdentity'],
  /** Finds leftovers by the project's tags after a teardown. */
  leftovers: ['tag:GetResources'],
} as const;

/**
 * Reading a deployed stack's outputs from an S3 state (`terraform init` and `terraform output` in existing mode):
 * s3:ListBucket on the bucket and s3:GetObject on the state key, as Terraform's S3 backend documentation lists
 * them (https://developer.hashicorp.com/terraform/language/backend/s3). Read only: the drill never writes state
 * in existing mode, so no PutObject or lock-file rights.
 */
export const STATE_READ_ACTIONS = { bucket: ['s3:ListBucket'], object: ['s3:GetObject'] } as const;

/** Actions whose API has no resource-level permissions: IAM only accepts Resource "*" for them. */
export const UNSCOPABLE_ACTIONS = ['sts:GetCallerIdentity', 'tag:GetResources'] as const;

export interface DrillRunnerScope extends ComputeScope {
  readonly distributionArn: string;
  /** The account's origin request policies (arn:...:origin-request-policy/*): the preflight reads a behavior's custom one. */
  readonly originRequestPolicyArn: string;
  /**
   * This stack's alarms: the harness lists them by name prefix in each alarm region, so these
   * are name-pattern ARNs (arn:...:alarm:<prefix>-*), one per region, rather than exact ARNs.
   */
  readonly alarmArns: readonly string[];
  /** The services' compute backend, a key of the registry given (modules/compute/registry.ts). @default 'apprunner' */
  readonly backend?: string;
  /** The stack's S3 state, which existing-mode drills read the outputs from. @default - a local state: nothing to grant */
  readonly state?: { readonly bucketArn: string; readonly objectArn: string };
}

/** The policy's statements; `backends` holds the compute backend `scope.backend` names (the built-in ones unless given). */
export function drillRunnerStatements(scope: DrillRunnerScope, backends = COMPUTE_BACKEND_REGISTRY): PolicyStatement[] {
  if (scope.serviceArns.length === 0)
    throw new EdgeFailoverError('internal', 'drillRunnerStatements needs the service ARNs to scope the compute actions to');
  if (scope.alarmArns.length === 0)
    throw new EdgeFailoverError('internal', 'drillRunnerStatements needs the alarm ARNs to scope cloudwatch:DescribeAlarms to');
  const compute = computeBackendOf(scope, backends).drillRunner.statements(scope);
  const state: PolicyStatement[] =
    scope.state === undefined
      ? []
      : [
          { sid: 'ListThisStacksStateBucket', effect: 'Allow', actions: [...STATE_READ_ACTIONS.bucket], resources: [scope.state.bucketArn] },
          { sid: 'ReadThisStacksState', effect: 'Allow', actions: [...STATE_READ_ACTIONS.object], resources: [scope.state.objectArn] },
        ];
  return [
    ...compute,
    ...state,
    {
      sid: 'ReadThisStacksDistribution',
      effect: 'Allow',
      actions: [...DRILL_RUNNER_ACTIONS.distribution],
      resources: [scope.distributionArn],
    },
    {
      sid: 'ReadOriginRequestPolicies',
      effect: 'Allow',
      actions: [...DRILL_RUNNER_ACTIONS.policies],
      resources: [scope.originRequestPolicyArn],
    },
    {
      sid: 'ReadThisStacksAlarms',
      effect: 'Allow',
      actions: [...DRILL_RUNNER_ACTIONS.alarms],
      resources: [...scope.alarmArns],
    },
    {
      sid: 'IdentifyCaller',
      effect: 'Allow',
      actions: [...DRILL_RUNNER_ACTIONS.identity],
      resources: ['*'],
    },
    {
      sid: 'FindLeftoversByTagInStackRegions',
      effect: 'Allow',
      actions: [...DRILL_RUNNER_ACTIONS.leftovers],
      resources: ['*'],
      conditions: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: [...new Set(scope.regions)] }],
    },
  ];
}
