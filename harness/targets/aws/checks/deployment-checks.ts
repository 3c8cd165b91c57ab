/**
 * What must hold in the live deployment before the primary may be paused (App Runner) or its
 * listener rule faulted (ECS Express), as pure functions of what `cloudfront get-distribution-config`,
 * `get-distribution`, the backend's describe call and `list-tags-for-resource` returned (and, for ECS
 * Express, the listener rules: ecs-checks.ts). Each finding names the setting, the value found and
 * what it must be. The facts behind each check are in docs/aws-behaviour.md (origin groups,
 * managed policies, error caching, ECS service status) and core/aws-facts.ts.
 */
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, ROLE_TAG, STACK_TAG } from '../../../../stacks/contract.js';
import type { Role } from '../../target.js';
import { type LiveRule, checkListenerRules } from '../backends/ecs-checks.js';
import { checkBehaviors } from './behavior-checks.js';

export interface Finding {
  /** A short stable id, e.g. "failover-criteria-404". */
  readonly check: string;
  /** The setting, as a path in the AWS API's shape, e.g. "OriginGroups.Items[0].FailoverCriteria.StatusCodes". */
  readonly setting: string;
  readonly found: string;
  readonly expected: string;
  /** error: pausing is refused; warning: reported, not refused. */
  readonly severity: 'error' | 'warning';
  readonly ok: boolean;
}

/** The CLI's JSON for a DistributionConfig, as far as the checks read it. */
export interface DistributionConfigJson {
  readonly Enabled?: boolean;
  readonly Origins?: { readonly Items?: readonly { readonly Id: string; readonly DomainName: string }[] };
  readonly OriginGroups?: {
    readonly Items?: readonly {
      readonly Id: string;
      readonly FailoverCriteria?: { readonly StatusCodes?: { readonly Items?: readonly number[] } };
      readonly Members?: { readonly Items?: readonly { readonly OriginId: string }[] };
    }[];
  };
  readonly DefaultCacheBehavior?: CacheBehaviorJson;
  /** The ordered behaviors, matched before the default one. */
  readonly CacheBehaviors?: { readonly Items?: readonly CacheBehaviorJson[] };
  readonly CustomErrorResponses?: { readonly Items?: readonly { readonly ErrorCode: number; readonly ErrorCachingMinTTL?: number }[] };
}

/** A cache behavior in the CLI's JSON, as far as the checks read it (the default behavior has no PathPattern). */
export interface CacheBehaviorJson {
  readonly PathPattern?: string;
  readonly TargetOriginId?: string;
  readonly AllowedMethods?: { readonly Items?: readonly string[] };
  readonly CachePolicyId?: string;
  readonly OriginRequestPolicyId?: string;
  readonly ForwardedValues?: { readonly Headers?: { readonly Items?: readonly string[] } };
}

/** get-origin-request-policy's OriginRequestPolicyConfig, as far as the checks read it. */
export interface OriginRequestPolicyConfigJson {
  readonly Name?: string;
  readonly HeadersConfig?: { readonly HeaderBehavior?: string; readonly Headers?: { readonly Items?: readonly string[] } };
}

export interface LiveService {
  readonly role: Role;
  readonly serviceArn: string;
  /** The service URL's host name (App Runner: describe-service ServiceUrl; ECS Express: its endpoint). */
  readonly host: string;
  /** App Runner: RUNNING, PAUSED, …; ECS: ACTIVE, DRAINING, INACTIVE. */
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  /** ECS Express: the service's task counts (ecs describe-services). */
  readonly tasks?: { readonly running: number; readonly desired: number; readonly pending: number };
  /** ECS Express: the service's listener rule as found (or not) on its load balancer. */
  readonly rule?: LiveRule;
}

export interface DeploymentFacts {
  readonly distributionId: string;
  readonly config: DistributionConfigJson;
  /** get-distribution Status: InProgress or Deployed. */
  readonly status: string;
  readonly services: Readonly<Record<Role, LiveService>>;
  /** The failover codes the project's config asks for. */
  readonly configCodes: readonly number[];
  readonly stackName: string;
  /** @default 'apprunner' */
  readonly backend?: 'apprunner' | 'ecs-express';
  /** The origin request policies no managed policy covers, read by id (get-origin-request-policy). @default none */
  readonly originRequestPolicies?: Readonly<Record<string, OriginRequestPolicyConfigJson>>;
  /** The stack's write paths (failover.writePaths): behaviors that may target the primary alone. @default none */
  readonly writePaths?: readonly string[];
  /** Path patterns the user accepts served by the primary alone (--accept-behavior). @default none */
  readonly acceptedBehaviors?: readonly string[];
}

/** Every check, in the order they are reported. */
export function checkDeployment(f: DeploymentFacts): Finding[] {
  const out: Finding[] = [];
  const add = (check: string, setting: string, ok: boolean, found: string, expected: string, severity: Finding['severity'] = 'error') =>
    out.push({ check, setting, found, expected, ok, severity });
  const c = f.config;
  const ecs = f.backend === 'ecs-express';
  checkBehaviors(f, add);
  add('distribution-enabled', 'DistributionConfig.Enabled', c.Enabled === true, String(c.Enabled ?? 'unset'), 'true');
  add('distribution-deployed', 'Distribution.Status', f.status === 'Deployed', f.status, 'Deployed');
  const { primary, secondary } = f.services;
  add(
    'services-distinct',
    '--primary-service-arn, --secondary-service-arn',
    primary.serviceArn !== secondary.serviceArn,
    primary.serviceArn === secondary.serviceArn ? `the same service twice (${primary.serviceArn})` : 'two services',
    'two different services',
  );
  for (const s of [primary, secondary]) {
    if (ecs) {
      add(`${s.role}-active`, `${s.role} ECS service status`, s.status === 'ACTIVE', s.status, 'ACTIVE');
      const t = s.tasks ?? { running: 0, desired: 0, pending: 0 };
      add(
        `${s.role}-running-tasks`,
        `${s.role} ECS service runningCount, desiredCount`,
        t.running >= 1 && t.desired >= 1,
        `${t.running} running of ${t.desired} desired (${t.pending} pending)`,
        'at least 1 running and 1 desired (a desired count of 0: someone scaled it to zero; the drill never does)',
      );
    } else {
      add(`${s.role}-running`, `${s.role} service Status`, s.status === 'RUNNING', s.status, 'RUNNING');
    }
    const expect: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: f.stackName, [ROLE_TAG]: s.role };
    for (const [k, v] of Object.entries(expect)) {
      add(`${s.role}-tag-${k}`, `${s.role} service tag ${k}`, s.tags[k] === v, s.tags[k] ?? 'missing', v);
    }
  }
  if (ecs) out.push(...checkListenerRules([primary, secondary]));
  return out;
}

/** The findings that refuse a pause. */
export const blocking = (findings: readonly Finding[]) => findings.filter((x) => !x.ok && x.severity === 'error');

/** One line per finding: "setting = found: must be expected". */
export function describeFinding(x: Finding): string {
  return `${x.setting} = ${x.found}: must be ${x.expected}`;
}

/** The findings as an aligned text table (every check, ok or not). */
export function findingsTable(findings: readonly Finding[]): string {
  const rows = findings.map((x) => [x.ok ? 'ok' : x.severity === 'error' ? 'FAIL' : 'warn', x.check, x.setting, x.found, x.expected]);
  const head = ['result', 'check', 'setting', 'found', 'expected'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((v, i) => (i < r.length - 1 ? v.padEnd(widths[i]!) : v))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
