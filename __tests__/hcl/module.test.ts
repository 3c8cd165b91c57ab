/**
 * The exported module as a child module, with the real terraform and the provider mirror:
 * - fmt -check on the module and its examples; init and validate on the module alone (each example
 *   is validated by its plan);
 * - equivalence: the plan of examples/complete equals the plan of cdk.tf.json (terraform show
 *   -json), resource by resource, value by value; and again with another secondary region, write
 *   paths, alarm thresholds and a given KMS key, against cdk.tf.json synthesized from that config;
 * - child-module cases: providers passed explicitly (complete), for_each over two instances
 *   (two-apps, whose names must not collide), depends_on on the module;
 * - planted errors in a copy (an unknown argument, a block written as an attribute) fail validate.
 * Plans run offline: fake credentials, every endpoint on 127.0.0.1, STS (the one data source
 * that calls AWS at plan time, aws_caller_identity) answered by the local stub.
 *
 * @slow real terraform init and plans
 */
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, synthAndExport, type Exported } from './fixtures.js';
import { loadConfig, type EdgeFailoverConfigInput } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { AwsStub } from '../support/aws/aws-stub.js';
import { testUnless } from '../support/skip.js';
import { findTerraform, PROVIDER_MIRROR, providerMissing, terraform, writeProviderVersionOverride } from '../support/terraform.js';
import { comparePlans, type PlanJson } from './plan-diff.js';
import { MODULE_CALL } from '../../hcl/examples.js';

const real = await findTerraform();
const exported: Exported | undefined = real.found ? await synthAndExport(DEFAULT_CONFIG) : undefined;
const moduleDir = exported?.moduleDir ?? '.';
const stackDir = exported ? join(exported.tfJsonPath, '..') : '.';
const examples = ['complete', 'two-apps'].map((e) => join(moduleDir, 'examples', e));
if (PROVIDER_MIRROR && exported) for (const d of [moduleDir, stackDir, ...examples]) writeProviderVersionOverride(d);
const withTerraform = testUnless(real.found ? undefined : real.reason);
const withProviders = testUnless(await providerMissing(real, examples[0]!));
const stub = await new AwsStub().start();
const scratch: string[] = [];
afterAll(async () => {
  await stub.close();
  exported?.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** Fake credentials and local endpoints for every provider alias of a root module. */
function offlineProviders(dir: string, aliases: readonly string[]): void {
  const closed = 'http://127.0.0.1:9';
  const endpoints = Object.fromEntries(
    ['apprunner', 'cloudfront', 'cloudwatch', 'events', 'iam', 'kms', 'route53', 'sns'].map((s) => [s, closed]),
  );
  const config = (alias: string) => ({
    alias,
    access_key: 'AKIAFAKEFAKEFAKEFAKE',
    secret_key: 'fake',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    endpoints: [{ ...endpoints, sts: stub.url }],
  });
  writeFileSync(join(dir, 'zz_offline_override.tf.json'), JSON.stringify({ provider: { aws: aliases.map(config) } }, null, 2));
}

async function ok(dir: string, args: string[]): Promise<string> {
  const r = await terraform(dir, [...args, '-no-color'], 300_000);
  if (!r.ok) throw new Error(`terraform ${args.join(' ')} in ${dir} failed:\n${r.output}`);
  return r.output;
}

async function plan(dir: string, reuseInit = false): Promise<PlanJson> {
  // With its backend: cdk.tf.json has a local one, which plan needs initialized.
  if (!reuseInit || !existsSync(join(dir, '.terraform'))) await ok(dir, ['init', '-input=false']);
  await ok(dir, ['plan', '-input=false', '-lock=false', '-refresh=false', '-out=tfplan']);
  const shown = await terraform(dir, ['show', '-json', 'tfplan'], 120_000);
  if (!shown.ok) throw new Error(shown.output);
  return JSON.parse(shown.output) as PlanJson;
}

const aliases = () => exported!.reusable.aliases.map((a) => a.slice('aws.'.length));

/**
 * A copy of the module that terraform can validate on its own: a module with
 * configuration_aliases gets its providers from the caller, so the copy gets the provider
 * blocks a caller would have (hashicorp/terraform#28490: validate needs them).
 */
function standaloneCopy(plant: (main: string) => string = (m) => m): string {
  const dir = mkdtempSync(join(tmpdir(), 'hcl-module-'));
  scratch.push(dir);
  cpSync(moduleDir, dir, { recursive: true, filter: (src) => !src.includes('examples') && !src.includes('.terraform') });
  writeFileSync(join(dir, 'main.tf'), plant(readFileSync(join(dir, 'main.tf'), 'utf8')));
  writeFileSync(
    join(dir, 'zz_callers_providers.tf'),
    aliases()
      .map((a) => `provider "aws" {\n  alias = "${a}"\n}\n`)
      .join('\n'),
  );
  return dir;
}

withTerraform('terraform fmt -check finds nothing to change in the module and its examples', async () => {
  const r = await terraform(moduleDir, ['fmt', '-check', '-recursive', '-diff', '-no-color']);
  expect({ ok: r.ok, output: r.ok ? '' : r.output }).toEqual({ ok: true, output: '' });
});

// Each example is validated by its plan below (plan validates the configuration first, with the
// same diagnostics): a separate validate would start every provider once more, for nothing.
withProviders(
  'init and validate pass on the module alone',
  async () => {
    const dir = standaloneCopy();
    await ok(dir, ['init', '-backend=false', '-input=false']);
    const v = await terraform(dir, ['validate', '-no-color']);
    expect({ ok: v.ok, output: v.ok ? '' : v.output }).toEqual({ ok: true, output: '' });
  },
  600_000,
);

withProviders(
  'the plan of examples/complete equals the plan of cdk.tf.json',
  async () => {
    const complete = examples[0]!;
    offlineProviders(stackDir, aliases());
    offlineProviders(complete, aliases());
    // Two directories, two terraform processes: side by side.
    const [stackPlan, modulePlan] = await Promise.all([plan(stackDir), plan(complete)]);
    const result = comparePlans(stackPlan, modulePlan, 'module.edge_failover.');
    console.log(`equivalence: ${result.compared} resources compared, ${result.differences.length} differences`);
    expect(result.differences).toEqual([]);
    expect(result.compared).toBe((stackPlan.resource_changes ?? []).filter((r) => r.mode === 'managed').length);
    expect(result.compared).toBeGreaterThan(20);
  },
  900_000,
);

/**
 * Other regions, write paths, alarm thresholds and a given KMS key: the module of the default
 * stack, called with these inputs and providers, against cdk.tf.json synthesized from the same
 * config. The primary stays in us-east-1, which the default stack's layout pins.
 */
const NON_DEFAULT: EdgeFailoverConfigInput = {
  regions: { secondary: 'eu-west-1' },
  failover: { writePaths: ['/api/*', '/upload'] },
  monitoring: {
    kmsKeyId: 'alias/shared-alerts',
    periodSeconds: 120,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    failoverRequestsThreshold: 10,
    edgeErrorRatePercent: 5,
  },
};

withProviders(
  'with other regions, write paths, thresholds and a KMS key, the module plans as cdk.tf.json synthesized from the same config',
  async () => {
    const complete = examples[0]!;
    const config = loadConfig({ env: {}, overrides: NON_DEFAULT });
    const synthDir = mkdtempSync(join(tmpdir(), 'hcl-synth-other-'));
    scratch.push(synthDir);
    // The same stack directory and providers as the default plan: its init is reused.
    copyFileSync(synthesize(config, synthDir).tfJsonPath, join(stackDir, 'cdk.tf.json'));
    offlineProviders(stackDir, aliases());
    const m = config.monitoring;
    const inputs = {
      write_paths: config.failover.writePaths,
      topic_kms_key_id: m.kmsKeyId,
      alarms: {
        period_seconds: m.periodSeconds,
        evaluation_periods: m.evaluationPeriods,
        datapoints_to_alarm: m.datapointsToAlarm,
        failover_requests_threshold: m.failoverRequestsThreshold,
        edge_error_rate_percent: m.edgeErrorRatePercent,
        health_check_requests_per_minute: m.healthCheckRequestsPerMinute ?? null,
      },
    };
    const overrides = [join(complete, 'zz_inputs_override.tf.json'), join(complete, 'zz_regions_override.tf.json')];
    writeFileSync(overrides[0]!, JSON.stringify({ module: { [MODULE_CALL]: inputs } }, null, 2));
    writeFileSync(
      overrides[1]!,
      JSON.stringify({ provider: { aws: [{ alias: 'secondary', region: config.regions.secondary }] } }, null, 2),
    );
    offlineProviders(complete, aliases());
    try {
      const [stackPlan, modulePlan] = await Promise.all([plan(stackDir, true), plan(complete, true)]);
      const result = comparePlans(stackPlan, modulePlan, `module.${MODULE_CALL}.`);
      console.log(`non-default equivalence: ${result.compared} resources compared, ${result.differences.length} differences`);
      expect(result.differences).toEqual([]);
      expect(result.compared).toBe((stackPlan.resource_changes ?? []).filter((r) => r.mode === 'managed').length);
      // The inputs took effect: the stack's own plan has them.
      const after = (p: PlanJson, type: string) =>
        (p.resource_changes ?? []).filter((r) => r.type === type).map((r) => r.change.after as Record<string, unknown>);
      expect(after(modulePlan, 'aws_cloudwatch_metric_alarm').map((a) => a['period'])).toEqual(expect.arrayContaining([m.periodSeconds]));
      expect((after(modulePlan, 'aws_cloudfront_distribution')[0]!['ordered_cache_behavior'] as unknown[]).length).toBe(2);
      expect(after(modulePlan, 'aws_kms_key')).toEqual([]);
    } finally {
      for (const f of overrides) rmSync(f, { force: true });
    }
  },
  900_000,
);

withProviders(
  'two instances (for_each), with depends_on and explicitly passed providers, plan side by side with no name in common',
  async () => {
    // examples/two-apps as shipped, plus a depends_on on the module call: one
    // plan proves all three child-module cases.
    const dir = mkdtempSync(join(tmpdir(), 'hcl-two-apps-'));
    scratch.push(dir);
    cpSync(moduleDir, join(dir, 'module'), { recursive: true, filter: (src) => !src.includes('examples') && !src.includes('.terraform') });
    cpSync(examples[1]!, dir, { recursive: true, filter: (src) => !src.includes('.terraform') && !src.endsWith('.tfplan') });
    const main = readFileSync(join(examples[1]!, 'main.tf'), 'utf8');
    const called = main
      .replace('source = "../.."', 'source = "./module"')
      .replace(/\n}\n?$/, '\n\n  depends_on = [terraform_data.before]\n}\n');
    expect(called).toMatch(/providers = \{\n\s+aws\.primary\s+= aws\.primary/);
    expect(called).toContain('depends_on = [terraform_data.before]');
    writeFileSync(join(dir, 'main.tf'), `resource "terraform_data" "before" {}\n\n${called}`);
    writeProviderVersionOverride(dir);
    offlineProviders(dir, aliases());
    const p = await plan(dir);
    expect(p.resource_changes?.some((r) => r.address === 'terraform_data.before')).toBe(true);
    // The same resource of the two instances (same region, same type) must be named differently.
    const names = new Map<string, string>();
    const clashes: string[] = [];
    let named = 0;
    for (const rc of p.resource_changes ?? []) {
      if (rc.mode !== 'managed' || rc.address === 'terraform_data.before') continue;
      const after = (rc.change.after ?? {}) as Record<string, unknown>;
      const inModule = rc.address.replace(/^module\.edge_failover\["(blue|green)"\]\./, '');
      for (const key of ['name', 'service_name', 'auto_scaling_configuration_name', 'alarm_name', 'dashboard_name']) {
        const v = after[key];
        if (typeof v !== 'string') continue;
        named += 1;
        const id = `${inModule}.${key}=${v}`;
        if (names.has(id)) clashes.push(`${id}: ${names.get(id)} and ${rc.address}`);
        names.set(id, rc.address);
      }
    }
    expect(clashes).toEqual([]);
    expect(named).toBeGreaterThan(20);
    expect(new Set((p.resource_changes ?? []).filter((r) => r.address !== 'terraform_data.before').map((r) => r.module_address))).toEqual(
      new Set(['module.edge_failover["blue"]', 'module.edge_failover["green"]']),
    );
  },
  900_000,
);

withProviders(
  'validate fails on an unknown argument and on a block written as an attribute, planted in a copy',
  async () => {
    const plants: [string, (main: string) => string, RegExp][] = [
      [
        'unknown argument',
        (m) => m.replace('  enabled         = true', '  enabled         = true\n  not_an_argument = 1'),
        /Unsupported argument[^]*not_an_argument/,
      ],
      [
        'block as attribute',
        (m) =>
          m.replace(
            /\n  restrictions \{\n    geo_restriction \{\n      restriction_type = "none"\n    \}\n  \}/,
            '\n  restrictions = {\n    geo_restriction = { restriction_type = "none" }\n  }',
          ),
        /"restrictions" is not expected/,
      ],
    ];
    // Both in one copy: validate reports every diagnostic of the configuration, one per plant.
    const main = readFileSync(join(moduleDir, 'main.tf'), 'utf8');
    let planted = main;
    for (const [what, plant] of plants) {
      const next = plant(planted);
      expect({ what, changed: next !== planted }).toEqual({ what, changed: true });
      planted = next;
    }
    const dir = standaloneCopy(() => planted);
    await terraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
    const v = await terraform(dir, ['validate', '-no-color']);
    expect(v.ok).toBe(false);
    // Each diagnostic, whole: its summary, where, and detail.
    const blocks = v.output.split(/^(?=(?:Error|Warning): )/m).filter((b) => /^(?:Error|Warning): /.test(b));
    for (const [what, , diagnostic] of plants)
      expect({ what, found: blocks.filter((b) => diagnostic.test(b)).length }).toEqual({ what, found: 1 });
  },
  600_000,
);
