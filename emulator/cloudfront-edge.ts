/**
 * The data plane of the emulated CloudFront distribution: the distribution's configuration is
 * read from the emulated API (GetDistributionConfig, served by moto), turned into the rules the
 * local world's edge takes, and served by that edge (harness/cloudfront/edge.ts) with
 * origin-group failover. So what terraform actually created is what viewers get.
 *
 * Origins are App Runner services: each origin's DomainName is a `ServiceUrl` of the App Runner
 * emulator, which maps it to that service's front on 127.0.0.1. The edge listens on 127.0.0.1 and
 * serves the distribution's domain (it answers whatever Host a viewer sends).
 */
import { convert } from 'xmlbuilder2';
import { LocalEdge, type BehaviorRules, type EdgeRules, type OriginRules } from '../harness/cloudfront/index.js';
import type { Role } from '../harness/targets/target.js';
import { cachePolicy, originRequestPolicy } from '../harness/cloudfront/index.js';

type X = Record<string, unknown>;

/** The children named `name` of an XML `Items` element, always as an array. */
function items(parent: unknown, name: string): X[] {
  const it = (parent as X | undefined)?.Items as X | undefined;
  const v = it?.[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as X[];
}
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown, dflt: number): number => (typeof v === 'string' && v !== '' ? Number(v) : dflt);

export class DistributionConfigError extends Error {}

/** GetDistributionConfig from the emulated API, as a parsed XML object. */
export async function getDistributionConfig(endpoint: string, distributionId: string): Promise<X> {
  const r = await fetch(`${endpoint}/2020-05-31/distribution/${encodeURIComponent(distributionId)}/config`, {
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEMULATOREXAMPLE/20260101/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=0' },
    signal: AbortSignal.timeout(10_000),
  });
  const body = await r.text();
  if (!r.ok) throw new DistributionConfigError(`GetDistributionConfig ${distributionId}: HTTP ${r.status}: ${body.slice(0, 300)}`);
  const doc = convert(body, { format: 'object' }) as X;
  const config = doc.DistributionConfig as X | undefined;
  if (!config) throw new DistributionConfigError(`GetDistributionConfig ${distributionId}: no DistributionConfig in the answer`);
  return config;
}

/** The region in an emulated App Runner service URL (`<id>.<region>.awsapprunner.localhost`). */
const regionOfDomain = (d: string) => /^[^.]+\.([a-z0-9-]+)\.awsapprunner\./.exec(d)?.[1] ?? 'local';

/** DistributionConfig (the API's shape) → the local edge's rules. */
export function edgeRulesFromDistributionConfig(config: X, source: string): EdgeRules {
  const groups = items(config.OriginGroups, 'OriginGroup');
  if (groups.length !== 1) throw new DistributionConfigError(`OriginGroups (from ${source}) has ${groups.length} groups: allowed: exactly 1`);
  const group = groups[0]!;
  const members = items(group.Members, 'OriginGroupMember').map((m) => text(m.OriginId)!);
  if (members.length !== 2) throw new DistributionConfigError(`OriginGroups[0].Members (from ${source}) = ${members.length} members: allowed: 2`);
  const byId = new Map(items(config.Origins, 'Origin').map((o) => [text(o.Id)!, o]));
  const origin = (role: Role, id: string): OriginRules => {
    const o = byId.get(id);
    if (!o) throw new DistributionConfigError(`OriginGroups[0].Members (from ${source}) = ${id}: allowed: an origin of the distribution`);
    const custom = (o.CustomOriginConfig ?? {}) as X;
    return {
      id,
      role,
      region: regionOfDomain(text(o.DomainName) ?? ''),
      connectionAttempts: int(o.ConnectionAttempts, 3),
      connectionTimeoutSeconds: int(o.ConnectionTimeout, 10),
      readTimeoutSeconds: int(custom.OriginReadTimeout, 30),
      keepaliveTimeoutSeconds: int(custom.OriginKeepaliveTimeout, 5),
      customHeaders: Object.fromEntries(items(o.CustomHeaders, 'OriginCustomHeader').map((h) => [text(h.HeaderName)!, text(h.HeaderValue) ?? ''])),
      serviceEnvironment: {},
    };
  };
  const origins = { primary: origin('primary', members[0]!), secondary: origin('secondary', members[1]!) };
  const groupId = text(group.Id)!;
  const behavior = (b: X, pathPattern?: string): BehaviorRules => {
    const targetOriginId = text(b.TargetOriginId)!;
    const target: BehaviorRules['target'] =
      targetOriginId === groupId
        ? { kind: 'group' }
        : targetOriginId === origins.primary.id
          ? { kind: 'origin', role: 'primary' }
          : targetOriginId === origins.secondary.id
            ? { kind: 'origin', role: 'secondary' }
            : (() => {
                throw new DistributionConfigError(`TargetOriginId (from ${source}) = ${targetOriginId}: allowed: ${groupId}, ${origins.primary.id}, ${origins.secondary.id}`);
              })();
    const methods = b.AllowedMethods as X | undefined;
    const listOf = (v: unknown) => items(v, 'Method').map((m) => String(m));
    const cachePolicyId = text(b.CachePolicyId) || undefined;
    const originRequestPolicyId = text(b.OriginRequestPolicyId) || undefined;
    const cache = cachePolicy(cachePolicyId);
    if (!cache) throw new DistributionConfigError(`CachePolicyId (from ${source}) = ${cachePolicyId}: allowed: a managed cache policy the local edge models`);
    const request = originRequestPolicy(originRequestPolicyId);
    if (!request) {
      throw new DistributionConfigError(
        `OriginRequestPolicyId (from ${source}) = ${originRequestPolicyId}: allowed: a managed origin request policy the local edge models`,
      );
    }
    return {
      pathPattern,
      allowedMethods: methods ? listOf(methods) : ['GET', 'HEAD'],
      cachedMethods: methods ? listOf(methods.CachedMethods) : ['GET', 'HEAD'],
      cachePolicyId,
      originRequestPolicyId,
      cachePolicy: cache,
      originRequestPolicy: request,
      viewerProtocolPolicy: text(b.ViewerProtocolPolicy) ?? 'allow-all',
      targetOriginId,
      target,
    };
  };
  return {
    tfJsonPath: source,
    distributionAddress: source,
    originGroupId: groupId,
    failoverStatusCodes: items((group.FailoverCriteria as X | undefined)?.StatusCodes, 'StatusCode').map(Number),
    origins,
    orderedBehaviors: items(config.CacheBehaviors, 'CacheBehavior').map((b) => behavior(b, text(b.PathPattern))),
    defaultBehavior: behavior(config.DefaultCacheBehavior as X),
    errorCachingTtls: new Map(
      items(config.CustomErrorResponses, 'CustomErrorResponse')
        .filter((r) => r.ErrorCachingMinTTL !== undefined)
        .map((r) => [Number(r.ErrorCode), Number(r.ErrorCachingMinTTL)] as const),
    ),
    warnings: [],
  };
}

export interface CloudFrontEdgeProps {
  /** The emulated AWS endpoint (the router, or moto itself). */
  readonly endpoint: string;
  readonly distributionId: string;
  /** Service host name → the URL of its front (AppRunnerEmulator.serviceFronts()). */
  readonly serviceFronts: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

/** Reads the distribution from the API and starts the edge that serves it. */
export async function startCloudFrontEdge(props: CloudFrontEdgeProps): Promise<{ edge: LocalEdge; rules: EdgeRules }> {
  const config = await getDistributionConfig(props.endpoint, props.distributionId);
  const rules = edgeRulesFromDistributionConfig(config, `GetDistributionConfig ${props.distributionId}`);
  const domainOf = (id: string) => text(items(config.Origins, 'Origin').find((o) => text(o.Id) === id)?.DomainName) ?? '';
  const urlOf = (role: Role) => {
    const domain = domainOf(rules.origins[role].id);
    const url = props.serviceFronts[domain];
    if (!url) throw new DistributionConfigError(`Origin ${rules.origins[role].id} DomainName = ${domain}: allowed: a service URL of the App Runner emulator`);
    return url;
  };
  const edge = await LocalEdge.start({ rules, originUrls: { primary: urlOf('primary'), secondary: urlOf('secondary') }, port: props.port, log: props.log });
  return { edge, rules };
}
