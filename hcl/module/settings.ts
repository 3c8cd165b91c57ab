/**
 * Settings of the stack that are plain arguments of its resources (not baked into names or
 * descriptions), turned into module inputs: the App Runner instance size, auto scaling and
 * health check, the origins' keep-alive timeout and the price class. The defaults are the
 * values the stack was synthesized with; the validation comes from the config schema
 * (config/schema.ts: its JSON Schema and its CPU/memory table).
 */
import { APPRUNNER_CPU_MEMORY } from '../../config/schema.js';
import { configJsonSchema, type Json, type JsonObject } from './inputs.js';

interface Range {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly string[];
  readonly pattern?: string;
}

type Resources = Record<string, Record<string, JsonObject>>;

const hclString = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${');
const hclList = (xs: readonly string[]) => `[${xs.map(hclString).join(', ')}]`;

export function intRule(expr: string, r: Range | undefined, label: string) {
  const min = r?.minimum ?? 1;
  const max = r?.maximum ?? min;
  return { cond: `${expr} >= ${min} && ${expr} <= ${max} && floor(${expr}) == ${expr}`, text: `${label} an integer from ${min} to ${max}` };
}

/** One validation block per rule, so the error names the rule that failed. */
export const blocks = (rules: readonly { cond: string; text: string }[], name: string) =>
  rules.map((r) => ({ condition: `\${${r.cond}}`, error_message: `${name}: ${r.text}.` }));

/** Replaces the stack's literals with the new inputs and returns the variables (Terraform JSON). */
export function settingsInputs(resources: Resources): Record<string, JsonObject> {
  const schema = configJsonSchema() as unknown as { properties: Record<string, { properties: Record<string, JsonObject & Range> }> };
  const service = schema.properties['service']!.properties;
  const failover = schema.properties['failover']!.properties;
  const vars: Record<string, JsonObject> = {};
  const services = Object.values(resources['aws_apprunner_service'] ?? {});
  const scalings = Object.values(resources['aws_apprunner_auto_scaling_configuration_version'] ?? {});
  const cloudfront = Object.values(resources['aws_cloudfront_distribution'] ?? {});
  const first = services[0];

  const instance = first?.['instance_configuration'] as JsonObject | undefined;
  if (instance && typeof instance['cpu'] === 'string' && typeof instance['memory'] === 'string') {
    const pairs = Object.entries(APPRUNNER_CPU_MEMORY)
      .map(([cpu, mems]) => `${hclString(cpu)} = ${hclList(mems)}`)
      .join(', ');
    vars['instance'] = {
      type: '${object({ cpu = string, memory = string })}',
      description: 'CPU and memory of each App Runner instance, a pair App Runner offers.',
      default: { cpu: instance['cpu'], memory: instance['memory'] },
      validation: [
        {
          condition: `\${contains(lookup({ ${pairs} }, var.instance.cpu, []), var.instance.memory)}`,
          error_message: `instance must be a CPU and memory App Runner pairs: ${Object.entries(APPRUNNER_CPU_MEMORY)
            .map(([c, m]) => `${c} with ${m.join(' or ')}`)
            .join('; ')}.`,
        },
      ],
    };
    for (const s of services) s['instance_configuration'] = { cpu: '${var.instance.cpu}', memory: '${var.instance.memory}' };
  }

  const scaling = scalings[0];
  if (scaling) {
    const as = service['autoScaling'] as unknown as { properties: Record<string, Range> };
    const rules = [
      intRule('var.auto_scaling.min_size', as.properties['minSize'], 'min_size'),
      intRule('var.auto_scaling.max_size', as.properties['maxSize'], 'max_size'),
      intRule('var.auto_scaling.max_concurrency', as.properties['maxConcurrency'], 'max_concurrency'),
    ];
    vars['auto_scaling'] = {
      type: '${object({ min_size = number, max_size = number, max_concurrency = number })}',
      description:
        'App Runner auto scaling of each service: instances kept warm, the most instances, and concurrent requests per instance.',
      default: { min_size: scaling['min_size']!, max_size: scaling['max_size']!, max_concurrency: scaling['max_concurrency']! },
      validation: blocks(
        [...rules, { cond: 'var.auto_scaling.min_size <= var.auto_scaling.max_size', text: 'min_size at most max_size' }],
        'auto_scaling',
      ),
    };
    for (const a of scalings)
      Object.assign(a, {
        min_size: '${var.auto_scaling.min_size}',
        max_size: '${var.auto_scaling.max_size}',
        max_concurrency: '${var.auto_scaling.max_concurrency}',
      });
  }

  const hc = first?.['health_check_configuration'] as JsonObject | undefined;
  if (hc) {
    const h = (service['healthCheck'] as unknown as { properties: Record<string, Range> }).properties;
    const rules = [
      intRule('var.health_check.interval', h['intervalSeconds'], 'interval'),
      intRule('var.health_check.timeout', h['timeoutSeconds'], 'timeout'),
      intRule('var.health_check.healthy_threshold', h['healthyThreshold'], 'healthy_threshold'),
      intRule('var.health_check.unhealthy_threshold', h['unhealthyThreshold'], 'unhealthy_threshold'),
    ];
    const keys = ['protocol', 'path', 'interval', 'timeout', 'healthy_threshold', 'unhealthy_threshold'] as const;
    vars['health_check'] = {
      type: '${object({ protocol = string, path = string, interval = number, timeout = number, healthy_threshold = number, unhealthy_threshold = number })}',
      description: 'App Runner health check of each service (seconds for interval and timeout); Route 53 probes the same path.',
      default: Object.fromEntries(keys.map((k) => [k, hc[k] ?? null])) as JsonObject,
      validation: blocks(
        [
          {
            cond: `contains(${hclList(h['protocol']?.enum ?? ['HTTP', 'TCP'])}, var.health_check.protocol)`,
            text: `protocol ${(h['protocol']?.enum ?? []).join(' or ')}`,
          },
          { cond: `can(regex(${hclString(h['path']?.pattern ?? '^/')}, var.health_check.path))`, text: 'path starting with "/"' },
          ...rules,
          { cond: 'var.health_check.timeout <= var.health_check.interval', text: 'timeout at most interval' },
        ],
        'health_check',
      ),
    };
    const path = hc['path'];
    for (const s of services)
      s['health_check_configuration'] = Object.fromEntries(
        keys.filter((k) => hc[k] !== undefined).map((k) => [k, `\${var.health_check.${k}}`]),
      );
    for (const check of Object.values(resources['aws_route53_health_check'] ?? {}))
      if (check['resource_path'] === path) check['resource_path'] = '${var.health_check.path}';
  }

  const cf = cloudfront[0];
  if (cf) {
    const origins = (Array.isArray(cf['origin']) ? cf['origin'] : [cf['origin']]) as JsonObject[];
    const keepalive = (origins[0]?.['custom_origin_config'] as JsonObject | undefined)?.['origin_keepalive_timeout'];
    if (typeof keepalive === 'number') {
      const r = intRule('var.origin_keepalive_timeout', failover['keepaliveTimeoutSeconds'], 'origin_keepalive_timeout must be');
      vars['origin_keepalive_timeout'] = {
        type: 'number',
        description: 'Seconds CloudFront keeps an idle connection to an origin open.',
        default: keepalive,
        validation: [{ condition: `\${${r.cond}}`, error_message: `${r.text}.` }],
      };
      for (const o of origins) {
        const c = o['custom_origin_config'] as JsonObject | undefined;
        if (c && c['origin_keepalive_timeout'] === keepalive) c['origin_keepalive_timeout'] = '${var.origin_keepalive_timeout}';
      }
    }
    const classes = failover['priceClass']?.enum ?? [];
    if (typeof cf['price_class'] === 'string' && classes.length > 0) {
      vars['price_class'] = {
        type: 'string',
        description: 'CloudFront price class: which edge locations serve viewers.',
        default: cf['price_class'] as Json,
        validation: [
          {
            condition: `\${contains(${hclList(classes)}, var.price_class)}`,
            error_message: `price_class must be one of ${classes.join(', ')}.`,
          },
        ],
      };
      cf['price_class'] = '${var.price_class}';
    }
  }
  return vars;
}
