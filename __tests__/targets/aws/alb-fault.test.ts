/**
 * The ECS Express fault against moto's ELBv2 and ECS through the emulated AWS, driven by the real
 * AWS CLI v2. moto has no Express API, so the test builds what CreateExpressGatewayService would:
 * an ALB, a listener, the service's target group, a host-header listener rule forwarding to it, and
 * an ECS service registered with that target group, next to another service's rule on the same ALB.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkMoto } from '../../../emulator/moto/moto-server.js';
import { findAppRunnerModel } from '../../../emulator/apprunner/model.js';
import { FAKE_CREDENTIALS, startEmulatedAws, type EmulatedAws } from '../../../emulator/world.js';
import { AwsCli } from '../../../harness/targets/aws/aws-cli.js';
import { findServiceRule, injectFixedResponse, restoreRule, ruleProblems } from '../../../harness/targets/aws/alb-fault.js';
import { RunLedger } from '../../../harness/targets/aws/ledger.js';
import { describeUnless } from '../../support/skip.js';

const AWS = '/usr/bin/aws';
const moto = checkMoto();
const model = findAppRunnerModel();
const missing = !existsSync(AWS)
  ? `the AWS CLI v2 is not at ${AWS} (apt-get install awscli)`
  : 'reason' in moto
    ? moto.reason
    : typeof model !== 'string'
      ? model.reason
      : undefined;

const REGION = 'us-east-1';
const HOST = 'drill-primary.ecs.us-east-1.on.aws';
const never = () => new AbortController().signal;

describeUnless(missing, 'the listener-rule fault on moto ELBv2', () => {
  let world: EmulatedAws;
  let cli: AwsCli;
  let stateDir: string;
  let serviceArn: string;
  let ownTg: string;
  let otherRule: string;

  beforeAll(async () => {
    world = await startEmulatedAws({ operationMs: 100 });
    cli = new AwsCli({
      binary: AWS,
      endpointUrl: world.endpoint,
      env: { ...FAKE_CREDENTIALS, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      attempts: 1,
    });
    stateDir = mkdtempSync(join(tmpdir(), 'alb-fault-'));
    const call = <T = any>(svc: string, op: string, args: string[]) => cli.call<T>(svc, op, args, REGION, never());
    const vpc = (await call('ec2', 'create-vpc', ['--cidr-block', '10.0.0.0/16'])).Vpc.VpcId;
    const subnets = [];
    for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries()) {
      subnets.push(
        (await call('ec2', 'create-subnet', ['--vpc-id', vpc, '--cidr-block', `10.0.${i}.0/24`, '--availability-zone', az])).Subnet
          .SubnetId,
      );
    }
    const lb = (await call('elbv2', 'create-load-balancer', ['--name', 'ecs-express-shared', '--subnets', ...subnets])).LoadBalancers[0]
      .LoadBalancerArn;
    const tg = async (name: string) =>
      (
        await call('elbv2', 'create-target-group', [
          '--name',
          name,
          '--protocol',
          'HTTP',
          '--port',
          '8080',
          '--vpc-id',
          vpc,
          '--target-type',
          'ip',
        ])
      ).TargetGroups[0].TargetGroupArn as string;
    ownTg = await tg('drill-primary-tg');
    const otherTg = await tg('someone-else-tg');
    const listener = (
      await call('elbv2', 'create-listener', [
        '--load-balancer-arn',
        lb,
        '--protocol',
        'HTTP',
        '--port',
        '80',
        '--default-actions',
        JSON.stringify([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }]),
      ])
    ).Listeners[0].ListenerArn;
    const rule = async (host: string, target: string, priority: string) =>
      (
        await call('elbv2', 'create-rule', [
          '--listener-arn',
          listener,
          '--priority',
          priority,
          '--conditions',
          JSON.stringify([{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }]),
          '--actions',
          JSON.stringify([{ Type: 'forward', TargetGroupArn: target }]),
        ])
      ).Rules[0].RuleArn as string;
    otherRule = await rule('someone-else.ecs.us-east-1.on.aws', otherTg, '1');
    await rule(HOST, ownTg, '2');
    await call('ecs', 'create-cluster', ['--cluster-name', 'default']);
    await call('ecs', 'register-task-definition', [
      '--family',
      'drill-primary',
      '--requires-compatibilities',
      'FARGATE',
      '--network-mode',
      'awsvpc',
      '--cpu',
      '256',
      '--memory',
      '512',
      '--container-definitions',
      JSON.stringify([{ name: 'main', image: 'public.ecr.aws/docker/library/node:20-alpine', portMappings: [{ containerPort: 8080 }] }]),
    ]);
    serviceArn = (
      await call('ecs', 'create-service', [
        '--cluster',
        'default',
        '--service-name',
        'drill-primary',
        '--task-definition',
        'drill-primary',
        '--desired-count',
        '1',
        '--load-balancers',
        JSON.stringify([{ targetGroupArn: ownTg, containerName: 'main', containerPort: 8080 }]),
      ])
    ).service.serviceArn;
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const ref = () => ({ role: 'primary' as const, region: REGION, serviceArn, endpointHost: HOST });

  test('finds the rule by host header and target group, never another service on the shared ALB', async () => {
    const found = await findServiceRule(cli, ref(), never());
    expect(found.targetGroupArn).toBe(ownTg);
    expect(found.rule.RuleArn).not.toBe(otherRule);
    expect(ruleProblems(found.rule, HOST, ownTg)).toEqual([]);
    expect(ruleProblems(found.rule, 'someone-else.ecs.us-east-1.on.aws', ownTg)).toEqual([
      'its host-header condition does not name someone-else.ecs.us-east-1.on.aws',
    ]);
  });

  test('journals the original actions before modify-rule, answers fixed-response 503, restores them exactly', async () => {
    const ledger = await RunLedger.open({
      stateDir,
      name: 'drill',
      runId: 'alb-fault-test',
      mode: 'existing',
      command: 'run',
      stackDir: stateDir,
      varFiles: [],
      regions: [REGION],
      options: { terraformOverrides: [] },
    });
    const found = await findServiceRule(cli, ref(), never());
    const original = found.rule.Actions;
    await injectFixedResponse(cli, found, ledger, never());
    expect(ledger.owedRuleFaults).toEqual([{ role: 'primary', ruleArn: found.rule.RuleArn, region: REGION, originalActions: original }]);
    expect(await ledger.finish()).toBe(false); // a restore is owed
    const during = await cli.call<any>('elbv2', 'describe-rules', ['--rule-arns', found.rule.RuleArn], REGION, never());
    expect(during.Rules[0].Actions[0]).toMatchObject({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } });
    // The faulted rule is still recognised as the service's own (by host), and is refused a second fault.
    await expect(injectFixedResponse(cli, { ...found, rule: during.Rules[0] }, ledger, never())).rejects.toThrow(
      /already answers a fixed response/,
    );
    await restoreRule(cli, ledger.owedRuleFaults[0]!, ledger, never());
    const after = await cli.call<any>('elbv2', 'describe-rules', ['--rule-arns', found.rule.RuleArn], REGION, never());
    expect(after.Rules[0].Actions).toEqual(original);
    expect(ledger.owedRuleFaults).toEqual([]);
    expect(await ledger.finish()).toBe(true);
    await ledger.release();
  });

  test('a service whose endpoint no rule names is refused with what was looked for', async () => {
    await expect(findServiceRule(cli, { ...ref(), endpointHost: 'nobody.ecs.us-east-1.on.aws' }, never())).rejects.toThrow(
      /No listener rule of the primary ECS Express service: none has a host-header condition for nobody\.ecs\.us-east-1\.on\.aws/,
    );
  });
});
