/**
 * Before the preflight: both services must be in the state a drill starts from, each read with its
 * backend's own API. App Runner: describe-service says RUNNING. ECS Express: ecs describe-services
 * says ACTIVE with at least one running task (ecs-service.ts). A refusal names the service and the
 * command that shows or fixes it.
 */
import type { EdgeFailoverConfig } from '../../../../config/index.js';
import type { Role } from '../../target.js';
import type { AwsCli, ServiceDescription } from '../tools/aws-cli.js';
import { type EcsServiceDescription, describeEcsService, ecsNotReady, tasksText } from '../backends/ecs-service.js';
import { AwsTargetError } from '../tools/errors.js';
import type { StackRefs } from '../stack-refs.js';

/** What was read, by backend, so the preflight need not read it again. */
export interface ReadServices {
  readonly appRunner?: Partial<Record<Role, ServiceDescription>>;
  readonly ecs?: Partial<Record<Role, EcsServiceDescription>>;
}

export async function checkServicesReady(
  cli: AwsCli,
  refs: StackRefs,
  backend: EdgeFailoverConfig['service']['backend'],
  signal: AbortSignal,
  log: (line: string) => void = () => {},
  known: ReadServices = {},
): Promise<ReadServices> {
  const one = async (role: Role): Promise<EcsServiceDescription | ServiceDescription> => {
    const s = refs.services[role];
    if (backend === 'ecs-express') {
      const d = known.ecs?.[role] ?? (await describeEcsService(cli, s.serviceArn, s.region, signal));
      const problem = ecsNotReady(role, s.region, d);
      if (problem) throw problem;
      log(`${role}: ECS service ${s.serviceArn} ACTIVE, ${tasksText(d)}`);
      return d;
    }
    const d = known.appRunner?.[role] ?? (await cli.describeService(s.serviceArn, s.region, signal));
    if (d.status !== 'RUNNING') {
      throw new AwsTargetError(
        'external',
        `The ${role} App Runner service ${s.serviceArn} is ${d.status}; the drill starts only from RUNNING`,
        {
          recovery:
            d.status === 'PAUSED'
              ? `Resume it if nobody paused it on purpose: aws apprunner resume-service --service-arn ${s.serviceArn} --region ${s.region}`
              : `Wait for it to be RUNNING (aws apprunner describe-service --service-arn ${s.serviceArn} --region ${s.region}), then start again.`,
        },
      );
    }
    return d;
  };
  // Both at once; when both fail, the primary's failure is the one reported.
  const [p, s] = await Promise.allSettled([one('primary'), one('secondary')]);
  if (p.status === 'rejected') throw p.reason;
  if (s.status === 'rejected') throw s.reason;
  const both = { primary: p.value, secondary: s.value };
  return backend === 'ecs-express'
    ? { ecs: both as Record<Role, EcsServiceDescription> }
    : { appRunner: both as Record<Role, ServiceDescription> };
}
