/** Header handling shared by the local edge and the fault fronts. */
import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 section 7.6.1), plus ones a proxy must not pass on as they are. */
export const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
];

type Headers = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

/**
 * A copy without hop-by-hop headers, without the headers the Connection header names, and
 * without `drop`. Names come out lower-case.
 */
export function stripHopByHop(headers: Headers, drop: readonly string[] = HOP_BY_HOP): Record<string, string | string[]> {
  const named = String(headers['connection'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const skip = new Set([...drop, ...named]);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || skip.has(lower)) continue;
    out[lower] = value;
  }
  return out;
}
