/**
 * The regions as the caller's providers give them: each provider alias gets a data.aws_region,
 * and every literal of a region the caller may choose becomes `local.<alias>_region` (ARNs,
 * alarm and dashboard regions, descriptions, the probe's PROBE_REGION, outputs).
 *
 * One region stays fixed: CloudFront and Route 53 publish their metrics in us-east-1 only, so the
 * stack keeps the alarms on them, their topic (with its KMS key) and the dashboard on the provider
 * in us-east-1 (aws.global, or aws.primary / aws.secondary when that service runs there). The
 * module keeps that layout, so the alias the stack had in us-east-1 must stay there; the other
 * aliases may name any region except us-east-1 (a second topic and KMS alias of the same name
 * there would collide) and must differ from each other (failover needs two regions).
 * The Route 53 health-checker regions are not service regions and stay as they are.
 */
import { GLOBAL_METRICS_REGION } from '../../core/aws-facts.js';
import { isPlainObject } from '../../core/json.js';
import type { Json, JsonObject } from './inputs.js';

/** Arguments holding region names that are not the providers' regions. */
const NOT_PROVIDER_REGIONS: Readonly<Record<string, readonly string[]>> = { aws_route53_health_check: ['regions'] };

export interface RegionLayout {
  /** The alias kept in us-east-1, if the stack has one there. */
  readonly pinned?: string;
  /** Aliases whose region the caller chooses. */
  readonly free: readonly string[];
}

/** Adds data.aws_region per alias with its guard, and the free regions as locals replacing their literals. */
export function regionsFromProviders(s: JsonObject, regions: Readonly<Record<string, string>>, locals: JsonObject): RegionLayout {
  const aliases = Object.keys(regions);
  const pinned = aliases.find((a) => regions[a] === GLOBAL_METRICS_REGION);
  const free = aliases.filter((a) => a !== pinned);
  if (aliases.length === 0) return { free };

  const bySpan = free.map((a) => ({ alias: a, re: regionPattern(regions[a]!) }));
  const replace = (text: string) => bySpan.reduce((t, { alias, re }) => t.replace(re, `\${local.${alias}_region}`), text);
  if (s['output'] !== undefined) {
    s['output'] = walk(s['output'], replace, []);
    for (const [name, out] of Object.entries(s['output'] as Record<string, JsonObject>))
      if (isPlainObject(out['value']) && Object.keys(out['value']).some((k) => /^\$\{[^{}]*\}$/.test(k)))
        out['value'] = keyedByReferences(name, out['value'] as JsonObject, locals);
  }
  for (const [k, v] of Object.entries(locals)) locals[k] = walk(v, replace, []);
  for (const section of ['resource', 'data'] as const) {
    const byType = (s[section] ?? {}) as Record<string, Record<string, JsonObject>>;
    for (const [type, byName] of Object.entries(byType))
      for (const [name, body] of Object.entries(byName)) byName[name] = walk(body, replace, NOT_PROVIDER_REGIONS[type] ?? []) as JsonObject;
  }
  for (const a of free) locals[`${a}_region`] = `\${data.aws_region.${a}.name}`;

  s['data'] ??= {};
  const data = s['data'] as Record<string, Record<string, Json>>;
  data['aws_region'] ??= {};
  for (const alias of aliases) {
    const postcondition: JsonObject[] = [];
    if (alias === pinned) {
      postcondition.push({
        condition: `\${self.name == "${GLOBAL_METRICS_REGION}"}`,
        error_message:
          `aws.${alias} must be configured for ${GLOBAL_METRICS_REGION}: CloudFront and Route 53 publish their metrics there only, ` +
          `and this module keeps the alarms on them, their SNS topic and the dashboard on aws.${alias}.` +
          (alias === 'global'
            ? ''
            : ' Export the stack with a primary and secondary outside us-east-1 for a module that takes aws.global instead.'),
      });
    } else {
      if (pinned)
        postcondition.push({
          condition: `\${self.name != "${GLOBAL_METRICS_REGION}"}`,
          error_message: `aws.${alias} must be configured for a region other than ${GLOBAL_METRICS_REGION}: aws.${pinned} holds the module's ${GLOBAL_METRICS_REGION} topic, KMS alias and alarms, and a second set there would collide.`,
        });
      for (const other of free.slice(0, free.indexOf(alias)))
        postcondition.push({
          condition: `\${self.name != data.aws_region.${other}.name}`,
          error_message: `aws.${alias} must be configured for a region other than aws.${other}'s: failover needs two regions.`,
        });
    }
    data['aws_region'][alias] = { provider: `aws.${alias}`, ...(postcondition.length > 0 ? { lifecycle: { postcondition } } : {}) };
  }
  return { pinned, free };
}

/** The region where it stands as a name: not inside a host name (ecr.us-east-1.amazonaws.com) or a longer word. */
function regionPattern(region: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_.-])${region.replace(/[-]/g, '\\-')}(?![A-Za-z0-9_-])`, 'g');
}

/**
 * An output object whose keys are references, as zipmap of two locals (`<name>_keys`,
 * `<name>_values`): a key `${local.x}` would be an interpolation-only string, and a
 * parenthesized key does not survive the HCL-to-JSON round trip the export is verified with.
 */
function keyedByReferences(name: string, o: JsonObject, locals: JsonObject): string {
  locals[`${name}_keys`] = Object.keys(o);
  locals[`${name}_values`] = Object.values(o);
  return `\${zipmap(local.${name}_keys, local.${name}_values)}`;
}

/** Every string (values and keys) through `f`, except the arguments named in `skip` at the top level. */
function walk(v: Json, f: (s: string) => string, skip: readonly string[]): Json {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, f, []));
  if (isPlainObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v as JsonObject))
      out[skip.includes(k) || k === 'provider' ? k : f(k)] = skip.includes(k) ? x : walk(x, f, []);
    return out;
  }
  return v;
}
