/**
 * The local edge's cache: one entry per cache key, with the time it stops being fresh.
 * Expired success responses are kept, so the edge can serve them stale when no origin
 * answers (CloudFront Developer Guide, "Origin unavailable"). Bounded in size: the oldest
 * entry goes first.
 */
export interface CachedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  /** Whose answer it was. */
  readonly role: 'primary' | 'secondary';
  readonly storedAt: number;
  readonly expiresAt: number;
}

export interface CacheLookup {
  readonly entry: CachedResponse;
  readonly fresh: boolean;
}

export class EdgeCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(
    private readonly maxEntries = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cache key: method, path, and the query string when the cache policy keys on it. */
  static key(method: string, url: string, queryStringInKey: boolean): string {
    return `${method} ${queryStringInKey ? url : url.split('?')[0]!}`;
  }

  get(key: string): CacheLookup | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    return { entry, fresh: this.now() < entry.expiresAt };
  }

  /** Stores a response for ttlSeconds (> 0). */
  put(key: string, response: Omit<CachedResponse, 'storedAt' | 'expiresAt'>, ttlSeconds: number): CachedResponse {
    const storedAt = this.now();
    const entry = { ...response, storedAt, expiresAt: storedAt + ttlSeconds * 1000 };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** Drops an entry (an error that is no longer cached must not linger as a stale candidate). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
