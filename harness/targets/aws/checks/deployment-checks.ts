/**
 * What must hold in the live deployment before the primary may be faulted, as pure functions of what
 * `cloudfront get-distribution-config`, `get-distribution`, the backend's describe call and its tags
 * returned (the cache behaviors' checks are behavior-checks.ts's); the backend's own part (its fault's status code, its services' state, ECS Express's
 * listener rules) comes from its BackendChecks. Each finding names the setting, the value found and
 * what it must be. The facts behind each check are in docs/aws-behaviour.md (origin groups,
 * managed policies, error caching, ECS service status) and core/aws-facts.ts.
 */
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, ROLE_TAG, STACK_TAG } from '../../../../stacks/contract.js';
import type { BackendChecks } from '../backends/service-backend.js';
import type { Finding, LiveService, Role } from '../wire.js';
import { type BehaviorFacts, checkBehaviors } from './behavior-checks.js';

export interface DeploymentFacts extends BehaviorFacts {
  readonly distributionId: string;
  /** get-distribution Status: InProgress or Deployed. */
  readonly status: string;
  readonly services: Readonly<Record<Role, LiveService>>;
  readonly stackName: string;
  /** The backend's part of the checks. */
  readonly backend: BackendChecks;
}

/** Every check, in the order they are reported. */
export function checkDeployment(f: DeploymentFacts): Finding[] {
  const out: Finding[] = [];
  const add = (check: string, setting: string, ok: boolean, found: string, expected: string, severity: Finding['severity'] = 'error') =>
    out.push({ check, setting, found, expected, ok, severity });
  const c = f.config;
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
    out.push(...f.backend.service(s));
    const expect: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: f.stackName, [ROLE_TAG]: s.role };
    for (const [k, v] of Object.entries(expect)) {
      add(`${s.role}-tag-${k}`, `${s.role} service tag ${k}`, s.tags[k] === v, s.tags[k] ?? 'missing', v);
    }
  }
  out.push(...f.backend.services([primary, secondary]));
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
