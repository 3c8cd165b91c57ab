/**
 * @slow
 *
 * The package as a platform team gets it. `npm pack` (which runs `prepack`, the build) makes the
 * tarball; `npm install --offline` puts it into a fresh CDKTF app in a temporary folder, outside
 * this checkout, so nothing resolves from the project's own sources or node_modules by accident.
 * That app lists what the project's node_modules already holds (the peers cdktf, constructs,
 * @cdktf/provider-aws and the package's own dependencies) as `file:` links, so npm needs neither
 * the registry nor its cache and the test runs inside `unshare -n`; a dependency the package
 * needs but does not declare is missing from the app and fails the app at run time.
 *
 * The app (./consumer/main.ts) composes every construct in its own stack beside a bucket of its
 * own, is type-checked against the shipped declarations, synthesizes, and terraform validates
 * it with the provider mirror. Then `npx dr-drill` from the app's node_modules/.bin prints the
 * version and runs a short local drill from the compiled JavaScript.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Result } from 'execa';
import { testUnless } from '../support/skip.js';
import { findTerraform, NO_PROVIDER_MIRROR, terraform, writeProviderVersionOverride } from '../support/terraform.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const real = await findTerraform();
const withProviders = testUnless(real.found ? NO_PROVIDER_MIRROR : real.reason);

let work: string;
let app: string;
let shipped: string[];
/** The local drill, started as soon as the app is installed so it runs beside terraform. */
let drill: Promise<Result>;
const stackJson = (stack: string) =>
  JSON.parse(readFileSync(join(app, 'cdktf.out/stacks', stack, 'cdk.tf.json'), 'utf8')) as {
    provider: { aws: { alias?: string; region: string }[] };
    terraform: { backend?: Record<string, unknown> };
    resource: Record<string, Record<string, { provider?: string }>>;
  };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'edge-failover-package-'));
  await execa('npm', ['pack', '--pack-destination', work, '--no-audit', '--no-fund'], { cwd: ROOT, stdin: 'ignore' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
  shipped = (await execa('tar', ['-tzf', join(work, tarball)])).stdout.split('\n').map((p) => p.replace(/^package\//, ''));

  app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  const linked = Object.fromEntries(
    [...Object.keys(PKG.peerDependencies), ...Object.keys(PKG.dependencies)].map((d) => [d, `file:${join(ROOT, 'node_modules', d)}`]),
  );
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-infra', private: true, type: 'module', dependencies: linked }));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [], outDir: 'build' },
      include: ['src'],
    }),
  );
  copyFileSync(fileURLToPath(new URL('./consumer/main.ts', import.meta.url)), join(app, 'src/main.ts'));
  await execa('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', join(work, tarball)], { cwd: app, stdin: 'ignore' });
  drill = execa(
    'npx',
    ['--offline', 'dr-drill', 'run', '--out', join(work, 'run'), '--steady-probes', '3', '--hold', '1', '--plain'],
    { cwd: app, reject: false, stdin: 'ignore', all: true, timeout: 120_000 },
  );
  drill.catch(() => undefined);
}, 300_000);

afterAll(async () => {
  await drill?.catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  test('ships the compiled package, its bin and changelog, and nothing of the sources, tests, emulators or benchmarks', () => {
    const outside = shipped.filter((p) => !/^(dist\/|bin\/dr-drill\.js$|package\.json$|README\.md$|CHANGELOG\.md$)/.test(p));
    expect(outside).toEqual([]);
    expect(shipped.filter((p) => /\.ts$/.test(p) && !/\.d\.ts$/.test(p))).toEqual([]);
    expect(shipped.filter((p) => /(^|\/)(__tests__|emulator|bench|hcl)\//.test(p))).toEqual([]);
    // The local drill starts these two files by path, next to the compiled code that names them.
    expect(shipped).toEqual(expect.arrayContaining(['dist/app/probe-app.mjs', 'dist/harness/targets/local/origin-watchdog.mjs', 'dist/harness/cli.js']));
  });

  test('holds every file the exports map names', () => {
    const targets = Object.values(PKG.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default]));
    expect(targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !shipped.includes(t))).toEqual([]);
  });

  test('is installed as a real folder whose bin runs the compiled CLI (no TypeScript sources in it)', () => {
    const installed = join(app, 'node_modules', PKG.name);
    expect(realpathSync(join(app, 'node_modules/.bin/dr-drill'))).toBe(realpathSync(join(installed, 'bin/dr-drill.js')));
    expect(existsSync(join(installed, 'harness/cli.ts'))).toBe(false);
    expect(existsSync(join(installed, 'dist/harness/cli.js'))).toBe(true);
  });
});

describe("a CDKTF app's own stack with the constructs", () => {
  beforeAll(async () => {
    // Type-checks the app against the shipped declarations (its @ts-expect-error needs them typed), then runs it.
    await execa(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: app });
    await execa(process.execPath, ['build/main.js'], { cwd: app, env: { CDKTF_OUTDIR: 'cdktf.out' } });
  }, 120_000);

  test("keeps the app's providers and backend: the constructs add none of their own", () => {
    for (const stack of ['shop', 'shop-ecs']) {
      const json = stackJson(stack);
      expect(json.provider.aws.map((p) => [p.alias, p.region])).toEqual([
        ['east', 'us-east-1'],
        ['west', 'us-west-2'],
      ]);
      expect(Object.keys(json.terraform.backend ?? {})).toEqual(['local']);
    }
  });

  test("composes every construct beside the app's own bucket, each resource on the provider it was given", () => {
    const { resource } = stackJson('shop');
    expect(Object.keys(resource['aws_s3_bucket'] ?? {})).toEqual(['team-logs']);
    expect(resource['aws_apprunner_service']).toEqual({
      primary_service: expect.objectContaining({ provider: 'aws.east' }),
      secondary_service: expect.objectContaining({ provider: 'aws.west' }),
    });
    expect(Object.values(resource['aws_cloudfront_distribution'] ?? {}).map((d) => d.provider)).toEqual(['aws.east']);
    expect(Object.keys(resource['aws_cloudfront_function'] ?? {})).toHaveLength(1);
    expect(Object.keys(resource['aws_cloudwatch_metric_alarm'] ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(resource['aws_route53_health_check'] ?? {})).toHaveLength(2);
    const ecs = stackJson('shop-ecs').resource;
    expect(Object.keys(ecs['aws_ecs_express_gateway_service'] ?? {})).toEqual(['primary_service', 'secondary_service']);
  });

  // ECS Express Mode needs hashicorp/aws 6.25 or later; the mirror's provider predates it, so the
  // App Runner stack is the one validated here (the ECS stack is checked as synthesized above).
  withProviders(
    'terraform validates the app stack with the provider mirror',
    async () => {
      const dir = join(app, 'cdktf.out/stacks/shop');
      writeProviderVersionOverride(dir);
      const init = await terraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
      expect({ ok: init.ok, output: init.ok ? '' : init.output }).toEqual({ ok: true, output: '' });
      const validate = await terraform(dir, ['validate', '-no-color']);
      expect({ ok: validate.ok, output: validate.ok ? '' : validate.output }).toEqual({ ok: true, output: '' });
    },
    300_000,
  );
});

describe("the dr-drill bin from the app's node_modules", () => {
  test('`npx dr-drill --version` prints the version in package.json', async () => {
    const r = await execa('npx', ['--offline', 'dr-drill', '--version'], { cwd: app, stdin: 'ignore' });
    expect(r.stdout.trim()).toBe(PKG.version);
  });

  test('`npx dr-drill run` drills the local world and passes', async () => {
    const r = await drill;
    expect({ exitCode: r.exitCode, output: r.exitCode === 0 ? '' : String(r.all) }).toEqual({ exitCode: 0, output: '' });
    const run = JSON.parse(readFileSync(join(work, 'run/run.json'), 'utf8')) as { verdict: { outcome: string } };
    expect(run.verdict.outcome).toBe('passed');
  }, 120_000);
});
