/**
 * How the ECS Express backend finds and judges a service's listener rule, and reads the service, as
 * unit tests: the AWS answers are the AWS CLI v2's JSON in the botocore output shapes (ecs
 * DescribeServicesResponse and ListTagsForResourceResponse, elbv2 DescribeTargetGroupsOutput,
 * DescribeListenersOutput, DescribeRulesOutput). alb-fault.test.ts drives the same code through the
 * AWS CLI v2 against moto.
 */
import { describe, expect, test } from '@jest/globals';
import { ALB_FIXED_RESPONSE_FAULT } from '../../../core/aws-facts.js';
import {
  canonical,
  findServiceRule,
  fixedResponseActions,
  forwardTargets,
  ruleProblems,
} from '../../../harness/targets/aws/backends/alb-rules.js';
import { checkListenerRules, describeActions } from '../../../harness/targets/aws/backends/ecs-checks.js';
import {
  describeEcsService,
  describeServicesCommand,
  ecsNotReady,
  ecsServiceTags,
} from '../../../harness/targets/aws/backends/ecs-service.js';
import type { AlbAction, AlbRule } from '../../../harness/targets/aws/wire.js';
import { AnsweringCli } from '../../support/aws/answering-cli.js';

const REGION = 'eu-west-1';
const SERVICE = `arn:aws:ecs:${REGION}:123456789012:service/shop-cluster/shop-primary`;
const HOST = 'sh-1234.ecs.eu-west-1.on.aws';
const TG = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/shop-primary/0123456789abcdef`;
const OTHER_TG = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/other/fedcba9876543210`;
const LB = `arn:aws:elasticloadbalancing:${REGION}:123456789012:loadbalancer/app/express/1111111111111111`;
const LB2 = `arn:aws:elasticloadbalancing:${REGION}:123456789012:loadbalancer/app/express-2/2222222222222222`;
const LISTENER = `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener/app/express/1111111111111111/aaaa`;
const LISTENER2 = `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener/app/express-2/2222222222222222/bbbb`;
const ruleArn = (n: string) => `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener-rule/app/express/1111111111111111/aaaa/${n}`;
const signal = () => new AbortController().signal;
/** An error message's first line: the error itself (its recovery follows). */
const headline = (text: string) => expect.stringMatching(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(\n|$)`));

const forward = (tg: string): AlbAction => ({ Type: 'forward', TargetGroupArn: tg });
/** A rule as describe-rules prints it: a host-header condition for `host`, these actions. */
function rule(n: string, host: string, actions: AlbAction[], more: Partial<AlbRule> = {}): AlbRule {
  return {
    RuleArn: ruleArn(n),
    Priority: n,
    Conditions: [{ Field: 'host-header', Values: [host], HostHeaderConfig: { Values: [host] } }],
    Actions: actions,
    IsDefault: false,
    ...more,
  };
}
const defaultRule: AlbRule = { RuleArn: ruleArn('default'), Priority: 'default', Conditions: [], Actions: [forward(TG)], IsDefault: true };

describe('the target groups a rule forwards to', () => {
  test('both forms of forward (TargetGroupArn, ForwardConfig.TargetGroups), of forward actions only', () => {
    expect(
      forwardTargets([
        { Type: 'forward', TargetGroupArn: TG },
        { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: OTHER_TG }, {}] } },
        { Type: 'redirect', TargetGroupArn: 'not-a-forward' },
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } },
      ]),
    ).toEqual([TG, OTHER_TG]);
    expect(forwardTargets([{ Type: 'forward' }])).toEqual([]);
  });
});

describe("whether a rule is the service's own", () => {
  test('a rule naming the host (any case, either condition form) and forwarding to the target group is', () => {
    expect(ruleProblems(rule('1', HOST, [forward(TG)]), HOST.toUpperCase(), TG)).toEqual([]);
    expect(ruleProblems({ ...rule('1', HOST, [forward(TG)]), Conditions: [{ Field: 'host-header', Values: [HOST] }] }, HOST, TG)).toEqual(
      [],
    );
    const viaConfig = {
      ...rule('1', HOST, [forward(TG)]),
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [HOST.toUpperCase()] } }],
    };
    expect(ruleProblems(viaConfig, HOST, TG)).toEqual([]);
  });

  test('the default rule, another host, a path condition naming the host, or another target group is not, each named', () => {
    expect(ruleProblems({ ...defaultRule, Conditions: [{ Field: 'host-header', Values: [HOST] }] }, HOST, TG)).toEqual([
      'it is the listener default rule, shared by every service on the load balancer',
    ]);
    expect(ruleProblems(rule('1', 'other.example.com', [forward(TG)]), HOST, TG)).toEqual([
      `its host-header condition does not name ${HOST}`,
    ]);
    expect(ruleProblems({ ...rule('1', HOST, [forward(TG)]), Conditions: [{ Field: 'path-pattern', Values: [HOST] }] }, HOST, TG)).toEqual([
      `its host-header condition does not name ${HOST}`,
    ]);
    expect(ruleProblems({ ...rule('1', HOST, [forward(TG)]), Conditions: undefined }, HOST, TG)).toHaveLength(1);
    expect(ruleProblems(rule('1', HOST, [forward(OTHER_TG)]), HOST, TG)).toEqual([
      `it does not forward to the service's target group ${TG}`,
    ]);
  });

  test("a rule left faulted (a fixed response) is still the service's own, so recover and the preflight find it", () => {
    expect(ruleProblems(rule('1', HOST, fixedResponseActions()), HOST, TG)).toEqual([]);
    // An authenticate action may come before the fixed response (elbv2 Action Order): the rule is still faulted, still its own.
    const authenticate: AlbAction = {
      Type: 'authenticate-oidc',
      Order: 1,
      AuthenticateOidcConfig: { Issuer: 'https://idp.example.com', ClientId: 'shop' },
    };
    expect(ruleProblems(rule('1', HOST, [authenticate, { ...fixedResponseActions()[0]!, Order: 2 }]), HOST, TG)).toEqual([]);
    expect(ruleProblems(rule('1', HOST, [authenticate, { ...forward(OTHER_TG), Order: 2 }]), HOST, TG)).toHaveLength(1);
  });
});

describe("the fault's actions and their comparison", () => {
  test("one fixed-response with the fault's code, type and body", () => {
    expect(fixedResponseActions()).toEqual([
      {
        Type: 'fixed-response',
        FixedResponseConfig: {
          StatusCode: ALB_FIXED_RESPONSE_FAULT.statusCode,
          ContentType: ALB_FIXED_RESPONSE_FAULT.contentType,
          MessageBody: ALB_FIXED_RESPONSE_FAULT.messageBody,
        },
      },
    ]);
  });

  test('the same actions read back in another key order compare equal; other actions or another order of actions do not', () => {
    const a = [{ Type: 'forward', TargetGroupArn: TG, ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG, Weight: 1 }] } }];
    const b = [{ ForwardConfig: { TargetGroups: [{ Weight: 1, TargetGroupArn: TG }] }, TargetGroupArn: TG, Type: 'forward' }];
    expect(canonical(b)).toBe(canonical(a));
    expect(JSON.parse(canonical(b))).toEqual(a);
    expect(canonical([forward(TG), forward(OTHER_TG)])).not.toBe(canonical([forward(OTHER_TG), forward(TG)]));
    expect(canonical(fixedResponseActions())).not.toBe(canonical([forward(TG)]));
    expect(canonical(undefined)).toBe(canonical(undefined));
    expect(JSON.parse(canonical([{ Type: 'forward', Order: null, B: [2, 1] }]))).toEqual([{ B: [2, 1], Order: null, Type: 'forward' }]);
    expect(canonical(undefined)).not.toBe(canonical([]));
  });
});

/** The answers of the walk from the service to its rule: describe-services, -target-groups, -listeners, -rules. */
function walk(rules: AlbRule[], more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [`ecs describe-services --cluster shop-cluster --services ${SERVICE}`]: {
      services: [
        {
          serviceArn: SERVICE,
          status: 'ACTIVE',
          desiredCount: 1,
          runningCount: 1,
          pendingCount: 0,
          loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 80 }],
        },
      ],
      failures: [],
    },
    [`elbv2 describe-target-groups --target-group-arns ${TG}`]: { TargetGroups: [{ TargetGroupArn: TG, LoadBalancerArns: [LB] }] },
    [`elbv2 describe-listeners --load-balancer-arn ${LB}`]: {
      Listeners: [{ ListenerArn: LISTENER, LoadBalancerArn: LB, Port: 443, Protocol: 'HTTPS' }],
    },
    [`elbv2 describe-rules --listener-arn ${LISTENER}`]: { Rules: rules },
    ...more,
  };
}
const ref = { role: 'primary' as const, region: REGION, serviceArn: SERVICE, endpointHost: HOST };

describe("finding a service's listener rule", () => {
  test('walks from the service to its own rule, past the default rule and the rules of other services, in its region', async () => {
    const own = rule('3', HOST, [forward(TG)]);
    const cli = new AnsweringCli(
      walk([defaultRule, rule('1', 'other.example.com', [forward(OTHER_TG)]), rule('2', HOST, [forward(OTHER_TG)]), own]),
    );
    const found = await findServiceRule(cli, ref, signal());
    expect(found).toEqual({ service: ref, targetGroupArn: TG, listenerArn: LISTENER, rule: own });
    expect(cli.calls.map((c) => c.region)).toEqual([REGION, REGION, REGION, REGION]);
  });

  test('a target group already read saves describe-services', async () => {
    const own = rule('3', HOST, [forward(TG)]);
    const cli = new AnsweringCli(walk([own]));
    expect((await findServiceRule(cli, ref, signal(), { targetGroupArn: TG })).rule).toEqual(own);
    expect(cli.calls.map((c) => c.operation)).toEqual(['describe-target-groups', 'describe-listeners', 'describe-rules']);
  });

  test('looks on every listener of every load balancer of the target group', async () => {
    const own = rule('7', HOST, [forward(TG)]);
    const cli = new AnsweringCli(
      walk([defaultRule], {
        [`elbv2 describe-target-groups --target-group-arns ${TG}`]: { TargetGroups: [{ TargetGroupArn: TG, LoadBalancerArns: [LB, LB2] }] },
        [`elbv2 describe-listeners --load-balancer-arn ${LB2}`]: { Listeners: [{ ListenerArn: LISTENER2 }] },
        [`elbv2 describe-rules --listener-arn ${LISTENER2}`]: { Rules: [own] },
      }),
    );
    expect(await findServiceRule(cli, ref, signal())).toMatchObject({ listenerArn: LISTENER2, rule: own });
  });

  test('no rule of the service: an error naming the host, the target group and the load balancers', async () => {
    const cli = new AnsweringCli(walk([defaultRule, rule('1', 'other.example.com', [forward(TG)])]));
    const error = await findServiceRule(cli, ref, signal()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'external',
      message: headline(
        `No listener rule of the primary ECS Express service: none has a host-header condition for ${HOST} forwarding to ${TG} (load balancers: ${LB})`,
      ),
    });
    expect((error as { recovery?: string }).recovery).toContain(`<listener of ${LB}> --region ${REGION}`);
  });

  test('a target group on no load balancer: the error says none', async () => {
    const cli = new AnsweringCli(
      walk([], { [`elbv2 describe-target-groups --target-group-arns ${TG}`]: { TargetGroups: [{ TargetGroupArn: TG }] } }),
    );
    const error = await findServiceRule(cli, ref, signal()).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringMatching(/\(load balancers: none\)\n/) });
    expect((error as { recovery?: string }).recovery).toContain('<listener of the service load balancer>');
  });

  test('a load balancer without listeners, or a listener without rules, is searched past, not a crash', async () => {
    const cli = new AnsweringCli(
      walk([], {
        [`elbv2 describe-target-groups --target-group-arns ${TG}`]: { TargetGroups: [{ TargetGroupArn: TG, LoadBalancerArns: [LB, LB2] }] },
        [`elbv2 describe-listeners --load-balancer-arn ${LB}`]: {},
        [`elbv2 describe-listeners --load-balancer-arn ${LB2}`]: { Listeners: [{ ListenerArn: LISTENER2 }] },
        [`elbv2 describe-rules --listener-arn ${LISTENER2}`]: {},
      }),
    );
    await expect(findServiceRule(cli, ref, signal())).rejects.toMatchObject({
      kind: 'external',
      message: headline(
        `No listener rule of the primary ECS Express service: none has a host-header condition for ${HOST} forwarding to ${TG} (load balancers: ${LB}, ${LB2})`,
      ),
    });
    for (const answer of [{}, { TargetGroups: [] }]) {
      const noGroups = new AnsweringCli(walk([], { [`elbv2 describe-target-groups --target-group-arns ${TG}`]: answer }));
      await expect(findServiceRule(noGroups, ref, signal())).rejects.toMatchObject({ kind: 'external' });
    }
  });

  test('a service with no target group: an error naming it and the command that shows it, before any ELB call', async () => {
    const cli = new AnsweringCli({
      [`ecs describe-services --cluster shop-cluster --services ${SERVICE}`]: {
        services: [{ serviceArn: SERVICE, status: 'ACTIVE', loadBalancers: [] }],
      },
    });
    await expect(findServiceRule(cli, ref, signal())).rejects.toMatchObject({
      kind: 'external',
      message: headline(`The primary ECS service ${SERVICE} has no load balancer target group`),
      recovery: `Check the service: ${describeServicesCommand(SERVICE, REGION)}`,
    });
    expect(cli.calls.map((c) => c.service)).toEqual(['ecs']);
  });
});

describe('reading an ECS service', () => {
  const key = `ecs describe-services --cluster shop-cluster --services ${SERVICE}`;

  test('its cluster comes from the ARN; an ARN of the old form, without a cluster, is in default', () => {
    expect(describeServicesCommand(SERVICE, REGION)).toBe(
      `aws ecs describe-services --cluster shop-cluster --services ${SERVICE} --region ${REGION}`,
    );
    const old = `arn:aws:ecs:${REGION}:123456789012:service/shop-primary`;
    expect(describeServicesCommand(old, REGION)).toBe(`aws ecs describe-services --cluster default --services ${old} --region ${REGION}`);
  });

  test('the service of its ARN among those answered, its counts and its target groups in order', async () => {
    const cli = new AnsweringCli({
      [key]: {
        services: [
          { serviceArn: `${SERVICE}-other`, status: 'DRAINING' },
          {
            serviceArn: SERVICE,
            status: 'ACTIVE',
            desiredCount: 3,
            runningCount: 2,
            pendingCount: 1,
            loadBalancers: [{ targetGroupArn: TG }, { loadBalancerName: 'classic' }, { targetGroupArn: OTHER_TG }],
          },
        ],
        failures: [],
      },
    });
    expect(await describeEcsService(cli, SERVICE, REGION, signal())).toEqual({
      serviceArn: SERVICE,
      status: 'ACTIVE',
      desiredCount: 3,
      runningCount: 2,
      pendingCount: 1,
      targetGroupArns: [TG, OTHER_TG],
    });
    expect(cli.calls).toEqual([
      { service: 'ecs', operation: 'describe-services', args: ['--cluster', 'shop-cluster', '--services', SERVICE], region: REGION },
    ]);
  });

  test('fields the answer leaves out read as unknown and zero, never as a running service', async () => {
    const cli = new AnsweringCli({ [key]: { services: [{}] } });
    expect(await describeEcsService(cli, SERVICE, REGION, signal())).toEqual({
      serviceArn: SERVICE,
      status: 'unknown',
      desiredCount: 0,
      runningCount: 0,
      pendingCount: 0,
      targetGroupArns: [],
    });
  });

  test('a service ECS does not know: an error naming the ARN, the region, the failure and the command', async () => {
    const missing = new AnsweringCli({
      [key]: { services: [], failures: [{ arn: SERVICE, reason: 'MISSING', detail: 'not in cluster' }] },
    });
    await expect(describeEcsService(missing, SERVICE, REGION, signal())).rejects.toMatchObject({
      kind: 'external',
      message: headline(`The ECS service ${SERVICE} was not found in ${REGION}: MISSING (not in cluster)`),
      recovery: `Check the ARN and region: ${describeServicesCommand(SERVICE, REGION)}`,
    });
    const bare = new AnsweringCli({ [key]: { failures: [{ arn: SERVICE }] } });
    await expect(describeEcsService(bare, SERVICE, REGION, signal())).rejects.toMatchObject({
      message: headline(`The ECS service ${SERVICE} was not found in ${REGION}: no reason`),
    });
    const none = new AnsweringCli({ [key]: {} });
    await expect(describeEcsService(none, SERVICE, REGION, signal())).rejects.toMatchObject({
      message: headline(`The ECS service ${SERVICE} was not found in ${REGION}`),
    });
  });

  test('its tags as a record; a tag without a key is left out, one without a value is empty', async () => {
    const cli = new AnsweringCli({
      [`ecs list-tags-for-resource --resource-arn ${SERVICE}`]: {
        tags: [{ key: 'ManagedBy', value: 'edge-failover' }, { key: 'Empty' }, { value: 'orphan' }],
      },
    });
    expect(await ecsServiceTags(cli, SERVICE, REGION, signal())).toEqual({ ManagedBy: 'edge-failover', Empty: '' });
    expect(cli.calls[0]!.region).toBe(REGION);
    const untagged = new AnsweringCli({ [`ecs list-tags-for-resource --resource-arn ${SERVICE}`]: {} });
    expect(await ecsServiceTags(untagged, SERVICE, REGION, signal())).toEqual({});
  });

  test('a drill starts only from ACTIVE with a running and a desired task; each refusal says what to do', () => {
    const d = { serviceArn: SERVICE, status: 'ACTIVE', desiredCount: 1, runningCount: 1, pendingCount: 0, targetGroupArns: [TG] };
    expect(ecsNotReady('primary', REGION, d)).toBeUndefined();
    expect(ecsNotReady('secondary', REGION, { ...d, status: 'INACTIVE' })).toMatchObject({
      kind: 'external',
      message: headline(`The secondary ECS service ${SERVICE} is INACTIVE; the drill starts only from ACTIVE`),
      recovery: expect.stringContaining(describeServicesCommand(SERVICE, REGION)),
    });
    expect(ecsNotReady('primary', REGION, { ...d, runningCount: 0, pendingCount: 1 })).toMatchObject({
      message: headline(
        `The primary ECS service ${SERVICE} has 0 running of 1 desired (1 pending); the drill starts only with at least one running task`,
      ),
      recovery: `Wait until a task runs (${describeServicesCommand(SERVICE, REGION)}), then start again.`,
    });
    // A running task that is draining away (desired 0) is no service to drill either.
    expect(ecsNotReady('primary', REGION, { ...d, desiredCount: 0 })).toMatchObject({
      recovery: expect.stringContaining(
        `aws ecs update-service --cluster shop-cluster --service ${SERVICE} --desired-count 1 --region ${REGION}`,
      ),
    });
  });
});

describe('the listener rule checks', () => {
  test('actions are described for a person', () => {
    expect(describeActions([])).toBe('no actions');
    expect(describeActions([forward(TG), { Type: 'forward' }])).toBe(
      'forward to targetgroup/shop-primary/0123456789abcdef, forward to nothing',
    );
    expect(
      describeActions([
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } },
        { Type: 'fixed-response' },
        { Type: 'redirect' },
      ]),
    ).toBe('fixed-response 503, fixed-response ?, redirect');
  });

  const live = (r: Parameters<typeof checkListenerRules>[0][number]['rule']) => ({ role: 'primary' as const, host: HOST, rule: r });

  test("a rule forwarding to the service's target group passes both checks", () => {
    const own = rule('4', HOST, [forward(TG)]);
    expect(checkListenerRules([live({ region: REGION, targetGroupArn: TG, listenerArn: LISTENER, rule: own })])).toEqual([
      {
        check: 'primary-listener-rule',
        setting: `primary listener rule (host-header ${HOST})`,
        ok: true,
        found: `${own.RuleArn} (priority 4)`,
        expected: `a rule of the service's own load balancer with a host-header condition for ${HOST}, forwarding to its target group ${TG}`,
        severity: 'error',
      },
      {
        check: 'primary-listener-rule-actions',
        setting: `${own.RuleArn} Actions`,
        ok: true,
        found: 'forward to targetgroup/shop-primary/0123456789abcdef',
        expected: `forward to the service's target group ${TG}`,
        severity: 'error',
      },
    ]);
  });

  test('no rule: one error, with why none was found, or that it was not looked up', () => {
    expect(checkListenerRules([live({ region: REGION, notFound: 'none: no target group' })])).toEqual([
      expect.objectContaining({
        ok: false,
        found: 'none: no target group',
        expected: expect.stringContaining("its target group the service's target group"),
      }),
    ]);
    expect(checkListenerRules([live(undefined)])).toEqual([expect.objectContaining({ ok: false, found: 'not looked up' })]);
  });

  test('a rule without a priority, or forwarding elsewhere, or left faulted: each an error; the faulted one says how to restore it', () => {
    const noPriority = { ...rule('5', HOST, [forward(TG)]), Priority: undefined };
    expect(checkListenerRules([live({ region: REGION, targetGroupArn: TG, rule: noPriority })])[0]!.found).toBe(
      `${noPriority.RuleArn} (priority ?)`,
    );
    const elsewhere = checkListenerRules([live({ region: REGION, targetGroupArn: TG, rule: rule('5', HOST, [forward(OTHER_TG)]) })]);
    expect(elsewhere[1]).toMatchObject({ ok: false, expected: `forward to the service's target group ${TG}` });
    const faulted = rule('6', HOST, [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }, forward(TG)]);
    expect(checkListenerRules([live({ region: REGION, targetGroupArn: TG, rule: faulted })])[1]).toMatchObject({
      ok: false,
      found: `fixed-response 503, forward to targetgroup/shop-primary/0123456789abcdef (a fault left behind?)`,
      expected: `forward to the service's target group ${TG}; restore it: dr-drill recover --target aws if a drill journaled it, otherwise aws elbv2 modify-rule --rule-arn ${faulted.RuleArn} --actions '[{"Type":"forward","TargetGroupArn":"${TG}"}]' --region ${REGION}`,
    });
  });

  test('a rule found without its target group known forwards to none the check can confirm', () => {
    const r = checkListenerRules([live({ region: REGION, rule: rule('8', HOST, [forward(TG)]) })]);
    expect(r[1]).toMatchObject({ ok: false });
  });

  test('every service gets its own rows, in order', () => {
    const rows = checkListenerRules([
      live({ region: REGION, targetGroupArn: TG, rule: rule('4', HOST, [forward(TG)]) }),
      { role: 'secondary', host: 'sec.example.com', rule: { region: 'us-west-2', notFound: 'none' } },
    ]);
    expect(rows.map((x) => x.check)).toEqual(['primary-listener-rule', 'primary-listener-rule-actions', 'secondary-listener-rule']);
  });
});
