/**
 * A small EventBridge pattern matcher for tests, covering the pattern features this project
 * uses and a few neighbours (exact values, any-of arrays, nested objects, $or, exists,
 * prefix, anything-but), following the rules in the EventBridge User Guide ("Event patterns").
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function matches(pattern: Record<string, unknown>, event: Json): boolean {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2) throw new Error('$or needs an array of at least two patterns');
      if (!rule.some((alt) => matches(alt as Record<string, unknown>, event))) return false;
      continue;
    }
    const value = (event as Record<string, Json>)[key];
    if (Array.isArray(rule)) {
      if (!matchesLeaf(rule, value)) return false;
    } else if (rule !== null && typeof rule === 'object') {
      if (value === undefined || !matches(rule as Record<string, unknown>, value)) return false;
    } else {
      throw new Error(`pattern field ${key} must be an array or an object, got ${JSON.stringify(rule)}`);
    }
  }
  return true;
}

function matchesLeaf(rules: unknown[], value: Json | undefined): boolean {
  const values: (Json | undefined)[] = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      const [op, arg] = Object.entries(rule)[0] ?? [];
      switch (op) {
        case 'exists':
          return arg === (value !== undefined);
        case 'prefix':
          return values.some((v) => typeof v === 'string' && v.startsWith(String(arg)));
        case 'anything-but':
          return value !== undefined && values.every((v) => !(Array.isArray(arg) ? arg : [arg]).includes(v));
        default:
          throw new Error(`matcher does not know the operator ${String(op)}`);
      }
    }
    return value !== undefined && values.some((v) => v === rule);
  });
}
