/**
 * The ECS service behind an Express service, through the plain ECS API the AWS CLI v2 has
 * (`ecs describe-services`; the Express API is newer than the CLI, docs/aws-behaviour.md#ecs-service-status).
 * The drill starts only from a service that is ACTIVE with at least one running task.
 */
import type { AwsCli } from '../tools/aws-cli.js';
import { AwsTargetError } from '../tools/errors.js';
import type { EcsServiceDescription, Role } from '../wire.js';

/** The cluster of a service ARN (arn:…:service/<cluster>/<name>); the old form without one is in `default`. */
const clusterOf = (serviceArn: string): string => /:service\/([^/]+)\/[^/]+$/.exec(serviceArn)?.[1] ?? 'default';

/** The CLI command that shows the service, for recovery texts. */
export const describeServicesCommand = (serviceArn: string, region: string): string =>
  `aws ecs describe-services --cluster ${clusterOf(serviceArn)} --services ${serviceArn} --region ${region}`;

interface RawEcsService {
  serviceArn?: string;
  status?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  loadBalancers?: { targetGroupArn?: string }[];
}

/** describe-services of one service; a service ECS does not know (failures[], e.g. MISSING) is an error naming it. */
export async function describeEcsService(
  cli: AwsCli,
  serviceArn: string,
  region: string,
  signal: AbortSignal,
): Promise<EcsServiceDescription> {
  const r = await cli.call<{ services?: RawEcsService[]; failures?: { arn?: string; reason?: string; detail?: string }[] }>(
    'ecs',
    'describe-services',
    ['--cluster', clusterOf(serviceArn), '--services', serviceArn],
    region,
    signal,
  );
  const s = r.services?.find((x) => x.serviceArn === serviceArn) ?? r.services?.[0];
  if (!s) {
    const f = r.failures?.[0];
    throw new AwsTargetError(
      'external',
      `The ECS service ${serviceArn} was not found in ${region}${f ? `: ${f.reason ?? 'no reason'}${f.detail ? ` (${f.detail})` : ''}` : ''}`,
      { recovery: `Check the ARN and region: ${describeServicesCommand(serviceArn, region)}` },
    );
  }
  return {
    serviceArn: s.serviceArn ?? serviceArn,
    status: s.status ?? 'unknown',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    targetGroupArns: (s.loadBalancers ?? []).map((l) => l.targetGroupArn ?? '').filter(Boolean),
  };
}

/** "1 running of 1 desired (0 pending)". */
export const tasksText = (d: EcsServiceDescription): string =>
  `${d.runningCount} running of ${d.desiredCount} desired (${d.pendingCount} pending)`;

/** Why the drill may not start from this service (undefined: it may): not ACTIVE, or no running task. */
export function ecsNotReady(role: Role, region: string, d: EcsServiceDescription): AwsTargetError | undefined {
  const show = describeServicesCommand(d.serviceArn, region);
  if (d.status !== 'ACTIVE') {
    return new AwsTargetError('external', `The ${role} ECS service ${d.serviceArn} is ${d.status}; the drill starts only from ACTIVE`, {
      recovery: `A DRAINING or INACTIVE service is being deleted or is gone: deploy the stack again, then start again (${show}).`,
    });
  }
  if (d.runningCount < 1 || d.desiredCount < 1) {
    return new AwsTargetError(
      'external',
      `The ${role} ECS service ${d.serviceArn} has ${tasksText(d)}; the drill starts only with at least one running task`,
      {
        recovery:
          d.desiredCount < 1
            ? `Its desired count is 0: someone scaled it to zero (the drill never changes it). Scale it up if nobody did this on purpose: aws ecs update-service --cluster ${clusterOf(d.serviceArn)} --service ${d.serviceArn} --desired-count 1 --region ${region}`
            : `Wait until a task runs (${show}), then start again.`,
      },
    );
  }
  return undefined;
}

/** The ECS service's tags (ecs list-tags-for-resource). */
export async function ecsServiceTags(
  cli: AwsCli,
  serviceArn: string,
  region: string,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  const r = await cli.call<{ tags?: { key?: string; value?: string }[] }>(
    'ecs',
    'list-tags-for-resource',
    ['--resource-arn', serviceArn],
    region,
    signal,
  );
  return Object.fromEntries((r.tags ?? []).filter((t) => t.key !== undefined).map((t) => [t.key!, t.value ?? '']));
}
