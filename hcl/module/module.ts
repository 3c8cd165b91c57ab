/**
 * A synthesized stack (cdk.tf.json) reshaped into a reusable child module, still in Terraform
 * JSON terms; ../convert/convert.ts then writes it as HCL. What changes, and why (HashiCorp, "Providers
 * Within Modules"; the layout of terraform-aws-modules):
 * - no provider blocks and no backend: the caller configures both (see ./examples.ts); the
 *   module declares the provider aliases it needs in `configuration_aliases`;
 * - the name prefix is an input (`var.name_prefix`), so two instances never collide;
 * - `tags` is an input merged into every resource that has tags;
 * - optional production inputs on the distribution: aliases with an ACM certificate, a WAF web
 *   ACL, standard logging;
 * - the probe app is a file beside the module, read with filebase64(), once (`local.probe_app_base64`);
 * - managed policy ids are locals with a comment; a dynamic block's `iterator = each` is dropped;
 * - the regions come from the caller's providers (data.aws_region per alias), with the guards the
 *   layout needs (./regions.ts).
 */
import { CACHING_DISABLED_POLICY_ID, ALL_VIEWER_EXCEPT_HOST_POLICY_ID } from '../../modules/edge-failover.js';
import { isPlainObject } from '../../core/json.js';
import { HclExportError } from '../errors.js';
import { moduleVariables, type Json, type JsonObject } from './inputs.js';
import { writeRouterOption } from '../write-router-option.js';
import { settingsInputs } from './settings.js';
import { kmsInputs } from './kms.js';
import { alarmInputs } from './alarms.js';
import { writePathsInput } from './write-paths.js';
import { regionsFromProviders, type RegionLayout } from './regions.js';

export const PROBE_APP_FILE = 'probe-app.mjs';
const PROBE_DATA_URL = /data:text\/javascript;base64,([A-Za-z0-9+/]{64,}={0,2})/;

/** Managed policy ids the stack uses, as locals with the comment a reviewer needs. */
const MANAGED_IDS: readonly { local: string; id: string; comment: string }[] = [
  {
    local: 'caching_disabled_policy_id',
    id: CACHING_DISABLED_POLICY_ID,
    comment: 'Managed cache policy "CachingDisabled": a cached 200 from the secondary would hide failback.',
  },
  {
    local: 'all_viewer_except_host_policy_id',
    id: ALL_VIEWER_EXCEPT_HOST_POLICY_ID,
    comment:
      'Managed origin request policy "AllViewerExceptHostHeader": App Runner routes by Host, and a wrong Host\ngets 404, a failover code; so the viewer\'s Host must not reach the origin.',
  },
];

export interface ReusableModule {
  /** The module in Terraform JSON syntax (no provider, no backend). */
  readonly tfJson: JsonObject;
  /** Comments to write before an item, by its path joined with "." (e.g. "locals.probe_app_base64"). */
  readonly comments: ReadonlyMap<string, string>;
  /** Files beside the module's .tf files (file name -> content). */
  readonly files: ReadonlyMap<string, string>;
  /** The stack's provider configurations, for the examples' root modules. */
  readonly providers: JsonObject;
  /** The stack's backend block ({ local: {...} } or { s3: {...} }), for the examples. */
  readonly backend: JsonObject | undefined;
  /** Provider aliases the caller passes (`aws.primary`, ...). */
  readonly aliases: readonly string[];
  /** alias -> region the stack was synthesized for (the examples' provider regions). */
  readonly regions: Readonly<Record<string, string>>;
  /** Which alias stays in us-east-1 and which the caller may place anywhere else. */
  readonly layout: RegionLayout;
  readonly namePrefix: string;
}

export function toReusableModule(stack: JsonObject, namePrefix: string): ReusableModule {
  const s = structuredClone(stack);
  const comments = new Map<string, string>();
  const files = new Map<string, string>();
  const providers = (s['provider'] ?? {}) as JsonObject;
  delete s['provider'];
  const terraform = { ...((s['terraform'] ?? {}) as JsonObject) };
  const backend = terraform['backend'] as JsonObject | undefined;
  delete terraform['backend'];

  const regions: Record<string, string> = {};
  for (const config of list(providers['aws'])) {
    const c = config as JsonObject;
    if (typeof c['alias'] !== 'string' || typeof c['region'] !== 'string')
      throw new HclExportError('usage', 'Every aws provider of the stack needs an alias and a region to become a module input.');
    regions[c['alias']] = c['region'];
  }
  const aliases = Object.keys(regions).map((a) => `aws.${a}`);
  const required = { ...((terraform['required_providers'] as JsonObject)?.['aws'] as JsonObject) };
  terraform['required_providers'] = { aws: { ...required, source: 'hashicorp/aws', configuration_aliases: aliases } };
  s['terraform'] = terraform;

  // The prefix becomes an input everywhere it names something.
  // (Not in variables: their defaults and descriptions are literal text.)
  for (const section of ['locals', 'data', 'resource', 'output'])
    if (s[section] !== undefined) s[section] = replaceStrings(s[section], (text) => replacePrefix(text, namePrefix));

  const locals: JsonObject = { ...((s['locals'] ?? {}) as JsonObject) };
  // The probe app, once, from a file beside the module.
  let probe: string | undefined;
  const withProbe = replaceStrings({ resource: s['resource'] ?? {} }, (text) => {
    const m = PROBE_DATA_URL.exec(text);
    if (!m) return text;
    if (probe !== undefined && probe !== m[1]) throw new HclExportError('internal', 'The stack embeds two different probe apps.');
    probe = m[1]!;
    return text.replace(PROBE_DATA_URL, 'data:text/javascript;base64,${local.probe_app_base64}');
  }) as JsonObject;
  Object.assign(s, withProbe);
  if (probe !== undefined) {
    files.set(PROBE_APP_FILE, Buffer.from(probe, 'base64').toString('utf8'));
    locals['probe_app_base64'] = `\${filebase64("\${path.module}/${PROBE_APP_FILE}")}`;
    comments.set(
      'locals.probe_app_base64',
      `The probe app each service runs (app/probe-app.mjs of the project), passed to node as a data: URL\nin NODE_OPTIONS, so the stock Node image needs no build step.`,
    );
  }
  for (const m of MANAGED_IDS) {
    let used = false;
    Object.assign(
      s,
      replaceStrings({ resource: s['resource'] ?? {} }, (text) => {
        if (text !== m.id) return text;
        used = true;
        return `\${local.${m.local}}`;
      }),
    );
    if (used) {
      locals[m.local] = m.id;
      comments.set(`locals.${m.local}`, m.comment);
    }
  }

  const resources = (s['resource'] ?? {}) as Record<string, Record<string, JsonObject>>;
  for (const byName of Object.values(resources))
    for (const body of Object.values(byName)) {
      dropEachIterator(body);
      if (isObject(body['tags'])) body['tags'] = `\${merge(var.tags, ${hclObject(body['tags'])})}`;
    }
  const settings = settingsInputs(resources);
  const routerInput = writeRouterOption(s);
  const writePaths = writePathsInput(resources);
  const alarmInput = alarmInputs(resources, locals);
  const cf = Object.values(resources['aws_cloudfront_distribution'] ?? {})[0];
  if (cf) productionInputs(cf);

  // The regions come from the caller's providers (one data.aws_region per alias, guarded).
  const layout = regionsFromProviders(s, regions, locals);
  if (Object.keys(locals).length > 0) s['locals'] = locals;
  s['variable'] = {
    ...moduleVariables(namePrefix),
    ...settings,
    ...writePaths,
    ...alarmInput,
    ...routerInput,
    ...((s['variable'] ?? {}) as JsonObject),
  };
  const out = outputs((s['output'] ?? {}) as Record<string, JsonObject>, resources, regions);
  if (Object.keys(out).length > 0) s['output'] = out;
  // After the outputs, which read the keys.
  Object.assign(s['variable'] as JsonObject, kmsInputs(s, locals));
  if (Object.keys(locals).length > 0) s['locals'] = locals;
  return { tfJson: s, comments, files, providers, backend, aliases, regions, layout, namePrefix };
}

/** Aliases with an ACM certificate, a WAF web ACL and standard logging, each off by default. */
function productionInputs(cf: JsonObject): void {
  cf['aliases'] = '${length(var.aliases) > 0 ? var.aliases : null}';
  cf['web_acl_id'] = '${var.web_acl_id}';
  const dynamic = (cf['dynamic'] ??= {}) as JsonObject;
  dynamic['logging_config'] = {
    for_each: '${var.logging_bucket == null ? [] : [var.logging_bucket]}',
    content: { bucket: '${logging_config.value}', prefix: '${var.logging_prefix}', include_cookies: false },
  };
  // Without a certificate: the *.cloudfront.net certificate, as the stack has it.
  cf['viewer_certificate'] = {
    cloudfront_default_certificate: '${var.acm_certificate_arn == null}',
    acm_certificate_arn: '${var.acm_certificate_arn}',
    ssl_support_method: '${var.acm_certificate_arn == null ? null : "sni-only"}',
    minimum_protocol_version: '${var.acm_certificate_arn == null ? null : "TLSv1.2_2021"}',
  };
}

function outputs(
  given: Record<string, JsonObject>,
  resources: Record<string, Record<string, JsonObject>>,
  regions: Record<string, string>,
) {
  const out: Record<string, JsonObject> = { ...given };
  const ref = (type: string, name: string) => (resources[type]?.[name] ? `${type}.${name}` : undefined);
  const cf = Object.keys(resources['aws_cloudfront_distribution'] ?? {})[0];
  if (cf) {
    out['distribution_arn'] = { description: 'ARN of the CloudFront distribution.', value: `\${aws_cloudfront_distribution.${cf}.arn}` };
    out['distribution_hosted_zone_id'] = {
      description: 'Route 53 zone id of the distribution, for an alias record (always Z2FDTNDATAQYW2).',
      value: `\${aws_cloudfront_distribution.${cf}.hosted_zone_id}`,
    };
  }
  for (const role of Object.keys(regions)) {
    const svc = ref('aws_apprunner_service', `${role}_service`);
    if (svc) out[`${role}_service_id`] = { description: `Service id of the ${role} App Runner service.`, value: `\${${svc}.service_id}` };
    if (out[`${role}_region`]) out[`${role}_region`] = { ...out[`${role}_region`], value: `\${data.aws_region.${role}.name}` };
  }
  const keys = Object.keys(resources['aws_kms_key'] ?? {});
  if (keys.length > 0) {
    out['alert_key_arns'] = {
      description: 'KMS key ARN per alert region: the module-managed keys of the SNS topics (null when it creates none).',
      value: Object.fromEntries(keys.map((k) => [k.replace(/^monitoring_|_alerts_key$/g, ''), `\${aws_kms_key.${k}.arn}`])),
    };
  }
  const primary = ref('aws_apprunner_service', 'primary_service');
  if (out['health_check_path'] && primary)
    out['health_check_path'] = { ...out['health_check_path'], value: `\${${primary}.health_check_configuration[0].path}` };
  const dash = Object.keys(resources['aws_cloudwatch_dashboard'] ?? {})[0];
  if (out['dashboard_name'] && dash)
    out['dashboard_name'] = { ...out['dashboard_name'], value: `\${aws_cloudwatch_dashboard.${dash}.dashboard_name}` };
  return out;
}

/** `iterator = each` reads like for_each's `each`; the default iterator is the block's own name. */
function dropEachIterator(body: JsonObject): void {
  for (const v of Object.values(body)) if (isObject(v)) dropEachIterator(v);
  const dyn = body['dynamic'];
  if (!isObject(dyn)) return;
  for (const [name, spec] of Object.entries(dyn)) {
    if (!isObject(spec) || spec['iterator'] !== 'each') continue;
    delete spec['iterator'];
    spec['content'] = replaceStrings(spec['content'] ?? {}, (t) => t.replace(/\beach\.(value|key)\b/g, `${name}.$1`));
  }
}

/** The prefix as `${var.name_prefix}` where it stands as a name (not inside a longer word). */
export function replacePrefix(text: string, prefix: string): string {
  const esc = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![A-Za-z0-9_.])${esc}(?![A-Za-z0-9_])`, 'g'), '${var.name_prefix}');
}

/** Every string (values and object keys) through `f`, keeping cdktf's "//" metadata out. */
function replaceStrings(v: Json, f: (s: string) => string): Json {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => replaceStrings(x, f));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '//') continue;
      out[f(k)] = replaceStrings(x, f);
    }
    return out;
  }
  return v;
}

/** A JSON object of strings as an HCL object expression (for merge()). */
function hclObject(o: JsonObject): string {
  const items = Object.entries(o).map(([k, v]) => {
    const key = /^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k);
    if (typeof v !== 'string') return `${key} = ${JSON.stringify(v)}`;
    const lone = /^\$\{([^{}]*)\}$/.exec(v);
    return `${key} = ${lone ? lone[1] : JSON.stringify(v)}`;
  });
  return `{ ${items.join(', ')} }`;
}

function list(v: Json | undefined): Json[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

const isObject: (v: unknown) => v is JsonObject = isPlainObject;
