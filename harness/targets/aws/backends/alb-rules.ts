/**
 * The listener rule of an ECS Express service, which the ECS Express fault changes (ecs-express.ts).
 * The rule is found from the service, never guessed: ecs describe-services gives the service's target
 * group, describe-target-groups its load balancer, describe-listeners and describe-rules the rules; the
 * one that is the service's own has a host-header condition naming the service's endpoint host and
 * forwards to its target group.
 */
import { ALB_FIXED_RESPONSE_FAULT } from '../../../../core/aws-facts.js';
import type { AwsCli } from '../tools/aws-cli.js';
import { describeEcsService, describeServicesCommand } from './ecs-service.js';
import { AwsTargetError } from '../tools/errors.js';
import type { AlbAction, AlbRule } from '../wire.js';

export interface ExpressServiceRef {
  readonly role: 'primary' | 'secondary';
  readonly region: string;
  /** The ECS service ARN (the Express service's serviceArn; its cluster is read from it). */
  readonly serviceArn: string;
  /** The endpoint host (the CloudFront origin), without scheme. */
  readonly endpointHost: string;
}

export interface ServiceRule {
  readonly service: ExpressServiceRef;
  readonly targetGroupArn: string;
  readonly listenerArn: string;
  readonly rule: AlbRule;
}

/** The hosts a rule's host-header conditions match, lower case. */
function ruleHosts(rule: AlbRule): string[] {
  return (rule.Conditions ?? [])
    .filter((c) => c.Field === 'host-header')
    .flatMap((c) => [...(c.HostHeaderConfig?.Values ?? []), ...(c.Values ?? [])])
    .map((h) => h.toLowerCase());
}

/** The target groups a rule forwards to. */
export function forwardTargets(actions: readonly AlbAction[]): string[] {
  return actions
    .filter((a) => a.Type === 'forward')
    .flatMap((a) => [
      ...(a.TargetGroupArn ? [a.TargetGroupArn] : []),
      ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn ?? ''),
    ])
    .filter(Boolean);
}

/** Why a rule is not this service's own (empty: it is). */
export function ruleProblems(rule: AlbRule, host: string, targetGroupArn: string): string[] {
  const problems: string[] = [];
  if (rule.IsDefault) problems.push('it is the listener default rule, shared by every service on the load balancer');
  if (!ruleHosts(rule).includes(host.toLowerCase())) problems.push(`its host-header condition does not name ${host}`);
  const faulted = rule.Actions.some((a) => a.Type === 'fixed-response');
  if (!faulted && !forwardTargets(rule.Actions).includes(targetGroupArn))
    problems.push(`it does not forward to the service's target group ${targetGroupArn}`);
  return problems;
}

/**
 * Finds the listener rule of an Express service; throws naming what is missing. `targetGroupArn`, when
 * the caller has already read the service (describeEcsService), saves the describe-services call.
 */
export async function findServiceRule(
  cli: AwsCli,
  s: ExpressServiceRef,
  signal: AbortSignal,
  known?: { readonly targetGroupArn?: string },
): Promise<ServiceRule> {
  const r = s.region;
  const targetGroupArn =
    known?.targetGroupArn ?? (await describeEcsService(cli, s.serviceArn, r, signal).then((d) => d.targetGroupArns[0]));
  if (!targetGroupArn) {
    throw new AwsTargetError('external', `The ${s.role} ECS service ${s.serviceArn} has no load balancer target group`, {
      recovery: `Check the service: ${describeServicesCommand(s.serviceArn, r)}`,
    });
  }
  const tgs = await cli.call<{ TargetGroups?: { LoadBalancerArns?: string[] }[] }>(
    'elbv2',
    'describe-target-groups',
    ['--target-group-arns', targetGroupArn],
    r,
    signal,
  );
  const lbs = tgs.TargetGroups?.[0]?.LoadBalancerArns ?? [];
  for (const lb of lbs) {
    const listeners = await cli.call<{ Listeners?: { ListenerArn: string }[] }>(
      'elbv2',
      'describe-listeners',
      ['--load-balancer-arn', lb],
      r,
      signal,
    );
    for (const l of listeners.Listeners ?? []) {
      const rules = await cli.call<{ Rules?: AlbRule[] }>('elbv2', 'describe-rules', ['--listener-arn', l.ListenerArn], r, signal);
      const own = (rules.Rules ?? []).find((rule) => ruleProblems(rule, s.endpointHost, targetGroupArn).length === 0);
      if (own) return { service: s, targetGroupArn, listenerArn: l.ListenerArn, rule: own };
    }
  }
  throw new AwsTargetError(
    'external',
    `No listener rule of the ${s.role} ECS Express service: none has a host-header condition for ${s.endpointHost} forwarding to ${targetGroupArn} (load balancers: ${lbs.join(', ') || 'none'})`,
    {
      recovery: `List the rules: aws elbv2 describe-rules --listener-arn <listener of ${lbs[0] ?? 'the service load balancer'}> --region ${r}`,
    },
  );
}

/** The fault's actions: one fixed-response 503 (a failover code). */
export function fixedResponseActions(): AlbAction[] {
  return [
    {
      Type: 'fixed-response',
      FixedResponseConfig: {
        StatusCode: ALB_FIXED_RESPONSE_FAULT.statusCode,
        ContentType: ALB_FIXED_RESPONSE_FAULT.contentType,
        MessageBody: ALB_FIXED_RESPONSE_FAULT.messageBody,
      } as AlbAction['FixedResponseConfig'],
    },
  ];
}

/** JSON with object keys sorted: the same actions read back compare equal whatever the key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}
