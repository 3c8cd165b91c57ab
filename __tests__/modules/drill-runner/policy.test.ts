import { readFileSync } from 'node:fs';
import { DRILL_RUNNER_ACTIONS, STATE_READ_ACTIONS, UNSCOPABLE_ACTIONS, drillRunnerStatements } from '../../../modules/drill-runner/policy.js';
import { toPolicyDocument } from '../../../modules/policy-statement.js';
import { COMPUTE_BACKEND_REGISTRY } from '../../../modules/compute/registry.js';

const scope = {
  serviceArns: [
    'arn:aws:apprunner:us-east-1:111122223333:service/ef-primary/aaa',
    'arn:aws:apprunner:us-west-2:111122223333:service/ef-secondary/bbb',
  ],
  distributionArn: 'arn:aws:cloudfront::111122223333:distribution/E123',
  originRequestPolicyArn: 'arn:aws:cloudfront::111122223333:origin-request-policy/*',
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

  test.each(COMPUTE_BACKEND_REGISTRY.keys)('grants exactly the actions the harness calls, with backend %s', (backend) => {
    const listenerRuleArns = ['arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/*'];
    const statements = drillRunnerStatements({ ...scope, backend, listenerRuleArns });
    const granted = statements.flatMap((s) => s.actions).sort();
    const own = Object.values(COMPUTE_BACKEND_REGISTRY.get(backend).drillRunner.actions).flat();
    expect(granted).toEqual([...Object.values(DRILL_RUNNER_ACTIONS).flat(), ...own].sort());
    expect(statements.every((s) => s.effect === 'Allow')).toBe(true);
  });

  test('has no wildcard action', () => {
    for (const action of doc.Statement.flatMap((s) => s.Action)) expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
  });

  test('uses Resource "*" only for actions IAM cannot scope; a wildcard elsewhere stays inside one resource type of the account', () => {
    for (const s of doc.Statement) {
      if (s.Resource.includes('*')) {
        expect(s.Resource).toEqual(['*']);
        for (const a of s.Action) expect(UNSCOPABLE_ACTIONS).toContain(a);
      } else {
        for (const r of s.Resource.filter((x) => x.includes('*')))
          expect(r).toMatch(/^arn:aws:[a-z]+:[a-z0-9-]*:111122223333:[a-z-]+\/\*$/);
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
    expect(resourcesOf('cloudfront:GetOriginRequestPolicy')).toEqual([scope.originRequestPolicyArn]);
  });

  test('reads an S3 state only when given one: ListBucket on the bucket, GetObject on the state key, no write', () => {
    const state = { bucketArn: 'arn:aws:s3:::my-state', objectArn: 'arn:aws:s3:::my-state/edge/terraform.tfstate' };
    const withState = drillRunnerStatements({ ...scope, state });
    const s3 = withState.filter((st) => st.actions.some((a) => a.startsWith('s3:')));
    expect(s3.map((st) => [st.actions, st.resources])).toEqual([
      [[...STATE_READ_ACTIONS.bucket], [state.bucketArn]],
      [[...STATE_READ_ACTIONS.object], [state.objectArn]],
    ]);
    expect(drillRunnerStatements(scope).flatMap((st) => st.actions).filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  test('limits tag lookups to the stack regions', () => {
    const tag = doc.Statement.find((s) => s.Action.includes('tag:GetResources'))!;
    expect(tag.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } });
  });

  test('refuses to build an unscoped policy', () => {
    expect(() => drillRunnerStatements({ ...scope, serviceArns: [] })).toThrow(/service ARNs/);
    expect(() => drillRunnerStatements({ ...scope, alarmArns: [] })).toThrow(/alarm ARNs/);
    expect(() => drillRunnerStatements({ ...scope, backend: 'ecs-express' })).toThrow(/listener-rule ARN patterns/);
  });
});

/** The actions named in the first column of the tables under `heading`: `service:Action`, then `Action` of the same service. */
function tabulated(file: string, heading: string): { actions: string[]; rows: string[] } {
  const md = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
  const section = md.slice(md.indexOf(heading));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  const actions = rows.flatMap((row) => {
    let service = '';
    return [...row.split('|')[1]!.matchAll(/`([\w-]+:)?(\w+)`/g)].map((m) => {
      service = m[1] ?? service;
      return `${service}${m[2]}`;
    });
  });
  return { actions, rows };
}

describe('the IAM tables', () => {
  const state = { bucketArn: 'arn:aws:s3:::my-state', objectArn: 'arn:aws:s3:::my-state/edge/terraform.tfstate' };
  const granted = () =>
    (toPolicyDocument(drillRunnerStatements({ ...scope, state })) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);

  test("modules/README.md's drill runner table lists exactly the actions the App Runner policy grants (with an S3 state)", () => {
    expect(tabulated('modules/README.md', '## Drill runner policy').actions.sort()).toEqual(granted().sort());
  });

  test("docs/aws-drill.md's table, which says why, lists exactly the actions the policy grants", () => {
    expect(tabulated('docs/aws-drill.md', '## IAM permissions').actions.sort()).toEqual(granted().sort());
  });

  test("both say why the alarm actions are there: the alarm phase's waits, guards and history", () => {
    for (const [file, heading] of [
      ['modules/README.md', '## Drill runner policy'],
      ['docs/aws-drill.md', '## IAM permissions'],
    ] as const) {
      const row = tabulated(file, heading).rows.find((l) => l.includes('`DescribeAlarmHistory`'))!;
      expect({ file, guard: /guard/.test(row), history: /describe-alarm-history/.test(row) }).toEqual({ file, guard: true, history: true });
    }
  });
});
