/**
 * The ECS Express part of the preflight, as pure functions of what alb-rules.ts's findServiceRule
 * found: each service's listener rule must exist on the service's own load balancer (found through
 * the service's target group, by the host-header condition naming its endpoint) and must forward to
 * that target group. A fixed-response there is a fault left behind (a drill that did not finish, or a
 * hand edit): faulting it again would journal the fault as the "original" actions, and on the
 * secondary it would answer the failover with an error too.
 */
import { forwardTargets } from './alb-rules.js';
import type { AlbAction, Finding, LiveService } from '../wire.js';

/** "forward to targetgroup/a/1", "fixed-response 503", … */
export function describeActions(actions: readonly AlbAction[]): string {
  if (actions.length === 0) return 'no actions';
  return actions
    .map((a) =>
      a.Type === 'forward'
        ? `forward to ${forwardTargets([a]).map(tgName).join(', ') || 'nothing'}`
        : a.Type === 'fixed-response'
          ? `fixed-response ${a.FixedResponseConfig?.StatusCode ?? '?'}`
          : String(a.Type),
    )
    .join(', ');
}

const tgName = (arn: string) => arn.replace(/^arn:[^:]*:elasticloadbalancing:[^:]*:[^:]*:/, '');

export function checkListenerRules(services: readonly Pick<LiveService, 'role' | 'host' | 'rule'>[]): Finding[] {
  const out: Finding[] = [];
  for (const s of services) {
    const r = s.rule;
    const tg = r?.targetGroupArn ?? "the service's target group";
    const found = r?.rule;
    out.push({
      check: `${s.role}-listener-rule`,
      setting: `${s.role} listener rule (host-header ${s.host})`,
      ok: found !== undefined,
      found: found ? `${found.RuleArn} (priority ${found.Priority ?? '?'})` : (r?.notFound ?? 'not looked up'),
      expected: `a rule of the service's own load balancer with a host-header condition for ${s.host}, forwarding to its target group ${tg}`,
      severity: 'error',
    });
    if (!found) continue;
    const faulted = found.Actions.some((a) => a.Type === 'fixed-response');
    const forwards = forwardTargets(found.Actions).includes(r?.targetGroupArn ?? '');
    out.push({
      check: `${s.role}-listener-rule-actions`,
      setting: `${found.RuleArn} Actions`,
      ok: !faulted && forwards,
      found: describeActions(found.Actions) + (faulted ? ' (a fault left behind?)' : ''),
      expected:
        `forward to the service's target group ${tg}` +
        (faulted
          ? `; restore it: dr-drill recover --target aws if a drill journaled it, otherwise aws elbv2 modify-rule --rule-arn ${found.RuleArn} --actions '[{"Type":"forward","TargetGroupArn":"${tg}"}]' --region ${r?.region ?? '<region>'}`
          : ''),
      severity: 'error',
    });
  }
  return out;
}
