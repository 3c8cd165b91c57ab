/**
 * The checks of the distribution's cache behaviors, pure: the default behavior and every ordered
 * behavior (`CacheBehaviors`), which CloudFront matches before the default one, so a path pattern
 * there takes its paths away from the origin group (docs/aws-behaviour.md#cache-behavior-path-patterns).
 *
 * - A behavior that targets an origin group gets the default behavior's checks: the group's members
 *   and failover codes, its methods, its cache policy and whether the viewer's Host reaches the origin.
 * - A behavior that targets the primary's origin alone serves GET and HEAD from the primary with no
 *   failover: refused, unless it is one of the stack's write paths (failover.writePaths) or the user
 *   accepted it (`--accept-behavior`).
 * - Error caching is the distribution's: every failover code of every group used, and of the config.
 */
import { MANAGED_CACHE_POLICY, MANAGED_ORIGIN_REQUEST_POLICIES, ORIGIN_GROUP_METHODS } from '../../../../core/aws-facts.js';
import { hostOf } from '../hosts.js';
import { AwsTargetError } from '../tools/errors.js';
import type { BackendChecks } from '../backends/service-backend.js';
import type { CacheBehaviorJson, DistributionConfigJson, Finding, LiveService, OriginRequestPolicyConfigJson, Role } from '../wire.js';

/** What the behavior checks read (deployment-checks.ts's DeploymentFacts extends it). */
export interface BehaviorFacts {
  readonly config: DistributionConfigJson;
  /** The services, for their hosts (the group's members must be them). */
  readonly services: Readonly<Record<Role, Pick<LiveService, 'host'>>>;
  /** The failover codes the project's config asks for. */
  readonly configCodes: readonly number[];
  /** The backend's status code for its fault, and the words for it. */
  readonly backend: Pick<BackendChecks, 'faultStatus' | 'faultStatusReason' | 'outage' | 'hostRouting'>;
  /** The origin request policies no managed policy covers, read by id (get-origin-request-policy). @default none */
  readonly originRequestPolicies?: Readonly<Record<string, OriginRequestPolicyConfigJson>>;
  /** The stack's write paths (failover.writePaths): behaviors that may target the primary alone. @default none */
  readonly writePaths?: readonly string[];
  /** Path patterns the user accepts served by the primary alone (--accept-behavior). @default none */
  readonly acceptedBehaviors?: readonly string[];
}

/** Header behaviors of an origin request policy that send every viewer header, Host among them (botocore OriginRequestPolicyHeaderBehavior). */
const ALL_VIEWER_HEADER_BEHAVIORS = ['allViewer', 'allViewerAndWhitelistCloudFront'];

type Add = (check: string, setting: string, ok: boolean, found: string, expected: string, severity?: Finding['severity']) => void;

const list = (xs: readonly unknown[] | undefined) => (xs && xs.length ? xs.map(String).join(', ') : 'none');
const sortNum = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
/** CloudFront treats a path pattern with and without its leading "/" alike. */
const samePattern = (a: string, b: string) => a.replace(/^\//, '') === b.replace(/^\//, '');
const isHost = (h: string) => h.toLowerCase() === 'host';

/**
 * The entry of `table` for `id`, own entries only: an id from the distribution's config named after
 * a member of Object.prototype ("constructor", "__proto__") names no entry.
 */
const own = <T>(table: Readonly<Record<string, T>>, id: string): T | undefined => (Object.hasOwn(table, id) ? table[id] : undefined);

/** Origin request policy ids the checks must read (get-origin-request-policy): those of no managed policy the project knows. */
export function originRequestPoliciesToRead(c: DistributionConfigJson): string[] {
  const ids = [c.DefaultCacheBehavior, ...(c.CacheBehaviors?.Items ?? [])].map((b) => b?.OriginRequestPolicyId);
  return [...new Set(ids.filter((id): id is string => !!id && own(MANAGED_ORIGIN_REQUEST_POLICIES, id) === undefined))];
}

/** `--accept-behavior` patterns must name ordered behaviors of the distribution: a usage error names the first that does not. */
export function checkAcceptedBehaviors(c: DistributionConfigJson, accepted: readonly string[], distributionId: string): void {
  const patterns = (c.CacheBehaviors?.Items ?? []).map((b) => b.PathPattern ?? '');
  const unknown = accepted.find((a) => !patterns.some((p) => samePattern(p, a)));
  if (unknown === undefined) return;
  throw new AwsTargetError(
    'usage',
    `--accept-behavior = ${JSON.stringify(unknown)}: allowed: the path pattern of a cache behavior of distribution ${distributionId} (${patterns.length ? patterns.map((p) => JSON.stringify(p)).join(', ') : 'it has none but the default behavior'})`,
  );
}

/** Whether the behavior sends the viewer's Host to the origin: the setting that decides it, what it says, and the answer. */
function hostForwarding(
  label: string,
  b: CacheBehaviorJson,
  policies: Readonly<Record<string, OriginRequestPolicyConfigJson>>,
): { setting: string; found: string; forwards: boolean } {
  const id = b.OriginRequestPolicyId;
  if (id) {
    const setting = `${label}.OriginRequestPolicyId`;
    const managed = own(MANAGED_ORIGIN_REQUEST_POLICIES, id);
    if (managed)
      return { setting, forwards: managed.forwardHost, found: `${id} (${managed.name}${managed.forwardHost ? ', forwards Host' : ''})` };
    const policy = own(policies, id);
    if (!policy) return { setting, forwards: true, found: `${id} (not read: get-origin-request-policy was not asked)` };
    const behavior = policy.HeadersConfig?.HeaderBehavior ?? 'none';
    const headers = policy.HeadersConfig?.Headers?.Items ?? [];
    const forwards =
      ALL_VIEWER_HEADER_BEHAVIORS.includes(behavior) ||
      (behavior === 'whitelist' && headers.some(isHost)) ||
      (behavior === 'allExcept' && !headers.some(isHost));
    const named = headers.length ? ` ${headers.join(', ')}` : '';
    return {
      setting,
      forwards,
      found: `${id} (${policy.Name ?? 'custom'}: headers ${behavior}${named}${forwards ? ', forwards Host' : ''})`,
    };
  }
  const legacy = b.ForwardedValues?.Headers?.Items ?? [];
  const forwards = legacy.some((h) => h === '*' || isHost(h));
  return forwards
    ? { setting: `${label}.ForwardedValues.Headers`, forwards, found: `${legacy.join(', ')} (forwards Host)` }
    : { setting: `${label}.OriginRequestPolicyId`, forwards, found: 'none' };
}

/** The findings about the distribution's behaviors, origin groups and error caching, in report order. */
export function checkBehaviors(f: BehaviorFacts, add: Add): void {
  const c = f.config;
  const { faultStatus: faultCode, faultStatusReason: fault, outage, hostRouting } = f.backend;
  const groups = c.OriginGroups?.Items ?? [];
  const origins = c.Origins?.Items ?? [];
  const policies = f.originRequestPolicies ?? {};
  const usedGroups: number[] = [];

  const checkGroup = (gi: number) => {
    if (usedGroups.includes(gi)) return;
    usedGroups.push(gi);
    const group = groups[gi]!;
    const gPath = `OriginGroups.Items[${gi}]`;
    const members = group.Members?.Items ?? [];
    (['primary', 'secondary'] as const).forEach((role, i) => {
      const want = f.services[role].host;
      const got = origins.find((o) => o.Id === members[i]?.OriginId);
      add(
        `group-member-${role}`,
        `${gPath}.Members.Items[${i}]`,
        got !== undefined && hostOf(got.DomainName) === want,
        got ? `origin ${got.Id} (${hostOf(got.DomainName)})` : members[i] ? `origin ${members[i]!.OriginId} (no such origin)` : 'no member',
        `the ${role} service's domain ${want}`,
      );
    });
    const codes = group.FailoverCriteria?.StatusCodes?.Items ?? [];
    add(
      `failover-criteria-${faultCode}`,
      `${gPath}.FailoverCriteria.StatusCodes`,
      codes.includes(faultCode),
      list(sortNum(codes)),
      `a list with ${faultCode}: ${fault}`,
    );
    const missing = f.configCodes.filter((x) => !codes.includes(x));
    add(
      'failover-criteria-config',
      `${gPath}.FailoverCriteria.StatusCodes`,
      missing.length === 0,
      list(sortNum(codes)),
      `a list with every code of failover.statusCodes (${list(sortNum(f.configCodes))}); missing: ${list(missing)}`,
    );
  };

  const checkHost = (label: string, b: CacheBehaviorJson) => {
    const h = hostForwarding(label, b, policies);
    add(
      'origin-request-host',
      h.setting,
      !h.forwards,
      h.found,
      `a policy that does not send the viewer's Host (e.g. AllViewerExceptHostHeader): ${hostRouting}`,
    );
  };

  const checkGroupBehavior = (label: string, b: CacheBehaviorJson, gi: number) => {
    checkGroup(gi);
    const methods = b.AllowedMethods?.Items ?? [];
    const extra = methods.filter((m) => !(ORIGIN_GROUP_METHODS as readonly string[]).includes(m));
    add(
      'group-methods',
      `${label}.AllowedMethods`,
      extra.length === 0 && methods.length > 0,
      list(methods),
      `${ORIGIN_GROUP_METHODS.join(', ')} at most: only they fail over${extra.length ? ` (${extra.join(', ')} need a behavior of their own)` : ''}`,
    );
    add(
      'cache-policy',
      `${label}.CachePolicyId`,
      b.CachePolicyId === MANAGED_CACHE_POLICY.CachingDisabled,
      b.CachePolicyId ?? 'none (legacy cache settings)',
      `${MANAGED_CACHE_POLICY.CachingDisabled} (CachingDisabled): a cached response can hide failover and failback`,
      'warning',
    );
    checkHost(label, b);
  };

  const dcb = c.DefaultCacheBehavior ?? {};
  const dgi = groups.findIndex((g) => g.Id === dcb.TargetOriginId);
  add(
    'default-behavior-targets-group',
    'DefaultCacheBehavior.TargetOriginId',
    dgi >= 0,
    `${JSON.stringify(dcb.TargetOriginId ?? null)} (${dgi >= 0 ? 'an origin group' : 'not an origin group: viewers are never failed over'})`,
    `an origin group (the distribution's groups: ${list(groups.map((g) => g.Id))})`,
  );
  if (dgi >= 0) checkGroupBehavior('DefaultCacheBehavior', dcb, dgi);
  else checkHost('DefaultCacheBehavior', dcb);

  const primaryHost = f.services.primary.host;
  for (const b of c.CacheBehaviors?.Items ?? []) {
    const pattern = b.PathPattern ?? '';
    const label = `CacheBehaviors[PathPattern=${pattern}]`;
    const gi = groups.findIndex((g) => g.Id === b.TargetOriginId);
    if (gi >= 0) {
      add(
        'behavior-targets-group',
        `${label}.TargetOriginId`,
        true,
        `${JSON.stringify(b.TargetOriginId)} (an origin group)`,
        'an origin group',
      );
      checkGroupBehavior(label, b, gi);
      continue;
    }
    const origin = origins.find((o) => o.Id === b.TargetOriginId);
    const target = JSON.stringify(b.TargetOriginId ?? null);
    if (!origin || hostOf(origin.DomainName) !== primaryHost) {
      // Pausing the primary changes nothing on this path: it is served by another origin (or by none).
      const what = origin ? `origin ${origin.Id} (${hostOf(origin.DomainName)}), not the primary` : 'no such origin';
      add(
        'behavior-targets-group',
        `${label}.TargetOriginId`,
        true,
        `${target} (${what})`,
        'an origin group, or an origin other than the primary',
      );
      continue;
    }
    const writePath = (f.writePaths ?? []).some((p) => samePattern(p, pattern));
    const accepted = (f.acceptedBehaviors ?? []).some((p) => samePattern(p, pattern));
    const why = writePath ? '; a write path of the stack (failover.writePaths)' : accepted ? '; accepted with --accept-behavior' : '';
    add(
      'behavior-targets-group',
      `${label}.TargetOriginId`,
      writePath || accepted,
      `${target} (the primary's origin alone${why})`,
      `an origin group: viewers on paths matching ${pattern} are served by the primary alone and never failed over, so ${outage} (accept it: --accept-behavior '${pattern}')`,
    );
    checkHost(label, b);
  }

  const responses = c.CustomErrorResponses?.Items ?? [];
  const codes = usedGroups.flatMap((gi) => groups[gi]!.FailoverCriteria?.StatusCodes?.Items ?? []);
  for (const code of sortNum([...new Set([...codes, ...f.configCodes])])) {
    const r = responses.find((x) => x.ErrorCode === code);
    add(
      `error-caching-ttl-${code}`,
      `CustomErrorResponses[ErrorCode=${code}].ErrorCachingMinTTL`,
      r?.ErrorCachingMinTTL === 0,
      r
        ? r.ErrorCachingMinTTL === undefined
          ? 'unset (CloudFront caches the error for 10 s)'
          : String(r.ErrorCachingMinTTL)
        : 'no custom error response (CloudFront caches the error for 10 s)',
      '0, so neither the error nor failback is delayed',
    );
  }
}
