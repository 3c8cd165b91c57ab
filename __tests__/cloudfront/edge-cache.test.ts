/** The local edge's cache: keys, freshness, stale entries kept, a bound with the oldest going first. */
import { EdgeCache } from '../../harness/cloudfront/edge-cache.js';

const response = (status = 200) => ({
  status,
  headers: { 'content-type': 'text/plain' },
  body: Buffer.from('b'),
  role: 'primary' as const,
});

describe('EdgeCache', () => {
  test('the key is the method and the path, with the query string only when the policy keys on it', () => {
    expect(EdgeCache.key('GET', '/a?drill=1', false)).toBe(EdgeCache.key('GET', '/a?drill=2', false));
    expect(EdgeCache.key('GET', '/a?drill=1', false)).toBe(EdgeCache.key('GET', '/a', false));
    expect(EdgeCache.key('GET', '/a?drill=1', true)).not.toBe(EdgeCache.key('GET', '/a?drill=2', true));
    expect(EdgeCache.key('GET', '/a', false)).not.toBe(EdgeCache.key('HEAD', '/a', false));
    expect(EdgeCache.key('GET', '/a', false)).not.toBe(EdgeCache.key('GET', '/b', false));
    // Method and path cannot run into each other.
    expect(EdgeCache.key('GET', '/a', false)).not.toBe(EdgeCache.key('GE', 'T/a', false));
  });

  test('an entry is fresh for its TTL in seconds, then stale but still there', () => {
    let now = 1_000_000;
    const cache = new EdgeCache(10, () => now);
    expect(cache.get('k')).toBeUndefined();
    const entry = cache.put('k', response(), 3);
    expect([entry.storedAt, entry.expiresAt]).toEqual([1_000_000, 1_003_000]);
    expect(cache.get('k')).toEqual({ entry, fresh: true });
    now = 1_002_999;
    expect(cache.get('k')?.fresh).toBe(true);
    now = 1_003_000;
    expect(cache.get('k')).toEqual({ entry, fresh: false });
    now = 9_999_999;
    expect(cache.get('k')?.entry.status).toBe(200);
  });

  test('put replaces an entry; delete drops it; size counts them', () => {
    let now = 0;
    const cache = new EdgeCache(10, () => now);
    cache.put('k', response(200), 1);
    now = 500;
    cache.put('k', response(503), 10);
    expect(cache.size).toBe(1);
    expect(cache.get('k')?.entry).toMatchObject({ status: 503, storedAt: 500, expiresAt: 10_500 });
    cache.put('other', response(), 1);
    expect(cache.size).toBe(2);
    cache.delete('k');
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  test('bounded: past maxEntries the oldest stored entry goes first, a re-stored entry counts as new', () => {
    const cache = new EdgeCache(3, () => 0);
    for (const k of ['a', 'b', 'c']) cache.put(k, response(), 60);
    cache.put('a', response(), 60); // a is now the newest
    cache.put('d', response(), 60);
    expect(cache.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((k) => cache.get(k) !== undefined)).toEqual([true, false, true, true]);
    cache.put('e', response(), 60);
    expect(['a', 'c', 'd', 'e'].map((k) => cache.get(k) !== undefined)).toEqual([true, false, true, true]);
  });

  test('by default it holds 1,000 entries and reads the wall clock', () => {
    const cache = new EdgeCache();
    const before = Date.now();
    const entry = cache.put('k0', response(), 1);
    expect(entry.storedAt).toBeGreaterThanOrEqual(before);
    expect(entry.storedAt).toBeLessThanOrEqual(Date.now());
    for (let i = 1; i < 1_001; i++) cache.put(`k${i}`, response(), 60);
    expect(cache.size).toBe(1_000);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1')).toBeDefined();
  });
});
