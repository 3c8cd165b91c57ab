/** The module's inputs carry the config schema's rules (no second copy), and the prefix substitution is exact. */
import { APPRUNNER_CPU_MEMORY } from '../../config/schema.js';
import { configJsonSchema, moduleVariables } from '../../hcl/module/inputs.js';
import { settingsInputs } from '../../hcl/module/settings.js';
import { replacePrefix } from '../../hcl/module/module.js';

type Obj = Record<string, unknown>;
const conditions = (v: Obj | undefined) => ((v?.['validation'] ?? []) as Obj[]).map((r) => String(r['condition']));

test('name_prefix is validated with the pattern of config/schema.ts', () => {
  const pattern = (configJsonSchema().properties!['namePrefix'] as { pattern: string }).pattern;
  const v = moduleVariables('edge-failover')['name_prefix']!;
  expect(v['default']).toBe('edge-failover');
  expect(conditions(v)).toEqual([`\${can(regex(${JSON.stringify(pattern)}, var.name_prefix))}`]);
});

test('instance, auto scaling and health check take their defaults from the stack and their rules from the schema', () => {
  const service = () => ({
    instance_configuration: { cpu: '1 vCPU', memory: '3 GB' },
    health_check_configuration: { protocol: 'HTTP', path: '/up', interval: 7, timeout: 3, healthy_threshold: 1, unhealthy_threshold: 4 },
  });
  const resources = {
    aws_apprunner_service: { primary_service: service(), secondary_service: service() },
    aws_apprunner_auto_scaling_configuration_version: { a: { min_size: 2, max_size: 5, max_concurrency: 50 } },
    aws_route53_health_check: { h: { resource_path: '/up' } },
  };
  const vars = settingsInputs(resources as never);
  expect(vars['instance']!['default']).toEqual({ cpu: '1 vCPU', memory: '3 GB' });
  for (const [cpu, memories] of Object.entries(APPRUNNER_CPU_MEMORY))
    expect(conditions(vars['instance'])[0]).toContain(`"${cpu}" = [${memories.map((m) => `"${m}"`).join(', ')}]`);
  expect(vars['auto_scaling']!['default']).toEqual({ min_size: 2, max_size: 5, max_concurrency: 50 });
  expect(conditions(vars['auto_scaling'])).toContainEqual(expect.stringContaining('var.auto_scaling.max_concurrency <= 200'));
  expect(conditions(vars['health_check'])).toContainEqual(expect.stringContaining('var.health_check.interval <= 20'));
  expect(resources.aws_apprunner_service.primary_service.instance_configuration).toEqual({
    cpu: '${var.instance.cpu}',
    memory: '${var.instance.memory}',
  });
  expect(resources.aws_route53_health_check.h.resource_path).toBe('${var.health_check.path}');
});

test('the prefix is replaced where it names something, not inside longer words', () => {
  expect(replacePrefix('alias/edge-alerts', 'edge')).toBe('alias/${var.name_prefix}-alerts');
  expect(replacePrefix('arn:aws:cloudwatch:x:1:alarm:edge-*', 'edge')).toBe('arn:aws:cloudwatch:x:1:alarm:${var.name_prefix}-*');
  expect(replacePrefix('hedges and edge_x and a.edge', 'edge')).toBe('hedges and edge_x and a.edge');
});
