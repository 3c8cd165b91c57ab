/**
 * The drill runner's least-privilege IAM policy as plain data: every call the drill harness makes
 * against a deployed stack, scoped to that stack's services, distribution and alarms.
 */
import { EdgeFailoverError } from '../../core/errors.js';
import type { PolicyStatement } from '../policy-statement.js';

/**
 * Every AWS API call the drill harness makes against a deployed stack, and why. Provisioning
 * (terraform apply/destroy) is not in here: it needs the deploy permissions of whoever runs
 * terraform.
 */
export const DRILL_RUNNER_ACTIONS = {
  /** Injects the fault: pause the primary, and resume it for failback. */
  pause: ['apprunner:PauseService', 'apprunner:ResumeService'],
  /** Polls until the service is PAUSED or RUNNING, reads the operation's outcome, and checks the service's tags before pausing it. */
  observe: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
  /** Waits for the distribution to be Deployed, and reads its configuration for the preflight (harness/targets/aws/checks/inspect.ts). */
  distribution: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig'],
  /** Reads an origin request policy that is not a managed one, when a behavior uses it: does it forward Host? (checks/behavior-checks.ts) */
  policies: ['cloudfront:GetOriginRequestPolicy'],
  /** Reads the alarms' states to report whether operators were told. */
  alarms: ['cloudwatch:DescribeAlarms'],
  /** Names the account in the report (STS allows this call whatever the policy says). */
  identity: ['sts:GetCallerIdentity'],
  /** Finds leftovers by the project's tags after a teardown. */
  leftovers: ['tag:GetResources'],
} as const;

/**
 * With service.backend "ecs-express", the calls that replace the App Runner ones: the fault is the service's
 * ALB listener rule changed to a fixed-response 503 and restored (docs/aws-behaviour.md#alb-listener-rules-and-fail-open).
 */
export const ECS_DRILL_RUNNER_ACTIONS = {
  /** Reads the Express service's ECS service (its target group) and tags. */
  observe: ['ecs:DescribeServices', 'ecs:ListTagsForResource'],
  /** Finds the listener rule: target group -> load balancer -> listeners -> rules. No resource-level permissions. */
  find: ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules'],
  /** Injects the fixed-response 503 and restores the journaled actions. */
  fault: ['elasticloadbalancing:ModifyRule'],
} as const;

/** Actions whose API has no resource-level permissions: IAM only accepts Resource "*" for them. */
export const UNSCOPABLE_ACTIONS = ['sts:GetCallerIdentity', 'tag:GetResources'] as const;

export interface DrillRunnerScope {
  readonly serviceArns: readonly string[];
  readonly distributionArn: string;
  /** The account's origin request policies (arn:...:origin-request-policy/*): the preflight reads a behavior's custom one. */
  readonly originRequestPolicyArn: string;
  /**
   * This stack's alarms: the harness lists them by name prefix in each alarm region, so these
   * are name-pattern ARNs (arn:...:alarm:<prefix>-*), one per region, rather than exact ARNs.
   */
  readonly alarmArns: readonly string[];
  /** Regions the runner may query tags in: both service regions and us-east-1 (CloudFront). */
  readonly regions: readonly string[];
  /** @default 'apprunner' */
  readonly backend?: 'apprunner' | 'ecs-express';
  /** With ecs-express: listener-rule ARN patterns of the service regions (arn:...:listener-rule/app/*). */
  readonly listenerRuleArns?: readonly string[];
  /** With ecs-express: the service regions (the ELB describe calls take no resource). */
  readonly serviceRegions?: readonly string[];
}

export function drillRunnerStatements(scope: DrillRunnerScope): PolicyStatement[] {
  if (scope.serviceArns.length === 0)
    throw new EdgeFailoverError('internal', 'drillRunnerStatements needs the service ARNs to scope App Runner actions to');
  if (scope.alarmArns.length === 0)
    throw new EdgeFailoverError('internal', 'drillRunnerStatements needs the alarm ARNs to scope cloudwatch:DescribeAlarms to');
  const compute: PolicyStatement[] =
    scope.backend === 'ecs-express'
      ? [
          {
            sid: 'ReadThisStacksServices',
            effect: 'Allow',
            actions: [...ECS_DRILL_RUNNER_ACTIONS.observe],
            resources: [...scope.serviceArns],
          },
          {
            sid: 'FindTheServicesListenerRules',
            effect: 'Allow',
            actions: [...ECS_DRILL_RUNNER_ACTIONS.find],
            resources: ['*'],
            conditions: [
              { test: 'StringEquals', variable: 'aws:RequestedRegion', values: [...new Set(scope.serviceRegions ?? scope.regions)] },
            ],
          },
          {
            sid: 'FaultAndRestoreListenerRules',
            effect: 'Allow',
            actions: [...ECS_DRILL_RUNNER_ACTIONS.fault],
            resources: [...(scope.listenerRuleArns ?? [])],
          },
        ]
      : [
          {
            sid: 'PauseAndResumeThisStacksServices',
            effect: 'Allow',
            actions: [...DRILL_RUNNER_ACTIONS.pause, ...DRILL_RUNNER_ACTIONS.observe],
            resources: [...scope.serviceArns],
          },
        ];
  if (scope.backend === 'ecs-express' && (scope.listenerRuleArns ?? []).length === 0)
    throw new EdgeFailoverError('internal', 'drillRunnerStatements needs the listener-rule ARN patterns with the ecs-express backend');
  return [
    ...compute,
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
