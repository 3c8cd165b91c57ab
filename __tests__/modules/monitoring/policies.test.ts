import { alertsKeyPolicyStatements, topicPolicyStatements } from '../../../modules/monitoring/policies.js';
import { toPolicyDocument } from '../../../modules/policy-statement.js';

describe('topic policy', () => {
  const base = {
    topicArn: 'arn:aws:sns:us-west-2:111122223333:ef-alerts',
    accountId: '111122223333',
    partition: 'aws',
    region: 'us-west-2',
    alarmNamePattern: 'ef-*',
  };

  test("lets only this account's alarms of this stack, in this region, publish", () => {
    const [cw] = topicPolicyStatements({ ...base, eventRuleArns: [] });
    expect(cw).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['sns:Publish'],
      resources: [base.topicArn],
    });
    expect(cw!.conditions).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111122223333'] },
      { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:aws:cloudwatch:us-west-2:111122223333:alarm:ef-*'] },
    ]);
  });

  test('lets exactly the given EventBridge rules publish, and has no EventBridge statement without rules', () => {
    expect(topicPolicyStatements({ ...base, eventRuleArns: [] })).toHaveLength(1);
    const rule = 'arn:aws:events:us-west-2:111122223333:rule/ef-secondary-apprunner-status';
    const eb = topicPolicyStatements({ ...base, eventRuleArns: [rule] })[1]!;
    expect(eb.principals).toEqual([{ type: 'Service', identifiers: ['events.amazonaws.com'] }]);
    expect(eb.conditions).toContainEqual({ test: 'ArnEquals', variable: 'aws:SourceArn', values: [rule] });
  });
});

test('the alerts key lets CloudWatch and EventBridge encrypt, and the account administer it', () => {
  const doc = toPolicyDocument(alertsKeyPolicyStatements({ accountId: '111122223333', partition: 'aws-us-gov' }));
  expect(doc.Statement).toContainEqual(
    expect.objectContaining({
      Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    }),
  );
  expect(doc.Statement).toContainEqual(expect.objectContaining({ Principal: { AWS: ['arn:aws-us-gov:iam::111122223333:root'] } }));
});
