/**
 * IAM statements of the monitoring layer as plain data: the drill runner's least-privilege
 * policy, the SNS topic policies and the KMS key policy. The construct hands them to
 * data.aws_iam_policy_document; tests inspect them directly.
 */
import { EdgeFailoverError } from '../../core/errors.js';

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly principals?: readonly { readonly type: 'Service' | 'AWS'; readonly identifiers: readonly string[] }[];
  readonly conditions?: readonly PolicyCondition[];
}

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

export interface TopicPolicyScope {
  readonly topicArn: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** Pattern of this stack's alarm names (names.alarmNamePattern). */
  readonly alarmNamePattern: string;
  /** EventBridge rules that target the topic; none means no EventBridge statement. */
  readonly eventRuleArns: readonly string[];
}

/** Lets this stack's alarms (CloudWatch) and rules (EventBridge) publish, and nobody else through the topic policy. */
export function topicPolicyStatements(scope: TopicPolicyScope): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      sid: 'CloudWatchAlarmsOfThisStack',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['sns:Publish'],
      resources: [scope.topicArn],
      conditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [scope.accountId] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: [`arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:${scope.alarmNamePattern}`],
        },
      ],
    },
  ];
  if (scope.eventRuleArns.length > 0) {
    statements.push({
      sid: 'EventBridgeRulesOfThisStack',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['sns:Publish'],
      resources: [scope.topicArn],
      conditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [scope.accountId] },
        { test: 'ArnEquals', variable: 'aws:SourceArn', values: [...scope.eventRuleArns] },
      ],
    });
  }
  return statements;
}

/**
 * Key policy of the key the module creates for its topics. CloudWatch and EventBridge can
 * only publish to an encrypted topic when they may use its key, and the AWS-managed key
 * alias/aws/sns has a policy nobody can change (SNS Developer Guide, "Enable compatibility
 * between event sources from AWS services and encrypted topics"). In a key policy, Resource
 * "*" means this key.
 */
export function alertsKeyPolicyStatements(scope: { readonly accountId: string; readonly partition: string }): PolicyStatement[] {
  return [
    {
      sid: 'AccountAdministersTheKey',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [`arn:${scope.partition}:iam::${scope.accountId}:root`] }],
      actions: ['kms:*'],
      resources: ['*'],
    },
    {
      // Modelled on AWS's example for service event sources, which has no conditions: a
      // condition the service's KMS request does not carry would silently drop notifications.
      sid: 'AlarmsAndRulesEncryptNotifications',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    },
  ];
}

/** The IAM JSON form of statements, as AWS evaluates it (for tests and for documentation). */
export function toPolicyDocument(statements: readonly PolicyStatement[]): { Version: '2012-10-17'; Statement: object[] } {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const conditions: Record<string, Record<string, string[]>> = {};
      for (const c of s.conditions ?? []) (conditions[c.test] ??= {})[c.variable] = [...c.values];
      const principal: Record<string, string[]> = {};
      for (const p of s.principals ?? []) principal[p.type] = [...(principal[p.type] ?? []), ...p.identifiers];
      return {
        Sid: s.sid,
        Effect: s.effect,
        ...(s.principals ? { Principal: principal } : {}),
        Action: [...s.actions],
        Resource: [...s.resources],
        ...(s.conditions ? { Condition: conditions } : {}),
      };
    }),
  };
}
