/**
 * The write paths (config `failover.writePaths`) as an input: `write_paths`, a list of path
 * patterns, drives a dynamic ordered_cache_behavior. Each behavior is the stack's write behavior
 * (the first one the stack has, whose function_association ./write-router-option.ts may already
 * have made dynamic), or, for a stack without write paths, the one modules/edge-failover.ts
 * builds: the default behavior's policies, the primary origin alone, every method, HTTPS only.
 * The pattern rule comes from the config schema's JSON Schema; the two rules zod states as
 * refinements (no catch-all pattern, each pattern once) are conditions of their own.
 */
import { PRIMARY_ORIGIN_ID, WRITE_METHODS } from '../../modules/edge-failover.js';
import { isPlainObject } from '../../core/json.js';
import { HclExportError } from '../errors.js';
import { configJsonSchema, type Json, type JsonObject } from './inputs.js';

const hclString = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

/** Rewrites the distribution in `resources` in place; returns the variable (none without a distribution). */
export function writePathsInput(resources: Record<string, Record<string, JsonObject>>): Record<string, JsonObject> {
  const cf = Object.values(resources['aws_cloudfront_distribution'] ?? {})[0];
  if (!cf) return {};
  const given = cf['ordered_cache_behavior'];
  const behaviors = (Array.isArray(given) ? given : given === undefined ? [] : [given]) as JsonObject[];
  const paths = behaviors.map((b) => b['path_pattern']);
  if (paths.some((p) => typeof p !== 'string'))
    throw new HclExportError('internal', 'Every ordered_cache_behavior of the stack needs a literal path_pattern.');
  const template = behaviors[0] ? structuredClone(behaviors[0]) : fromDefaultBehavior(cf);
  for (const b of behaviors.slice(1)) {
    const same = JSON.stringify({ ...b, path_pattern: '' }) === JSON.stringify({ ...template, path_pattern: '' });
    if (!same)
      throw new HclExportError('internal', `The write behavior ${String(b['path_pattern'])} differs from the others beyond its path.`);
  }
  template['path_pattern'] = '${ordered_cache_behavior.value}';
  delete cf['ordered_cache_behavior'];
  cf['dynamic'] = {
    ...((cf['dynamic'] ?? {}) as JsonObject),
    ordered_cache_behavior: { for_each: '${var.write_paths}', content: template },
  };
  for (const fn of Object.values(resources['aws_cloudfront_function'] ?? {})) {
    const lifecycle = (fn['lifecycle'] ?? {}) as JsonObject;
    fn['lifecycle'] = {
      ...lifecycle,
      precondition: [
        ...((lifecycle['precondition'] as Json[] | undefined) ?? []),
        {
          condition: '${length(var.write_paths) > 0}',
          error_message: 'write_router = true needs write_paths: the router acts on write behaviors only.',
        },
      ],
    };
  }

  const schema = configJsonSchema() as unknown as {
    properties: Record<string, { properties: Record<string, { items?: { pattern?: string } }> }>;
  };
  const pattern = schema.properties['failover']?.properties['writePaths']?.items?.pattern;
  if (!pattern) throw new Error('config/schema.ts no longer describes failover.writePaths with a pattern');
  return {
    write_paths: {
      type: 'list(string)',
      description:
        'Path patterns served by the primary alone with every method allowed (writes never fail over; see the README). Each becomes an ordered cache behavior, in this order.',
      default: paths as Json[],
      validation: [
        {
          condition: `\${alltrue([for p in var.write_paths : can(regex(${hclString(pattern)}, p))])}`,
          error_message: `write_paths: CloudFront path patterns such as /api/* (matching ${pattern}).`,
        },
        {
          condition: '${alltrue([for p in var.write_paths : p != "*" && p != "/*"])}',
          error_message:
            'write_paths: a narrower pattern than * or /*, which would take over the default behavior, which must stay on the origin group.',
        },
        {
          condition: '${length(distinct(var.write_paths)) == length(var.write_paths)}',
          error_message: 'write_paths: each path pattern once.',
        },
      ],
    },
  };
}

/** The write behavior of modules/edge-failover.ts, on the default behavior's policies. */
function fromDefaultBehavior(cf: JsonObject): JsonObject {
  const d = cf['default_cache_behavior'];
  const base = (Array.isArray(d) ? d[0] : d) as JsonObject | undefined;
  if (!isPlainObject(base))
    throw new HclExportError('internal', 'The distribution has no default_cache_behavior to derive write behaviors from.');
  const pick = (k: string) => (base[k] === undefined ? {} : { [k]: base[k]! });
  return {
    allowed_methods: [...WRITE_METHODS],
    ...pick('cache_policy_id'),
    ...pick('cached_methods'),
    ...pick('compress'),
    ...pick('origin_request_policy_id'),
    path_pattern: '',
    target_origin_id: PRIMARY_ORIGIN_ID,
    // A redirect would turn a POST into a GET, so writes must arrive over HTTPS.
    viewer_protocol_policy: 'https-only',
  };
}
