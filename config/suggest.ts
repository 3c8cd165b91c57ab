/**
 * "Did you mean": the known name nearest to a misspelt one (fastest-levenshtein's edit distance),
 * and the field names the config schema allows at a path, read from the schema itself so the
 * suggestions never drift from it.
 */
import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/** The parts of a zod 4 schema definition the walk reads. */
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The field names an object at `path` takes in `schema` (every form's, for a union); none when no object is there. */
export function fieldsAt(schema: z.ZodType, path: readonly string[]): string[] {
  const names = new Set<string>();
  const walk = (s: z.ZodType, rest: readonly string[], depth: number): void => {
    if (depth > 64) return;
    const def = defOf(s);
    const inner = def.innerType ?? def.in;
    if (inner) return walk(inner, rest, depth + 1);
    if (def.options) return def.options.forEach((o) => walk(o, rest, depth + 1));
    if (def.type === 'object' && def.shape) {
      if (rest.length === 0) Object.keys(def.shape).forEach((k) => names.add(k));
      else if (Object.hasOwn(def.shape, rest[0]!)) walk(def.shape[rest[0]!]!, rest.slice(1), depth + 1);
      return;
    }
    const each = def.valueType ?? def.element;
    if (each && rest.length > 0) walk(each, rest.slice(1), depth + 1);
  };
  walk(schema, path, 0);
  return [...names];
}

/**
 * The known name `given` most likely meant: the nearest by edit distance (case ignored) within a
 * third of its length (at least 1), or one that begins with it or that it begins with
 * (`readTimeout` for `readTimeoutSeconds`); undefined when none is near.
 */
export function didYouMean(given: string, known: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const n = name.toLowerCase();
    const d = distance(g, n);
    const near = d <= Math.max(1, Math.floor(n.length / 3)) || (g.length >= 3 && (n.startsWith(g) || g.startsWith(n)));
    if (near && d < (best?.d ?? Infinity)) best = { name, d };
  }
  return best?.name;
}
