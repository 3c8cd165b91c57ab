import {
  DRILL_RUNNER_ACTIONS,
  UNSCOPABLE_ACTIONS,
  alertsKeyPolicyStatements,
  drillRunnerStatements,
  toPolicyDocument,
  topicPolicyStatements,
} from '../../../modules/monitoring/policies.js';

const scope = {
  serviceArns: [
    'arn:aws:apprunner:us-east-1:111122223333:service/ef-primary/aaa',
    'arn:aws:apprunner:us-west-2:111122223333:service/ef-secondary/bbb',
  ],
  distributionArn: 'arn:aws:cloudfront::111122223333:distribution/E123',
  alarmArns: [
    'arn:aws:cloudwatch:us-east-1:111122223333:alarm:ef-primary-unhealthy',
    'arn:aws:cloudwatch:us-west-2:111122223333:alarm:ef-failover-active',
  ],
  regions: ['us-east-1', 'us-west-2', 'us-east-1'],
};

describe('drill runner policy', () => {
  const doc = toPolicyDocument(drillRunnerStatements(scope)) as {
    Statement: { Action: string[]; Resource: string[]; Effect: string; Condition?: object }[];
  };

  test('grants exactly the actions the harness calls', () => {
    const granted = doc.Statement.flatMap((s) => s.Action).sort();
    expect(granted).toEqual(Object.values(DRILL_RUNNER_ACTIONS).flat().sort());
    expect(doc.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  test('has no wildcard action', () => {
    for (const action of doc.Statement.flatMap((s) => s.Action)) expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
  });

  test('uses Resource "*" only for actions IAM cannot scope', () => {
    for (const s of doc.Statement) {
      if (s.Resource.some((r) => r.includes('*'))) {
        expect(s.Resource).toEqual(['*']);
        for (const a of s.Action) expect(UNSCOPABLE_ACTIONS).toContain(a);
      }
    }
  });

  test('scopes App Runner to the two services, CloudFront to the distribution, CloudWatch to the alarms', () => {
    const resourcesOf = (action: string) => doc.Statement.find((s) => s.Action.includes(action))!.Resource;
    for (const a of ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:DescribeService', 'apprunner:ListOperations']) {
      expect(resourcesOf(a)).toEqual(scope.serviceArns);
    }
    expect(resourcesOf('cloudfront:GetDistribution')).toEqual([scope.distributionArn]);
    expect(resourcesOf('cloudfront:GetDistributionConfig')).toEqual([scope.distributionArn]);
    expect(resourcesOf('cloudwatch:DescribeAlarms')).toEqual(scope.alarmArns);
  });

  test('limits tag lookups to the stack regions', () => {
    const tag = doc.Statement.find((s) => s.Action.includes('tag:GetResources'))!;
    expect(tag.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } });
  });

  test('refuses to build an unscoped policy', () => {
    expect(() => drillRunnerStatements({ ...scope, serviceArns: [] })).toThrow(/service ARNs/);
    expect(() => drillRunnerStatements({ ...scope, alarmArns: [] })).toThrow(/alarm ARNs/);
  });
});

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
