/**
 * The CloudFront managed policies the local edge models, and the error-caching rules it
 * reads from the stack's custom_error_response blocks. Sources: docs/aws-behaviour/fidelity.md.
 *
 * - Origin request policies decide which viewer headers reach the origin, Host above all:
 *   App Runner routes by Host, so a viewer Host that is not the service's gets 404.
 * - Cache policies decide the TTLs and whether the query string is part of the cache key.
 * - Error caching: CloudFront caches some error codes for the code's error_caching_min_ttl
 *   (10 s when no custom_error_response sets one), others only when the origin sends max-age.
 *
 * An id the edge does not model is refused: the local drill would otherwise pass on a
 * setting whose effect it cannot show.
 */
import { MANAGED_CACHE_POLICY, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_ORIGIN_REQUEST_POLICY } from '../../core/aws-facts.js';

/**
 * Managed origin request policies (CloudFront Developer Guide, "Use managed origin request policies").
 * AllViewerAndCloudFrontHeaders-2022-06 also adds CloudFront's own headers, which are not modelled.
 */
export const ORIGIN_REQUEST_POLICIES: Readonly<Record<string, OriginRequestPolicy>> = MANAGED_ORIGIN_REQUEST_POLICIES;

export interface OriginRequestPolicy {
  readonly name: string;
  /** True: the viewer's Host reaches the origin; false: the origin's own domain is sent. */
  readonly forwardHost: boolean;
}

export interface CachePolicy {
  readonly name: string;
  readonly minTtlSeconds: number;
  readonly defaultTtlSeconds: number;
  readonly maxTtlSeconds: number;
  /** Whether the query string is part of the cache key. Both managed policies modelled leave it out. */
  readonly queryStringInKey: boolean;
}

/** Managed cache policies (CloudFront Developer Guide, "Use managed cache policies"). */
export const CACHE_POLICIES = {
  [MANAGED_CACHE_POLICY.CachingDisabled]: {
    name: 'CachingDisabled',
    minTtlSeconds: 0,
    defaultTtlSeconds: 0,
    maxTtlSeconds: 0,
    queryStringInKey: false,
  },
  [MANAGED_CACHE_POLICY.CachingOptimized]: {
    name: 'CachingOptimized',
    minTtlSeconds: 1,
    defaultTtlSeconds: 86_400,
    maxTtlSeconds: 31_536_000,
    queryStringInKey: false,
  },
} as const satisfies Record<string, CachePolicy>;

export const CACHING_DISABLED_ID = MANAGED_CACHE_POLICY.CachingDisabled;
export const ALL_VIEWER_EXCEPT_HOST_ID = MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader;

/** A behavior with no origin request policy: only the cache key's values reach the origin, Host is the origin's. */
export const NO_ORIGIN_REQUEST_POLICY: OriginRequestPolicy = { name: '(none)', forwardHost: false };

/** The policy for an id, or undefined when the edge does not model it. */
export function originRequestPolicy(id: string | undefined): OriginRequestPolicy | undefined {
  if (id === undefined) return NO_ORIGIN_REQUEST_POLICY;
  return Object.hasOwn(ORIGIN_REQUEST_POLICIES, id) ? ORIGIN_REQUEST_POLICIES[id] : undefined;
}

export function cachePolicy(id: string | undefined): CachePolicy | undefined {
  // A behavior without a cache policy uses legacy cache settings, which the stack never writes.
  if (id === undefined) return undefined;
  // Own ids only: "constructor" or "toString" name no policy.
  return Object.hasOwn(CACHE_POLICIES, id) ? (CACHE_POLICIES as Record<string, CachePolicy>)[id] : undefined;
}

/** "AllViewer (216adef6-…), …" for error messages. */
export function describePolicies(table: Record<string, { name: string }>): string {
  return Object.entries(table)
    .map(([id, p]) => `${p.name} (${id})`)
    .join(', ');
}

// ------------------------------------------------------------------ error caching

/** Error codes CloudFront caches whatever the origin says about caching (HTTPStatusCodes, "cached errors"). */
export const ALWAYS_CACHED_ERRORS: readonly number[] = [404, 414, 500, 501, 502, 503, 504];
/** Error codes CloudFront caches only when the origin sends Cache-Control max-age or s-maxage. */
export const CACHED_WITH_MAX_AGE_ERRORS: readonly number[] = [400, 403, 405, 412, 415];
/** Codes for which Cache-Control no-store, no-cache or private stops the error from being cached. */
export const NO_STORE_HONOURED_ERRORS: readonly number[] = [404, 410, 414, 501];
/** Error caching TTL when no custom error response sets one ("Control how long CloudFront caches errors"). */
export const DEFAULT_ERROR_CACHING_TTL_SECONDS = 10;

/** Non-error codes the edge caches under the cache policy (heuristically cacheable, RFC 9110 section 15.1). */
const CACHEABLE_SUCCESS: readonly number[] = [200, 203, 204, 206, 300, 301, 308];

/** error_caching_min_ttl per error code, from the distribution's custom_error_response blocks. */
export type ErrorCachingTtls = ReadonlyMap<number, number>;

/**
 * How long the edge caches a response of this status, in seconds (0: not cached).
 * Success responses follow the cache policy; errors follow the error-caching rules.
 */
export function cacheTtlSeconds(
  status: number,
  cacheControl: string | undefined,
  policy: CachePolicy,
  errorTtls: ErrorCachingTtls,
): number {
  const cc = parseCacheControl(cacheControl);
  const maxAge = cc.sMaxAge ?? cc.maxAge;
  if (status < 400) {
    if (!CACHEABLE_SUCCESS.includes(status)) return 0;
    // Minimum TTL > 0 caches even with no-store, no-cache or private (CachePolicyConfig, Important).
    if (cc.noStore) return policy.minTtlSeconds;
    const ttl = maxAge ?? policy.defaultTtlSeconds;
    return Math.min(policy.maxTtlSeconds, Math.max(policy.minTtlSeconds, ttl));
  }
  const minTtl = errorTtls.get(status) ?? DEFAULT_ERROR_CACHING_TTL_SECONDS;
  if (cc.noStore && NO_STORE_HONOURED_ERRORS.includes(status)) return 0;
  if (ALWAYS_CACHED_ERRORS.includes(status)) return Math.max(minTtl, maxAge ?? 0);
  if (CACHED_WITH_MAX_AGE_ERRORS.includes(status)) return maxAge === undefined ? 0 : Math.max(minTtl, maxAge);
  return 0;
}

interface CacheControl {
  readonly maxAge?: number;
  readonly sMaxAge?: number;
  /** no-store, no-cache or private. */
  readonly noStore: boolean;
}

function parseCacheControl(value: string | undefined): CacheControl {
  let maxAge: number | undefined;
  let sMaxAge: number | undefined;
  let noStore = false;
  for (const part of (value ?? '').split(',')) {
    const [k, v] = part.trim().toLowerCase().split('=') as [string, string | undefined];
    const n = v !== undefined && /^\d+$/.test(v.replace(/"/g, '')) ? Number(v.replace(/"/g, '')) : undefined;
    if (k === 'max-age' && n !== undefined) maxAge = n;
    else if (k === 's-maxage' && n !== undefined) sMaxAge = n;
    else if (k === 'no-store' || k === 'no-cache' || k === 'private') noStore = true;
  }
  return { maxAge, sMaxAge, noStore };
}

/** How the edge answers a viewer request that arrived over plain HTTP, when it does not serve it. */
export interface ViewerProtocolAnswer {
  readonly status: 301 | 307 | 403;
  /** Whether the answer carries Location: the same URL over HTTPS. */
  readonly redirect: boolean;
  readonly reason: string;
}

/**
 * The viewer protocol policy for a request over HTTP (CloudFront Developer Guide, "Require HTTPS
 * for communication between viewers and CloudFront"): allow-all serves it (undefined);
 * https-only answers 403; redirect-to-https answers GET and HEAD with 301 to the HTTPS URL, other
 * methods with 307 (same method and body) over HTTP/1.1 and above, and with 403 below HTTP/1.1.
 */
export function viewerProtocolAnswer(policy: string, method: string, httpVersion: string): ViewerProtocolAnswer | undefined {
  if (policy === 'allow-all') return undefined;
  if (policy === 'https-only') {
    return { status: 403, redirect: false, reason: 'This distribution requires HTTPS for this path (viewer protocol policy https-only).' };
  }
  if (method === 'GET' || method === 'HEAD') {
    return { status: 301, redirect: true, reason: 'Moved permanently to HTTPS (viewer protocol policy redirect-to-https).' };
  }
  const [major = 0, minor = 0] = httpVersion.split('.').map(Number);
  if (major > 1 || (major === 1 && minor >= 1)) {
    return { status: 307, redirect: true, reason: `Send the ${method} again over HTTPS (viewer protocol policy redirect-to-https).` };
  }
  return {
    status: 403,
    redirect: false,
    reason: `A ${method} over HTTP/${httpVersion} cannot be redirected to HTTPS (redirect-to-https).`,
  };
}
