/** JSON values and the one test for a plain object, shared by every layer. Pure. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Whether v is a plain object (not null, not an array). V is the type its values are read as;
 * callers whose JSON is `unknown` pass that.
 */
export function isPlainObject<V = Json>(v: unknown): v is Record<string, V> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
