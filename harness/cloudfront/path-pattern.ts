/**
 * CloudFront cache-behavior path patterns: case-sensitive, matched against the URL path
 * without the query string; `*` matches any run of characters (slashes included) and `?`
 * exactly one; a leading "/" is optional ("images/*" and "/images/*" are the same).
 * Glob libraries differ on `*` and `/`, so the rule is written out here.
 */
export function pathPatternToRegExp(pattern: string): RegExp {
  const withSlash = pattern.startsWith('/') ? pattern : `/${pattern}`;
  const body = [...withSlash].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

export function matchesPathPattern(pattern: string, path: string): boolean {
  return pathPatternToRegExp(pattern).test(path);
}

/** A concrete path a pattern matches, for probes: each `*` becomes "probe" and each `?` becomes "x". */
export function samplePath(pattern: string): string {
  const withSlash = pattern.startsWith('/') ? pattern : `/${pattern}`;
  return withSlash.replace(/\*/g, 'probe').replace(/\?/g, 'x');
}
