/**
 * IAM statements of the monitoring layer as plain data: the SNS topic policies and the KMS key
 * policy. The construct hands them to data.aws_iam_policy_document; tests inspect them directly.
 */
import type { PolicyStatement } from '../policy-statement.js';

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
