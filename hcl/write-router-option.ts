/**
 * The write router as a module input: `write_router` (bool). When the stack was synthesized with
 * `failover.writeRouter`, its function, KeyValueStore and key get `count`, the write behaviors'
 * `function_association` becomes a dynamic block, and the store's ARN output is null when the
 * router is off. Off, the write behaviors send writes to the primary alone, as without the router.
 */
import type { Json, JsonObject } from './module/inputs.js';

const ROUTER_TYPES = ['aws_cloudfront_function', 'aws_cloudfront_key_value_store', 'aws_cloudfrontkeyvaluestore_key'] as const;

/** Rewrites `s` (the module's Terraform JSON) in place; returns the variable to declare, or none when the stack has no router. */
export function writeRouterOption(s: JsonObject): JsonObject {
  const resources = (s['resource'] ?? {}) as Record<string, Record<string, JsonObject>>;
  if (!resources['aws_cloudfront_function'] || !resources['aws_cloudfront_key_value_store']) return {};
  const renames: [RegExp, string][] = [];
  for (const type of ROUTER_TYPES) {
    for (const [name, body] of Object.entries(resources[type] ?? {})) {
      body['count'] = '${var.write_router ? 1 : 0}';
      renames.push([new RegExp(`\\b${type}\\.${name}\\.`, 'g'), `${type}.${name}[0].`]);
    }
  }
  const rename = (v: unknown): unknown => {
    if (typeof v === 'string') return renames.reduce((t, [re, to]) => t.replace(re, to), v);
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]));
    return v;
  };
  for (const byName of Object.values(resources))
    for (const [name, body] of Object.entries(byName)) byName[name] = rename(body) as JsonObject;
  for (const cf of Object.values(resources['aws_cloudfront_distribution'] ?? {})) {
    const behaviors = Array.isArray(cf['ordered_cache_behavior']) ? (cf['ordered_cache_behavior'] as JsonObject[]) : [];
    for (const b of behaviors) {
      const assoc = b['function_association'];
      if (!Array.isArray(assoc) || assoc.length !== 1) continue;
      delete b['function_association'];
      b['dynamic'] = {
        ...((b['dynamic'] ?? {}) as JsonObject),
        function_association: { for_each: '${var.write_router ? [1] : []}', content: assoc[0] as JsonObject },
      };
    }
  }
  const outputs = (s['output'] ?? {}) as Record<string, JsonObject>;
  for (const out of Object.values(outputs)) {
    const value = rename(out['value']);
    if (typeof value === 'string' && /^\$\{aws_cloudfront_key_value_store\.[A-Za-z0-9_]+\[0\]\.arn\}$/.test(value)) {
      out['value'] = `\${var.write_router ? ${value.slice(2, -1)} : null}`;
    } else out['value'] = value as Json;
  }
  return {
    write_router: {
      type: 'bool',
      default: true,
      description:
        'Route the write paths through the CloudFront Function and KeyValueStore (key active-region) that dr-drill switch-writes points at either region. false: writes go to the primary alone.',
    },
  };
}
