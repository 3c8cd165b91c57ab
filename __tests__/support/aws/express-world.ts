/**
 * What CreateExpressGatewayService would have built, made in moto with the real AWS CLI v2 (moto has
 * no Express API): one shared ALB with a listener, a target group and a host-header rule per service
 * (the drill's primary and secondary, and someone else's), two ECS services registered with their
 * target groups and tagged as the stack's, each scaled to one running task (moto counts a task as
 * running once update-service sets the desired count), and a CloudFront distribution whose origin
 * group has the two endpoints as members.
 */
import type { AwsCli } from '../../../harness/targets/aws/tools/aws-cli.js';
import { goodDistributionConfig } from './distribution.js';

export const EXPRESS_REGION = 'us-east-1';
export const PRIMARY_HOST = 'drill-primary.ecs.us-east-1.on.aws';
export const SECONDARY_HOST = 'drill-secondary.ecs.us-east-1.on.aws';
export const OTHER_HOST = 'someone-else.ecs.us-east-1.on.aws';
export const EXPRESS_STACK = 'drilltest';

export interface ExpressWorld {
  readonly primaryArn: string;
  readonly secondaryArn: string;
  readonly primaryTg: string;
  /** The primary's listener rule; it forwards to primaryTg. */
  readonly primaryRule: string;
  readonly otherRule: string;
  readonly distributionId: string;
}

const never = () => new AbortController().signal;

export async function buildExpressWorld(cli: AwsCli): Promise<ExpressWorld> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = <T = any>(svc: string, op: string, args: string[]) => cli.call<T>(svc, op, args, EXPRESS_REGION, never());
  const vpc = (await call('ec2', 'create-vpc', ['--cidr-block', '10.0.0.0/16'])).Vpc.VpcId;
  const subnets: string[] = [];
  for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries()) {
    const args = ['--vpc-id', vpc, '--cidr-block', `10.0.${i}.0/24`, '--availability-zone', az];
    subnets.push((await call('ec2', 'create-subnet', args)).Subnet.SubnetId);
  }
  const lb = (await call('elbv2', 'create-load-balancer', ['--name', 'ecs-express-shared', '--subnets', ...subnets])).LoadBalancers[0]
    .LoadBalancerArn;
  const tg = async (name: string): Promise<string> =>
    (
      await call('elbv2', 'create-target-group', [
        ...['--name', name, '--protocol', 'HTTP', '--port', '8080', '--vpc-id', vpc, '--target-type', 'ip'],
      ])
    ).TargetGroups[0].TargetGroupArn;
  const listener = (
    await call('elbv2', 'create-listener', [
      ...['--load-balancer-arn', lb, '--protocol', 'HTTP', '--port', '80'],
      '--default-actions',
      JSON.stringify([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }]),
    ])
  ).Listeners[0].ListenerArn;
  const rule = async (host: string, target: string, priority: string): Promise<string> =>
    (
      await call('elbv2', 'create-rule', [
        ...['--listener-arn', listener, '--priority', priority],
        ...['--conditions', JSON.stringify([{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }])],
        ...['--actions', JSON.stringify([{ Type: 'forward', TargetGroupArn: target }])],
      ])
    ).Rules[0].RuleArn;
  const primaryTg = await tg('drill-primary-tg');
  const secondaryTg = await tg('drill-secondary-tg');
  const otherRule = await rule(OTHER_HOST, await tg('someone-else-tg'), '1');
  const primaryRule = await rule(PRIMARY_HOST, primaryTg, '2');
  await rule(SECONDARY_HOST, secondaryTg, '3');
  await call('ecs', 'create-cluster', ['--cluster-name', 'default']);
  await call('ecs', 'register-task-definition', [
    ...['--family', 'drill', '--requires-compatibilities', 'FARGATE', '--network-mode', 'awsvpc', '--cpu', '256', '--memory', '512'],
    '--container-definitions',
    JSON.stringify([{ name: 'main', image: 'public.ecr.aws/docker/library/node:20-alpine', portMappings: [{ containerPort: 8080 }] }]),
  ]);
  const service = async (role: 'primary' | 'secondary', target: string): Promise<string> => {
    const arn = (
      await call('ecs', 'create-service', [
        ...['--cluster', 'default', '--service-name', `drill-${role}`, '--task-definition', 'drill', '--desired-count', '1'],
        '--load-balancers',
        JSON.stringify([{ targetGroupArn: target, containerName: 'main', containerPort: 8080 }]),
        '--tags',
        JSON.stringify([
          { key: 'ManagedBy', value: 'edge-failover' },
          { key: 'EdgeFailoverStack', value: EXPRESS_STACK },
          { key: 'EdgeFailoverRole', value: role },
        ]),
      ])
    ).service.serviceArn as string;
    await call('ecs', 'update-service', ['--cluster', 'default', '--service', arn, '--desired-count', '1']);
    return arn;
  };
  const primaryArn = await service('primary', primaryTg);
  const secondaryArn = await service('secondary', secondaryTg);
  const dist = await call('cloudfront', 'create-distribution', [
    '--distribution-config',
    JSON.stringify({ ...goodDistributionConfig(PRIMARY_HOST, SECONDARY_HOST), CallerReference: 'express-world' }),
  ]);
  return { primaryArn, secondaryArn, primaryTg, primaryRule, otherRule, distributionId: dist.Distribution.Id };
}
