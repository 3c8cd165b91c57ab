/**
 * What must hold in the live deployment before the primary may be faulted, as pure functions of what
 * `cloudfront get-distribution-config`, `get-distribution`, the backend's describe call and its tags
 * returned; the backend's own part (its fault's status code, its services' state, ECS Express's
 * listener rules) comes from its BackendChecks. Each finding names the setting, the value found and
 * what it must be. The facts behind each check are in docs/aws-behaviour.md (origin groups,
 * managed policies, error caching, ECS service status) and core/aws-facts.ts.
 */
import { MANAGED_CACHE_POLICY, ORIGIN_GROUP_METHODS } from '../../../../core/aws-facts.js';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, ROLE_TAG, STACK_TAG } from '../../../../stacks/contract.js';
import type { BackendChecks } from '../backends/service-backend.js';
import type { DistributionConfigJson, Finding, LiveService, Role } from '../wire.js';

/** Managed origin request policies that forward the viewer's Host header (App Runner then answers 404). */
export const HOST_FORWARDING_ORIGIN_REQUEST_POLICIES: Readonly<Record<string, string>> = {
  '216adef6-5c7f-47e4-b989-5492eafa07d3': 'AllViewer',
  '33f36d7e-f396-46d9-90e0-52428a34d9dc': 'AllViewerAndCloudFrontHeaders-2022-06',
};

export interface DeploymentFacts {
  readonly distributionId: string;
  readonly config: DistributionConfigJson;
  /** get-distribution Status: InProgress or Deployed. */
  readonly status: string;
  readonly services: Readonly<Record<Role, LiveService>>;
  /** The failover codes the project's config asks for. */
  readonly configCodes: readonly number[];
  readonly stackName: string;
  /** The backend's part of the checks. */
  readonly backend: BackendChecks;
}

const list = (xs: readonly unknown[] | undefined) => (xs && xs.length ? xs.map(String).join(', ') : 'none');
const sortNum = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const host = (domain: string) => domain.replace(/^https?:\/\//, '').replace(/\/.*$/, '');

/** Every check, in the order they are reported. */
export function checkDeployment(f: DeploymentFacts): Finding[] {
  const out: Finding[] = [];
  const add = (check: string, setting: string, ok: boolean, found: string, expected: string, severity: Finding['severity'] = 'error') =>
    out.push({ check, setting, found, expected, ok, severity });
  const c = f.config;
  const dcb = c.DefaultCacheBehavior ?? {};
  const groups = c.OriginGroups?.Items ?? [];
  const gi = groups.findIndex((g) => g.Id === dcb.TargetOriginId);
  const group = gi >= 0 ? groups[gi] : undefined;
  add(
    'default-behavior-targets-group',
    'DefaultCacheBehavior.TargetOriginId',
    group !== undefined,
    JSON.stringify(dcb.TargetOriginId ?? null) + (group ? ' (an origin group)' : ' (not an origin group)'),
    `an origin group (groups: ${list(groups.map((g) => g.Id))})`,
  );
  const gPath = `OriginGroups.Items[${gi}]`;
  const origins = c.Origins?.Items ?? [];
  const members = group?.Members?.Items ?? [];
  (['primary', 'secondary'] as const).forEach((role, i) => {
    const want = f.services[role].host;
    const got = origins.find((o) => o.Id === members[i]?.OriginId);
    add(
      `group-member-${role}`,
      `${gPath}.Members.Items[${i}]`,
      got !== undefined && host(got.DomainName) === want,
      got ? `origin ${got.Id} (${host(got.DomainName)})` : members[i] ? `origin ${members[i]!.OriginId} (not found)` : 'no member',
      `the ${role} service's domain ${want}`,
    );
  });
  const codes = group?.FailoverCriteria?.StatusCodes?.Items ?? [];
  const faultCode = f.backend.faultStatus;
  add(
    `failover-criteria-${faultCode}`,
    `${gPath}.FailoverCriteria.StatusCodes`,
    codes.includes(faultCode),
    list(sortNum(codes)),
    f.backend.faultStatusReason,
  );
  const missing = f.configCodes.filter((x) => !codes.includes(x));
  add(
    'failover-criteria-config',
    `${gPath}.FailoverCriteria.StatusCodes`,
    missing.length === 0,
    list(sortNum(codes)),
    `every code of failover.statusCodes (${list(sortNum(f.configCodes))}); missing: ${list(missing)}`,
  );
  const methods = dcb.AllowedMethods?.Items ?? [];
  const extra = methods.filter((m) => !(ORIGIN_GROUP_METHODS as readonly string[]).includes(m));
  add(
    'group-methods',
    'DefaultCacheBehavior.AllowedMethods',
    extra.length === 0 && methods.length > 0,
    list(methods),
    `only ${ORIGIN_GROUP_METHODS.join(', ')} (only they fail over)`,
  );
  add(
    'cache-policy',
    'DefaultCacheBehavior.CachePolicyId',
    dcb.CachePolicyId === MANAGED_CACHE_POLICY.CachingDisabled,
    dcb.CachePolicyId ?? 'none (legacy cache settings)',
    `${MANAGED_CACHE_POLICY.CachingDisabled} (CachingDisabled); otherwise a cached response can hide failover and failback`,
    'warning',
  );
  const named = dcb.OriginRequestPolicyId ? HOST_FORWARDING_ORIGIN_REQUEST_POLICIES[dcb.OriginRequestPolicyId] : undefined;
  const legacyHost = (dcb.ForwardedValues?.Headers?.Items ?? []).some((h) => h === '*' || h.toLowerCase() === 'host');
  add(
    'origin-request-host',
    named || !legacyHost ? 'DefaultCacheBehavior.OriginRequestPolicyId' : 'DefaultCacheBehavior.ForwardedValues.Headers',
    !named && !legacyHost,
    named ? `${dcb.OriginRequestPolicyId} (${named}, forwards Host)` : legacyHost ? 'forwards Host' : (dcb.OriginRequestPolicyId ?? 'none'),
    `a policy that does not forward the viewer's Host (e.g. AllViewerExceptHostHeader): ${f.backend.hostRouting}`,
  );
  const responses = c.CustomErrorResponses?.Items ?? [];
  for (const code of sortNum([...new Set([...codes, ...f.configCodes])])) {
    const r = responses.find((x) => x.ErrorCode === code);
    add(
      `error-caching-ttl-${code}`,
      `CustomErrorResponses[ErrorCode=${code}].ErrorCachingMinTTL`,
      r?.ErrorCachingMinTTL === 0,
      r ? String(r.ErrorCachingMinTTL ?? 'unset (10 s)') : 'no custom error response (CloudFront caches it for 10 s)',
      '0, so neither the error nor failback is delayed',
    );
  }
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
