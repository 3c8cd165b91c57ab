/**
 * The ECS Express backend (docs/aws-behaviour.md#alb-listener-rules-and-fail-open). ECS Express has
 * no pause, so `--fault pause` changes the service's ALB listener rule (alb-rules.ts finds it) to a
 * fixed-response 503 and puts the rule's original actions back afterwards. The original actions are
 * journaled before modify-rule, and restored exactly (read back and compared) before the journal lets
 * go of them. The services are read with the plain ECS API (ecs-service.ts); a drill starts only from
 * a service that is ACTIVE with a running task.
 */
import { ALB_FIXED_RESPONSE_FAULT } from '../../../../core/aws-facts.js';
import type { AwsCli } from '../tools/aws-cli.js';
import { AwsTargetError } from '../tools/errors.js';
import { RULE_NOT_CHANGED, firstLineOf } from '../tools/retry.js';
import { hostOf } from '../hosts.js';
import type { AlbRule, EcsServiceDescription, JournalFault, LiveRule, LiveService } from '../wire.js';
import { canonical, findServiceRule, fixedResponseActions } from './alb-rules.js';
import { checkListenerRules, describeActions } from './ecs-checks.js';
import { describeEcsService, ecsNotReady, ecsServiceTags, tasksText } from './ecs-service.js';
import { checkManaged } from './managed.js';
import {
  type BackendContext,
  type FaultLedger,
  type FaultState,
  type ServiceBackend,
  type StackService,
  makeFault,
} from './service-backend.js';

const KEY = 'ecs-express';

/** What the report says `pause` means with this backend. */
const ECS_PAUSE_MEANING = 'ECS Express has no pause: the listener rule is changed to a fixed-response 503 and restored after';

/** The rule's actions as describe-rules reads them now. */
async function ruleActions(cli: AwsCli, ruleArn: string, region: string, signal: AbortSignal): Promise<AlbRule['Actions'] | undefined> {
  const back = await cli.call<{ Rules?: AlbRule[] }>('elbv2', 'describe-rules', ['--rule-arns', ruleArn], region, signal);
  return back.Rules?.[0]?.Actions;
}

/** An ECS Express service as the checks see it: status and tasks, tags, and its listener rule (or why none was found). */
async function inspectExpress(cli: AwsCli, s: StackService, known: EcsServiceDescription | undefined, signal: AbortSignal): Promise<LiveService> {
  const [d, tags] = await Promise.all([
    known ?? describeEcsService(cli, s.serviceArn, s.region, signal),
    ecsServiceTags(cli, s.serviceArn, s.region, signal),
  ]);
  const host = hostOf(s.url);
  const targetGroupArn = d.targetGroupArns[0];
  let rule: LiveRule;
  if (!targetGroupArn) {
    rule = { region: s.region, notFound: 'none: the service has no load balancer target group (describe-services loadBalancers is empty)' };
  } else {
    try {
      const found = await findServiceRule(cli, { role: s.role, region: s.region, serviceArn: s.serviceArn, endpointHost: host }, signal, {
        targetGroupArn,
      });
      rule = { region: s.region, targetGroupArn, listenerArn: found.listenerArn, rule: found.rule };
    } catch (error) {
      if (!(error instanceof AwsTargetError) || error.kind !== 'external') throw error;
      rule = { region: s.region, targetGroupArn, notFound: error.message.split('\n')[0]! };
    }
  }
  return {
    role: s.role,
    serviceArn: s.serviceArn,
    host,
    status: d.status,
    tags,
    tasks: { running: d.runningCount, desired: d.desiredCount, pending: d.pendingCount },
    rule,
  };
}

/**
 * Makes the fault on the service's listener rule (found by findServiceRule): journals the rule's
 * original actions, then modify-rule to the fixed-response 503 under makeFault's rule. An ambiguous
 * outcome is decided by describe-rules: the fault's actions → in place; the original → not started.
 */
export async function faultRule(ctx: BackendContext, s: StackService, rule: AlbRule, ledger: FaultLedger): Promise<void> {
  const { cli, signal, log } = ctx;
  log(`pause on ECS Express: ${ECS_PAUSE_MEANING}; rule ${rule.RuleArn}`);
  if (rule.Actions.some((a) => a.Type === 'fixed-response')) {
    throw new AwsTargetError('usage', `The ${s.role} listener rule ${rule.RuleArn} already answers a fixed response; it is not its original state`, {
      recovery: 'Restore the rule first: dr-drill recover --target aws, or aws elbv2 modify-rule with its forward action',
    });
  }
  const fault: JournalFault = {
    backend: KEY,
    role: s.role,
    region: s.region,
    serviceArn: s.serviceArn,
    resource: rule.RuleArn,
    undo: rule.Actions,
    undoCommands: [{ region: s.region, args: ['elbv2', 'modify-rule', '--rule-arn', rule.RuleArn, '--actions', JSON.stringify(rule.Actions)] }],
  };
  await ledger.faultOwed(fault, describeActions(rule.Actions));
  const faulted = fixedResponseActions();
  const readState = async (): Promise<FaultState> => {
    const now = canonical(await ruleActions(cli, rule.RuleArn, s.region, signal));
    if (now === canonical(faulted)) return 'started';
    if (now === canonical(rule.Actions)) return 'not-started';
    throw new AwsTargetError('external', `the ${s.role} listener rule ${rule.RuleArn} reads neither its original actions nor the fault: ${now}`);
  };
  await makeFault({
    what: `modify-rule of the ${s.role} listener rule`,
    fault,
    ledger,
    log,
    call: () => cli.mutate('elbv2', 'modify-rule', ['--rule-arn', rule.RuleArn, '--actions', JSON.stringify(faulted)], s.region, signal),
    refusals: RULE_NOT_CHANGED,
    readState,
  });
  await ledger.faultInPlace(rule.RuleArn, `the ${s.role} listener rule answers a fixed-response ${ALB_FIXED_RESPONSE_FAULT.statusCode}`);
}

export const ecsExpressBackend: ServiceBackend = {
  key: KEY,
  noun: 'ECS Express service',
  faultVerb: "fault the primary's listener rule",
  faultStep: (role, region) =>
    `fault the ${role}'s listener rule (a fixed-response ${ALB_FIXED_RESPONSE_FAULT.statusCode}) in ${region}, then put its actions back`,
  details: { backend: KEY, pauseFault: ECS_PAUSE_MEANING },
  iamActions: [
    'ecs:DescribeServices',
    'ecs:ListTagsForResource',
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeListeners',
    'elasticloadbalancing:DescribeRules',
    'elasticloadbalancing:ModifyRule',
  ],
  arn: { pattern: /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service\/.+/, allowed: 'an ECS service ARN (service.backend "ecs-express")' },
  endpointsFromOptions: true,
  refusalHint: 'a listener rule answering a fixed response is restored by `dr-drill recover --target aws` when a drill journaled it',

  explicitService(_cli, _s, endpoint) {
    return Promise.resolve({ url: `https://${hostOf(endpoint ?? '')}` });
  },

  async ready(ctx, s, known) {
    const d = (known as EcsServiceDescription | undefined) ?? (await describeEcsService(ctx.cli, s.serviceArn, s.region, ctx.signal));
    const problem = ecsNotReady(s.role, s.region, d);
    if (problem) throw problem;
    ctx.log(`${s.role}: ECS service ${s.serviceArn} ACTIVE, ${tasksText(d)}`);
    return d;
  },

  inspect: (cli, s, known, signal) => inspectExpress(cli, s, known as EcsServiceDescription | undefined, signal),

  checks: {
    faultStatus: Number(ALB_FIXED_RESPONSE_FAULT.statusCode),
    faultStatusReason: `the ECS Express fault makes the primary's listener rule answer a fixed-response ${ALB_FIXED_RESPONSE_FAULT.statusCode}`,
    outage: `while the primary's listener rule is faulted they get its fixed-response ${ALB_FIXED_RESPONSE_FAULT.statusCode}`,
    hostRouting: "the Express ALB routes by Host and does not reach the service's rule with any other",
    service: (s) => {
      const t = s.tasks ?? { running: 0, desired: 0, pending: 0 };
      return [
        {
          check: `${s.role}-active`,
          setting: `${s.role} ECS service status`,
          ok: s.status === 'ACTIVE',
          found: s.status,
          expected: 'ACTIVE',
          severity: 'error',
        },
        {
          check: `${s.role}-running-tasks`,
          setting: `${s.role} ECS service runningCount, desiredCount`,
          ok: t.running >= 1 && t.desired >= 1,
          found: `${t.running} running of ${t.desired} desired (${t.pending} pending)`,
          expected: 'at least 1 running and 1 desired (a desired count of 0: someone scaled it to zero; the drill never does)',
          severity: 'error',
        },
      ];
    },
    services: (all) => checkListenerRules(all),
  },

  async inject(ctx, s, ledger) {
    const { cli, signal } = ctx;
    checkManaged(ctx, s.role, `fault the listener rule of ${s.serviceArn}`, await ecsServiceTags(cli, s.serviceArn, s.region, signal));
    const found = await findServiceRule(cli, { role: s.role, region: s.region, serviceArn: s.serviceArn, endpointHost: hostOf(s.url) }, signal);
    await faultRule(ctx, s, found.rule, ledger);
  },

  async undo(ctx, f, ledger) {
    const { cli, signal } = ctx;
    const original = f.undo as AlbRule['Actions'];
    // Whatever modify-rule answers (a lost answer included), the rule read back decides.
    const r = await cli.mutate('elbv2', 'modify-rule', ['--rule-arn', f.resource, '--actions', JSON.stringify(original)], f.region, signal);
    const actions = await ruleActions(cli, f.resource, f.region, signal);
    if (canonical(actions) !== canonical(original)) {
      throw new AwsTargetError(
        'external',
        `The ${f.role} listener rule ${f.resource} does not read back its original actions after restore (original ${JSON.stringify(original)}, now ${JSON.stringify(actions)})${r.ok ? '' : `; modify-rule: ${firstLineOf(r.error)}`}`,
        {
          cause: r.ok ? undefined : r.error,
          recovery: `Compare and fix by hand: aws elbv2 describe-rules --rule-arns ${f.resource} --region ${f.region}; the original actions are in the journal`,
        },
      );
    }
    await ledger.faultUndone(f.resource, `listener rule restored`);
    return `Restored the original actions of the ${f.role} listener rule (${f.resource}).`;
  },
};
