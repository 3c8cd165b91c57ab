/**
 * The managed policies the local edge models, CloudFront's error-caching rules and the viewer
 * protocol policy. Each expectation rests on docs/aws-behaviour/fidelity.md (sections "Cache
 * policies", "Error caching", "Viewer protocol policy") and docs/aws-behaviour.md ("Managed policies").
 */
import {
  ALWAYS_CACHED_ERRORS,
  CACHED_WITH_MAX_AGE_ERRORS,
  CACHE_POLICIES,
  DEFAULT_ERROR_CACHING_TTL_SECONDS,
  NO_ORIGIN_REQUEST_POLICY,
  NO_STORE_HONOURED_ERRORS,
  ORIGIN_REQUEST_POLICIES,
  cachePolicy,
  cacheTtlSeconds,
  describePolicies,
  originRequestPolicy,
  viewerProtocolAnswer,
  type CachePolicy,
} from '../../harness/cloudfront/edge-policies.js';
import { MANAGED_CACHE_POLICY, MANAGED_ORIGIN_REQUEST_POLICY } from '../../core/aws-facts.js';

const disabled = CACHE_POLICIES[MANAGED_CACHE_POLICY.CachingDisabled];
const optimized = CACHE_POLICIES[MANAGED_CACHE_POLICY.CachingOptimized];
const none = new Map<number, number>();

describe('managed policies', () => {
  test('CachingDisabled: TTLs 0; CachingOptimized: 1 s, 86,400 s, 31,536,000 s; neither keys on the query string', () => {
    expect(disabled).toEqual({
      name: 'CachingDisabled',
      minTtlSeconds: 0,
      defaultTtlSeconds: 0,
      maxTtlSeconds: 0,
      queryStringInKey: false,
    });
    expect(optimized).toEqual({
      name: 'CachingOptimized',
      minTtlSeconds: 1,
      defaultTtlSeconds: 86_400,
      maxTtlSeconds: 31_536_000,
      queryStringInKey: false,
    });
    expect(cachePolicy(MANAGED_CACHE_POLICY.CachingOptimized)).toBe(optimized);
  });

  test('a behavior without a cache policy, or with one the edge does not model, has none', () => {
    expect(cachePolicy(undefined)).toBeUndefined();
    expect(cachePolicy('custom-policy')).toBeUndefined();
    // An id that is a property of every object is no policy either.
    expect(cachePolicy('toString')).toBeUndefined();
    expect(cachePolicy('constructor')).toBeUndefined();
  });

  test('origin request policies: none sends the origin its own Host; AllViewer the viewer’s; unknown ids are not modelled', () => {
    expect(originRequestPolicy(undefined)).toBe(NO_ORIGIN_REQUEST_POLICY);
    expect(NO_ORIGIN_REQUEST_POLICY.forwardHost).toBe(false);
    expect(originRequestPolicy(MANAGED_ORIGIN_REQUEST_POLICY.AllViewer)).toEqual({ name: 'AllViewer', forwardHost: true });
    expect(originRequestPolicy(MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader)?.forwardHost).toBe(false);
    expect(originRequestPolicy('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(originRequestPolicy('constructor')).toBeUndefined();
  });

  test('describePolicies names each policy with its id, comma-separated', () => {
    expect(describePolicies(ORIGIN_REQUEST_POLICIES)).toBe(
      'AllViewer (216adef6-5c7f-47e4-b989-5492eafa07d3), AllViewerExceptHostHeader (b689b0a8-53d0-40ab-baf2-68738e2966ac), AllViewerAndCloudFrontHeaders-2022-06 (33f36d7e-f396-46d9-90e0-52428a34d9dc)',
    );
  });
});

describe('cache TTLs of successes, per managed cache policy', () => {
  test.each([
    ['CachingDisabled, no-store', disabled, 200, 'no-store', 0],
    ['CachingDisabled, max-age', disabled, 200, 'max-age=60', 0],
    ['CachingOptimized, no-store: the minimum TTL beats it', optimized, 200, 'no-store', 1],
    ['CachingOptimized, no-cache: the minimum TTL beats it', optimized, 200, 'no-cache', 1],
    ['CachingOptimized, private: the minimum TTL beats it', optimized, 200, 'Private', 1],
    ['CachingOptimized, no header: the default TTL', optimized, 200, undefined, 86_400],
    ['CachingOptimized, max-age within bounds', optimized, 200, 'max-age=60', 60],
    ['CachingOptimized, max-age quoted, upper case, spaced', optimized, 200, ' Max-Age="60" ', 60],
    ['CachingOptimized, s-maxage wins over max-age', optimized, 200, 'max-age=60, s-maxage=30', 30],
    ['CachingOptimized, s-maxage wins over a later max-age', optimized, 200, 's-maxage=30, max-age=60', 30],
    ['CachingOptimized, max-age 0: the minimum TTL', optimized, 200, 'max-age=0', 1],
    ['CachingOptimized, max-age above the maximum: the maximum TTL', optimized, 200, 'max-age=99999999', 31_536_000],
    ['CachingOptimized, a max-age that is no number is ignored', optimized, 200, 'max-age=soon', 86_400],
    ['CachingOptimized, a negative max-age is ignored', optimized, 200, 'max-age=-5', 86_400],
    ['CachingOptimized, max-age without a value is ignored', optimized, 200, 'max-age', 86_400],
    ['CachingOptimized, a max-age with trailing text is ignored', optimized, 200, 'max-age=60abc', 86_400],
    ['CachingOptimized, other directives with a number are not s-maxage', optimized, 200, 'max-age=60, stale-while-revalidate=30', 60],
    ['CachingOptimized, stale-if-error alone leaves the default TTL', optimized, 200, 'stale-if-error=5', 86_400],
    ['CachingOptimized, public and must-revalidate change nothing', optimized, 200, 'public, must-revalidate', 86_400],
  ] as const)('%s', (_name, policy, status, cc, ttl) => {
    expect(cacheTtlSeconds(status, cc, policy, none)).toBe(ttl);
  });

  test.each([200, 203, 204, 206, 300, 301, 308])('a %i is cached under the cache policy', (status) => {
    expect(cacheTtlSeconds(status, 'max-age=60', optimized, none)).toBe(60);
  });

  test.each([201, 202, 302, 303, 304, 307, 399])('a %i is not cached', (status) => {
    expect(cacheTtlSeconds(status, 'max-age=60', optimized, none)).toBe(0);
  });

  test('a success ignores the error-caching TTLs', () => {
    const policy: CachePolicy = { ...optimized, minTtlSeconds: 0 };
    expect(cacheTtlSeconds(200, 'no-store', policy, new Map([[200, 99]]))).toBe(0);
  });
});

describe('error caching', () => {
  test('the codes: always cached, cached with max-age only, no-store honoured', () => {
    expect([...ALWAYS_CACHED_ERRORS].sort()).toEqual([404, 414, 500, 501, 502, 503, 504]);
    expect([...CACHED_WITH_MAX_AGE_ERRORS].sort()).toEqual([400, 403, 405, 412, 415]);
    expect([...NO_STORE_HONOURED_ERRORS].sort()).toEqual([404, 410, 414, 501]);
    expect(DEFAULT_ERROR_CACHING_TTL_SECONDS).toBe(10);
  });

  test.each([404, 414, 500, 501, 502, 503, 504])('%i is cached for 10 s with no custom error response, for its TTL with one', (status) => {
    expect(cacheTtlSeconds(status, undefined, disabled, none)).toBe(10);
    expect(cacheTtlSeconds(status, undefined, disabled, new Map([[status, 0]]))).toBe(0);
    expect(cacheTtlSeconds(status, undefined, disabled, new Map([[status, 42]]))).toBe(42);
    // A longer max-age or s-maxage from the origin raises it; a shorter one does not lower it.
    expect(cacheTtlSeconds(status, 'max-age=30', disabled, new Map([[status, 5]]))).toBe(30);
    expect(cacheTtlSeconds(status, 's-maxage=30', disabled, new Map([[status, 5]]))).toBe(30);
    expect(cacheTtlSeconds(status, 'max-age=3', disabled, new Map([[status, 5]]))).toBe(5);
  });

  test.each([400, 403, 405, 412, 415])('%i is cached only when the origin sends max-age or s-maxage', (status) => {
    expect(cacheTtlSeconds(status, undefined, disabled, none)).toBe(0);
    expect(cacheTtlSeconds(status, 'no-store', disabled, new Map([[status, 30]]))).toBe(0);
    expect(cacheTtlSeconds(status, 'max-age=2', disabled, none)).toBe(10);
    expect(cacheTtlSeconds(status, 's-maxage=60', disabled, none)).toBe(60);
    expect(cacheTtlSeconds(status, 'max-age=0', disabled, new Map([[status, 7]]))).toBe(7);
  });

  test.each([404, 414, 501])('no-store, no-cache or private keeps a %i out of the cache', (status) => {
    for (const cc of ['no-store', 'no-cache', 'private', 'max-age=60, no-store'])
      expect(cacheTtlSeconds(status, cc, disabled, none)).toBe(0);
  });

  test.each([500, 502, 503, 504])('no-store does not keep a %i out of the cache', (status) => {
    expect(cacheTtlSeconds(status, 'no-store', disabled, none)).toBe(10);
    expect(cacheTtlSeconds(status, 'private, no-cache', disabled, new Map([[status, 3]]))).toBe(3);
  });

  test.each([401, 402, 406, 408, 410, 416, 429, 505])('%i is never cached', (status) => {
    expect(cacheTtlSeconds(status, 'max-age=60', disabled, new Map([[status, 30]]))).toBe(0);
  });
});

describe('the viewer protocol policy for a request over HTTP', () => {
  test.each([
    ['allow-all', 'POST', '1.1', undefined],
    ['allow-all', 'GET', '1.0', undefined],
    ['https-only', 'GET', '1.1', 403],
    ['https-only', 'HEAD', '1.1', 403],
    ['https-only', 'POST', '1.1', 403],
    ['redirect-to-https', 'GET', '1.1', 301],
    ['redirect-to-https', 'GET', '1.0', 301],
    ['redirect-to-https', 'HEAD', '1.0', 301],
    ['redirect-to-https', 'POST', '1.1', 307],
    ['redirect-to-https', 'OPTIONS', '1.1', 307],
    ['redirect-to-https', 'DELETE', '2.0', 307],
    ['redirect-to-https', 'PATCH', '2', 307],
    ['redirect-to-https', 'PUT', '1.0', 403],
    ['redirect-to-https', 'PUT', '0.9', 403],
    ['redirect-to-https', 'PUT', '', 403],
  ])('%s, %s over HTTP/%s: %s', (policy, method, version, status) => {
    const answer = viewerProtocolAnswer(policy, method, version);
    expect(answer?.status).toBe(status);
    // Only the redirects carry a Location; a 403 does not.
    expect(answer?.redirect).toBe(status === undefined ? undefined : status !== 403);
  });

  test('each answer says why, naming the policy, and the method when the method decided it', () => {
    expect(viewerProtocolAnswer('https-only', 'GET', '1.1')?.reason).toMatch(/requires HTTPS.*https-only/);
    expect(viewerProtocolAnswer('redirect-to-https', 'GET', '1.1')?.reason).toMatch(/HTTPS.*redirect-to-https/);
    expect(viewerProtocolAnswer('redirect-to-https', 'POST', '1.1')?.reason).toMatch(/POST.*HTTPS.*redirect-to-https/);
    expect(viewerProtocolAnswer('redirect-to-https', 'PUT', '1.0')?.reason).toMatch(/PUT over HTTP\/1\.0 .*redirect-to-https/);
  });
});
