/**
 * Reads the edge's rules from the synthesized stack (cdk.tf.json), resolving `${var.*}`
 * references from the variables' defaults and an optional tfvars file, the way Terraform
 * would. The local world keeps no other copy of these settings: change the config,
 * synthesize, and the local edge behaves differently.
 */
import {
  CONNECTION_ATTEMPTS,
  CONNECTION_TIMEOUT_SECONDS,
  FAILOVER_STATUS_CODES as CLOUDFRONT_FAILOVER_CODES,
  ORIGIN_GROUP_METHODS,
  ORIGIN_KEEPALIVE_TIMEOUT_SECONDS,
  ORIGIN_READ_TIMEOUT_SECONDS,
  type ComputeBackend,
  type IntRange,
} from '../../core/aws-facts.js';
import type { Role } from '../targets/target.js';
import { StackRulesError } from './errors.js';
import { matchesPathPattern } from './path-pattern.js';
import { serviceBehind } from './service-rules.js';
import { blocks, isObject, objectAt, readTfJson, readTfvars, singleBlock, Variables, type Json, type JsonObject } from './stack-json.js';
import {
  cachePolicy as managedCachePolicy,
  CACHE_POLICIES,
  describePolicies,
  originRequestPolicy as managedOriginRequestPolicy,
  ORIGIN_REQUEST_POLICIES,
  type CachePolicy,
  type ErrorCachingTtls,
  type OriginRequestPolicy,
} from './edge-policies.js';

/** CloudFront's ranges and defaults for an origin's settings (core/aws-facts.ts). */
const ORIGIN_LIMITS = {
  connectionAttempts: CONNECTION_ATTEMPTS,
  connectionTimeoutSeconds: CONNECTION_TIMEOUT_SECONDS,
  readTimeoutSeconds: ORIGIN_READ_TIMEOUT_SECONDS,
  keepaliveTimeoutSeconds: ORIGIN_KEEPALIVE_TIMEOUT_SECONDS,
} as const satisfies Record<string, IntRange>;

/** The methods an origin group fails over. */
export const FAILOVER_METHODS: readonly string[] = ORIGIN_GROUP_METHODS;

export interface OriginRules {
  readonly id: string;
  readonly role: Role;
  /** The region of the service behind the origin; "local" when the stack does not say. */
  readonly region: string;
  readonly connectionAttempts: number;
  readonly connectionTimeoutSeconds: number;
  readonly readTimeoutSeconds: number;
  readonly keepaliveTimeoutSeconds: number;
  /** Headers the edge adds to every request to this origin (custom_header), e.g. the origin-verify header. */
  readonly customHeaders: Readonly<Record<string, string>>;
  /** The App Runner service's runtime environment, resolved; empty when the origin is not one. */
  readonly serviceEnvironment: Readonly<Record<string, string>>;
  /** The service's start command, if it sets one. */
  readonly startCommand?: string;
  /** The compute behind the origin: an App Runner service, or an ECS Express service behind its ALB. @default 'apprunner' */
  readonly backend?: ComputeBackend;
  /** The Terraform address of the service behind the origin (aws_apprunner_service.primary_service), when the stack names one. */
  readonly serviceAddress?: string;
}

export interface BehaviorRules {
  /** Undefined for the default behavior. */
  readonly pathPattern?: string;
  readonly allowedMethods: readonly string[];
  readonly cachedMethods: readonly string[];
  readonly cachePolicyId?: string;
  readonly originRequestPolicyId?: string;
  /** The managed policies those ids name (unknown ids are refused). */
  readonly cachePolicy: CachePolicy;
  readonly originRequestPolicy: OriginRequestPolicy;
  /** allow-all | redirect-to-https | https-only. */
  readonly viewerProtocolPolicy: string;
  readonly targetOriginId: string;
  /** The origin group, or the one origin the behavior targets. */
  readonly target: { readonly kind: 'group' } | { readonly kind: 'origin'; readonly role: Role };
}

export interface EdgeRules {
  readonly tfJsonPath: string;
  readonly tfvarsPath?: string;
  /** Terraform address of the distribution, e.g. aws_cloudfront_distribution.edge_distribution. */
  readonly distributionAddress: string;
  readonly originGroupId: string;
  readonly failoverStatusCodes: readonly number[];
  readonly origins: Readonly<Record<Role, OriginRules>>;
  /** In the order CloudFront evaluates them; the first whose pattern matches wins. */
  readonly orderedBehaviors: readonly BehaviorRules[];
  readonly defaultBehavior: BehaviorRules;
  /** error_caching_min_ttl per error code (custom_error_response); codes without one get CloudFront's 10 s. */
  readonly errorCachingTtls: ErrorCachingTtls;
  /** Things the local world ignores or could not resolve, for the log. */
  readonly warnings: readonly string[];
}

export interface LoadEdgeRulesOptions {
  readonly tfJsonPath: string;
  /** A `.tfvars.json` (JSON) or `.tfvars` (HCL) file. @default - variable defaults only */
  readonly tfvarsPath?: string;
}

/** Reads and resolves the edge's rules. Throws StackRulesError naming the field, the value and what is allowed. */
export async function loadEdgeRules(options: LoadEdgeRulesOptions): Promise<EdgeRules> {
  const tf = await readTfJson(options.tfJsonPath);
  const tfvars = options.tfvarsPath === undefined ? undefined : await readTfvars(options.tfvarsPath);
  return edgeRulesFrom(tf, { ...options, tfvars });
}

/** The stack readers, for callers that read the stack once and resolve it with edgeRulesFrom. */
export { readTfJson, readTfvars } from './stack-json.js';

/** Resolves the rules from an already parsed stack. Exposed for tests of single fields. */
export function edgeRulesFrom(tf: JsonObject, options: LoadEdgeRulesOptions & { readonly tfvars?: JsonObject }): EdgeRules {
  const file = options.tfJsonPath;
  const warnings: string[] = [];
  const vars = new Variables(tf, options.tfvars, file, options.tfvarsPath, warnings);

  const distributions = objectAt(objectAt(tf.resource, 'resource', file), 'resource', file).aws_cloudfront_distribution;
  const names = isObject(distributions) ? Object.keys(distributions) : [];
  if (names.length !== 1) {
    throw new StackRulesError(
      'resource.aws_cloudfront_distribution',
      names,
      'exactly one distribution (the local edge models one); synthesize the edge-failover stack',
      file,
    );
  }
  const distName = names[0]!;
  const address = `aws_cloudfront_distribution.${distName}`;
  const dist = objectAt((distributions as JsonObject)[distName], address, file);
  const at = (path: string) => `${address}.${path}`;

  // The default behavior's target must be the origin group whose members are the two origins.
  const defaultRaw = singleBlock(dist.default_cache_behavior, at('default_cache_behavior'), file);
  const groups = blocks(dist.origin_group, at('origin_group'), file);
  const groupTarget = vars.string(defaultRaw.target_origin_id, at('default_cache_behavior.target_origin_id'));
  const groupIndex = groups.findIndex((g) => vars.string(g.origin_id, at('origin_group[].origin_id')) === groupTarget);
  if (groupIndex < 0) {
    throw new StackRulesError(
      at('default_cache_behavior.target_origin_id'),
      groupTarget,
      `the id of an origin group (${groups.map((g) => String(g.origin_id)).join(', ') || 'none declared'}); the local edge models a default behavior that targets an origin group`,
      file,
    );
  }
  const group = groups[groupIndex]!;
  const gAt = (p: string) => at(`origin_group[${groupIndex}].${p}`);
  const members = blocks(group.member, gAt('member'), file).map((m, i) => vars.string(m.origin_id, gAt(`member[${i}].origin_id`)));
  if (members.length !== 2) {
    throw new StackRulesError(gAt('member'), members, 'exactly two members: the primary, then the secondary', file);
  }
  const criteria = singleBlock(group.failover_criteria, gAt('failover_criteria'), file);
  const codesField = gAt('failover_criteria.status_codes');
  const codes = vars.resolve(criteria.status_codes, codesField);
  if (!Array.isArray(codes) || codes.length === 0) {
    throw new StackRulesError(codesField, codes, `a non-empty list of codes from ${CLOUDFRONT_FAILOVER_CODES.join(', ')}`, file);
  }
  const failoverStatusCodes = codes.map((c) => {
    const n = typeof c === 'string' && /^\d+$/.test(c) ? Number(c) : c;
    if (typeof n !== 'number' || !(CLOUDFRONT_FAILOVER_CODES as readonly number[]).includes(n)) {
      throw new StackRulesError(codesField, codes, `status codes from ${CLOUDFRONT_FAILOVER_CODES.join(', ')}`, file);
    }
    return n;
  });

  const originBlocks = blocks(dist.origin, at('origin'), file);
  const origin = (role: Role, id: string): OriginRules => {
    const index = originBlocks.findIndex((o) => vars.string(o.origin_id, at('origin[].origin_id')) === id);
    if (index < 0) throw new StackRulesError(gAt('member'), id, 'the origin_id of an origin of the distribution', file);
    const o = originBlocks[index]!;
    const oAt = (p: string) => at(`origin[${index}].${p}`);
    const custom =
      o.custom_origin_config === undefined ? undefined : singleBlock(o.custom_origin_config, oAt('custom_origin_config'), file);
    const headers: Record<string, string> = {};
    blocks(o.custom_header, oAt('custom_header'), file).forEach((h, i) => {
      headers[vars.string(h.name, oAt(`custom_header[${i}].name`)).toLowerCase()] = vars.string(h.value, oAt(`custom_header[${i}].value`));
    });
    const service = serviceBehind(tf, vars, o.domain_name, oAt('domain_name'), warnings);
    return {
      id,
      role,
      region: service.region,
      connectionAttempts: vars.int(o.connection_attempts, oAt('connection_attempts'), ORIGIN_LIMITS.connectionAttempts),
      connectionTimeoutSeconds: vars.int(o.connection_timeout, oAt('connection_timeout'), ORIGIN_LIMITS.connectionTimeoutSeconds),
      readTimeoutSeconds: vars.int(
        custom?.origin_read_timeout,
        oAt('custom_origin_config.origin_read_timeout'),
        ORIGIN_LIMITS.readTimeoutSeconds,
      ),
      keepaliveTimeoutSeconds: vars.int(
        custom?.origin_keepalive_timeout,
        oAt('custom_origin_config.origin_keepalive_timeout'),
        ORIGIN_LIMITS.keepaliveTimeoutSeconds,
      ),
      customHeaders: headers,
      serviceEnvironment: service.environment,
      startCommand: service.startCommand,
      backend: service.backend,
      ...(service.address ? { serviceAddress: service.address } : {}),
    };
  };
  const origins = { primary: origin('primary', members[0]!), secondary: origin('secondary', members[1]!) };

  const behavior = (raw: JsonObject, bAt: (p: string) => string, pathPattern?: string): BehaviorRules => {
    const targetOriginId = vars.string(raw.target_origin_id, bAt('target_origin_id'));
    let target: BehaviorRules['target'];
    if (targetOriginId === groupTarget) target = { kind: 'group' };
    else if (targetOriginId === origins.primary.id) target = { kind: 'origin', role: 'primary' };
    else if (targetOriginId === origins.secondary.id) target = { kind: 'origin', role: 'secondary' };
    else {
      throw new StackRulesError(
        bAt('target_origin_id'),
        targetOriginId,
        `one of ${[groupTarget, origins.primary.id, origins.secondary.id].join(', ')} (the local edge models one origin group and its two origins)`,
        file,
      );
    }
    const allowedMethods = vars.methods(raw.allowed_methods, bAt('allowed_methods'));
    if (target.kind === 'group' && allowedMethods.some((m) => !FAILOVER_METHODS.includes(m))) {
      throw new StackRulesError(
        bAt('allowed_methods'),
        allowedMethods,
        'GET, HEAD and OPTIONS only: CloudFront rejects other methods on a behavior that targets an origin group',
        file,
      );
    }
    const cachePolicyId = raw.cache_policy_id === undefined ? undefined : vars.string(raw.cache_policy_id, bAt('cache_policy_id'));
    const originRequestPolicyId =
      raw.origin_request_policy_id === undefined ? undefined : vars.string(raw.origin_request_policy_id, bAt('origin_request_policy_id'));
    return {
      pathPattern,
      allowedMethods,
      cachedMethods: vars.methods(raw.cached_methods, bAt('cached_methods')),
      cachePolicyId,
      originRequestPolicyId,
      ...behaviorPolicies(raw, cachePolicyId, originRequestPolicyId, bAt, file),
      targetOriginId,
      target,
    };
  };

  const orderedBehaviors = blocks(dist.ordered_cache_behavior, at('ordered_cache_behavior'), file).map((raw, i) => {
    const bAt = (p: string) => at(`ordered_cache_behavior[${i}].${p}`);
    return behavior(raw, bAt, vars.string(raw.path_pattern, bAt('path_pattern')));
  });
  const defaultBehavior = behavior(defaultRaw, (p) => at(`default_cache_behavior.${p}`));

  const errorCachingTtls = errorCachingTtlsOf(dist, vars, at, file);

  return {
    tfJsonPath: file,
    tfvarsPath: options.tfvarsPath,
    distributionAddress: address,
    originGroupId: groupTarget,
    failoverStatusCodes,
    origins,
    orderedBehaviors,
    defaultBehavior,
    errorCachingTtls,
    warnings,
  };
}

/** The managed policies a behavior names; an id the local edge does not model is refused with those it does. */
function behaviorPolicies(
  raw: JsonObject,
  cachePolicyId: string | undefined,
  originRequestPolicyId: string | undefined,
  bAt: (p: string) => string,
  file: string,
): Pick<BehaviorRules, 'cachePolicy' | 'originRequestPolicy' | 'viewerProtocolPolicy'> {
  const cachePolicy = managedCachePolicy(cachePolicyId);
  if (!cachePolicy) {
    throw new StackRulesError(
      bAt('cache_policy_id'),
      cachePolicyId,
      `a managed cache policy the local edge models: ${describePolicies(CACHE_POLICIES)} (legacy cache settings are not modelled)`,
      file,
    );
  }
  const originRequestPolicy = managedOriginRequestPolicy(originRequestPolicyId);
  if (!originRequestPolicy) {
    throw new StackRulesError(
      bAt('origin_request_policy_id'),
      originRequestPolicyId,
      `a managed origin request policy the local edge models: ${describePolicies(ORIGIN_REQUEST_POLICIES)}, or none`,
      file,
    );
  }
  const vpp = raw.viewer_protocol_policy ?? 'allow-all';
  if (typeof vpp !== 'string' || !['allow-all', 'redirect-to-https', 'https-only'].includes(vpp)) {
    throw new StackRulesError(bAt('viewer_protocol_policy'), vpp, 'allow-all, redirect-to-https or https-only', file);
  }
  return { cachePolicy, originRequestPolicy, viewerProtocolPolicy: vpp };
}

/**
 * error_caching_min_ttl per error code, from custom_error_response blocks, static or
 * `dynamic` (for_each over a list or a `toset(var.x)`, content referring to `<iterator>.value`).
 */
function errorCachingTtlsOf(dist: JsonObject, vars: Variables, at: (p: string) => string, file: string): Map<number, number> {
  const ttls = new Map<number, number>();
  const add = (code: Json, ttl: Json, field: string) => {
    const c = vars.int(code, `${field}.error_code`, { min: 400, max: 599 });
    if (ttl === undefined || ttl === null) return; // no TTL: CloudFront's default applies
    ttls.set(c, vars.int(ttl, `${field}.error_caching_min_ttl`, { min: 0, max: 31_536_000 }));
  };
  blocks(dist.custom_error_response, at('custom_error_response'), file).forEach((b, i) =>
    add(b.error_code, b.error_caching_min_ttl, at(`custom_error_response[${i}]`)),
  );
  const dyn = isObject(dist.dynamic) ? dist.dynamic.custom_error_response : undefined;
  if (dyn !== undefined) {
    const field = at('dynamic.custom_error_response');
    const d = objectAt(dyn, field, file);
    const forEach = typeof d.for_each === 'string' ? d.for_each.replace(/^\$\{\s*toset\((.*)\)\s*\}$/, '$${$1}') : d.for_each;
    const items = vars.resolve(forEach, `${field}.for_each`);
    if (!Array.isArray(items)) throw new StackRulesError(`${field}.for_each`, d.for_each, 'a list, or toset() of a list variable', file);
    const iterator = typeof d.iterator === 'string' ? d.iterator : 'custom_error_response';
    const content = objectAt(d.content, `${field}.content`, file);
    const valueOf = (v: Json, item: Json): Json =>
      typeof v === 'string' && new RegExp(`^\\$\\{\\s*${iterator}\\.(value|key)\\s*\\}$`).test(v) ? item : v;
    for (const item of new Set(items)) add(valueOf(content.error_code, item), valueOf(content.error_caching_min_ttl, item), field);
  }
  return ttls;
}

/**
 * What the edge fails over on for GETs to `probePath`, from the resolved rules: the group's failover
 * status codes, the primary's connection settings, the methods an origin group fails over, and
 * whether that path's behavior reaches the group at all. The drill derives each fault's expected
 * failover from it (harness/analysis/expected-failover.ts).
 */
export function failoverSettingsOf(rules: EdgeRules, probePath: string) {
  const path = probePath.split('?')[0]!;
  const behavior = rules.orderedBehaviors.find((b) => matchesPathPattern(b.pathPattern!, path)) ?? rules.defaultBehavior;
  const primary = rules.origins.primary;
  return {
    primary: {
      connectionAttempts: primary.connectionAttempts,
      connectionTimeoutSeconds: primary.connectionTimeoutSeconds,
      readTimeoutSeconds: primary.readTimeoutSeconds,
    },
    statusCodes: rules.failoverStatusCodes,
    failoverMethods: FAILOVER_METHODS,
    probeTarget: behavior.target.kind === 'group' ? ('group' as const) : behavior.target.role,
    probePath,
  };
}
