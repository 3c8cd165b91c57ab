/**
 * The module inputs that replace the stack's regions, write paths, alarm settings and KMS mode,
 * on the reshaped Terraform JSON (toReusableModule, no HCL writing): their defaults equal the
 * config each stack was synthesized from, the region literals are gone, and the guards and KMS
 * inputs follow the stack's layout. The real plans are in module.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type EdgeFailoverConfig, type EdgeFailoverConfigInput } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { toReusableModule, type ReusableModule } from '../../hcl/module/module.js';
import { DEFAULT_CONFIG, FULL_CONFIG } from './fixtures.js';

type Obj = Record<string, unknown>;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function reshape(input: EdgeFailoverConfigInput): { config: EdgeFailoverConfig; m: ReusableModule; vars: Obj; text: string } {
  const config = loadConfig({ env: {}, overrides: input });
  const dir = mkdtempSync(join(tmpdir(), 'hcl-options-'));
  dirs.push(dir);
  const synth = synthesize(config, dir);
  const m = toReusableModule(JSON.parse(readFileSync(synth.tfJsonPath, 'utf8')) as never, synth.stackName);
  return { config, m, vars: m.tfJson['variable'] as Obj, text: JSON.stringify({ ...m.tfJson, variable: undefined }) };
}
const def = (vars: Obj, name: string) => (vars[name] as Obj | undefined)?.['default'];
const conditions = (m: ReusableModule, alias: string) =>
  (
    (((m.tfJson['data'] as Obj)['aws_region'] as Obj)[alias] as Obj)['lifecycle'] as { postcondition: { condition: string }[] }
  ).postcondition.map((p) => p.condition);
const alarmsDefault = (c: EdgeFailoverConfig) => ({
  period_seconds: c.monitoring.periodSeconds,
  evaluation_periods: c.monitoring.evaluationPeriods,
  datapoints_to_alarm: c.monitoring.datapointsToAlarm,
  failover_requests_threshold: c.monitoring.failoverRequestsThreshold,
  edge_error_rate_percent: c.monitoring.edgeErrorRatePercent,
  health_check_requests_per_minute: c.monitoring.healthCheckRequestsPerMinute ?? null,
});
/** Where a region still stands as a literal, other than the Route 53 health-checker regions. */
const literal = (text: string, region: string) =>
  text.replace(/"regions":\[[^\]]*\]/g, '').match(new RegExp(`(?<![A-Za-z0-9_.-])${region}(?![A-Za-z0-9_-])`, 'g')) ?? [];

test('default stack: aws.primary stays in us-east-1, the secondary comes from its provider; defaults are the config', () => {
  const { config, m, vars, text } = reshape(DEFAULT_CONFIG);
  expect(m.layout).toEqual({ pinned: 'primary', free: ['secondary'] });
  expect(conditions(m, 'primary')).toEqual(['${self.name == "us-east-1"}']);
  expect(conditions(m, 'secondary')).toEqual(['${self.name != "us-east-1"}']);
  expect(literal(text, config.regions.secondary)).toEqual([]);
  expect(text).toContain('${local.secondary_region}');
  expect(def(vars, 'write_paths')).toEqual(config.failover.writePaths);
  expect(def(vars, 'alarms')).toEqual(alarmsDefault(config));
  expect([def(vars, 'topic_encryption'), def(vars, 'topic_kms_key_id')]).toEqual([config.monitoring.topicEncryption, null]);
});

test('primary outside us-east-1: aws.global stays there, primary and secondary are free and apart', () => {
  const { config, m, vars, text } = reshape(FULL_CONFIG);
  expect(m.layout).toEqual({ pinned: 'global', free: ['primary', 'secondary'] });
  expect(conditions(m, 'secondary')).toEqual(['${self.name != "us-east-1"}', '${self.name != data.aws_region.primary.name}']);
  for (const role of ['primary', 'secondary'] as const) expect(literal(text, config.regions[role])).toEqual([]);
  expect(def(vars, 'write_paths')).toEqual(config.failover.writePaths);
});

test('topics without a key get no KMS input and no kms_master_key_id', () => {
  const { vars, text } = reshape({ monitoring: { topicEncryption: 'none' } });
  expect([vars['topic_encryption'], vars['topic_kms_key_id']]).toEqual([undefined, undefined]);
  expect(text).not.toMatch(/kms_master_key_id|topic_kms_key_id|aws_kms_key/);
});

test('a given key becomes topic_kms_key_id; a set health-check rate and threshold come back as the defaults', () => {
  const { config, m, vars } = reshape({
    regions: { primary: 'eu-west-1', secondary: 'us-east-1' },
    monitoring: { kmsKeyId: 'alias/shared-alerts', healthCheckRequestsPerMinute: 30, failoverRequestsThreshold: 7 },
  });
  expect(m.layout).toEqual({ pinned: 'secondary', free: ['primary'] });
  expect(vars['topic_encryption']).toBeUndefined();
  expect(def(vars, 'topic_kms_key_id')).toBe('alias/shared-alerts');
  const topics = Object.values((m.tfJson['resource'] as Record<string, Record<string, Obj>>)['aws_sns_topic']!);
  expect(topics.map((t) => t['kms_master_key_id'])).toEqual(topics.map(() => '${var.topic_kms_key_id}'));
  expect(def(vars, 'alarms')).toEqual(alarmsDefault(config));
});
