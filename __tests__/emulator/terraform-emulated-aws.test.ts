/**
 * The headline: the default stack, synthesized, then real terraform and the real AWS provider
 * (from the image's mirror) against the emulated AWS through one Terraform override: init,
 * apply, a second plan with no changes, probes through the emulated CloudFront edge reaching
 * the primary, `aws apprunner pause-service` (the real AWS CLI v2) making the edge serve the
 * secondary, resume, destroy, and the emulators holding nothing of the run (KMS keys pending
 * deletion excepted, as on real AWS).
 *
 * @slow applies and destroys a real stack
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadConfig } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { EDGE_HEADERS, type LocalEdge } from '../../harness/targets/local/index.js';
import { findAppRunnerModel } from '../../emulator/apprunner/model.js';
import { checkMoto } from '../../emulator/moto/moto-server.js';
import { startEmulatedAws, type EmulatedAws } from '../../emulator/world.js';
import { writeEmulatorOverride } from '../../emulator/override.js';
import { startCloudFrontEdge } from '../../emulator/cloudfront-edge.js';
import { AWS_CLI_V2, emulatedAws, leftovers, waitForServiceStatus } from '../../emulator/aws-cli.js';
import { diagnostics, findTerraform, NO_PROVIDER_MIRROR, PROVIDER_MIRROR, terraform } from '../support/terraform.js';
import { describeUnless } from '../support/skip.js';

const real = await findTerraform();
const model = findAppRunnerModel();
const moto = checkMoto();
const missing = !real.found
  ? real.reason
  : (NO_PROVIDER_MIRROR ??
    (typeof model !== 'string'
      ? model.reason
      : 'reason' in moto
        ? moto.reason
        : existsSync(AWS_CLI_V2)
          ? undefined
          : `the AWS CLI v2 is not at ${AWS_CLI_V2} (apt-get install awscli)`));

describeUnless(missing, 'the default stack on the emulated AWS, with real terraform, provider and AWS CLI', () => {
  let world: EmulatedAws;
  let dir: string;
  let stackDir: string;
  let edge: LocalEdge | undefined;
  let outputs: Record<string, { value: any }>;
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      seconds[name] = Math.round(performance.now() - t0) / 1000;
    }
  };
  const tf = async (args: string[], timeoutMs = 300_000) => {
    const r = await terraform(stackDir, [...args, '-input=false', '-no-color'], timeoutMs);
    if (!r.ok) throw new Error(`terraform ${args[0]} failed: ${diagnostics(r.output).join('; ') || r.output.slice(-2000)}`);
    return r.output;
  };
  const probe = async () => {
    const r = await request(`${edge!.url}/`, { headers: { host: outputs.distribution_domain_name!.value }, signal: AbortSignal.timeout(15_000) });
    const body = await r.body.text();
    return { status: r.statusCode, origin: r.headers[EDGE_HEADERS.origin], failover: r.headers[EDGE_HEADERS.failover], servedBy: r.headers['x-served-by'], body };
  };

  beforeAll(async () => {
    world = await startEmulatedAws({ operationMs: 1_000 });
    dir = mkdtempSync(join(tmpdir(), 'emulated-aws-'));
    stackDir = synthesize(loadConfig({ env: {}, overrides: {} }), dir).stackDir;
    writeEmulatorOverride(stackDir, { endpoint: world.endpoint, providerVersion: PROVIDER_MIRROR!.awsVersion });
  }, 60_000);

  afterAll(async () => {
    await edge?.close();
    // A failed run still destroys what it applied, so the emulators end with nothing.
    if (existsSync(join(stackDir, 'terraform.tfstate')) && JSON.parse(readFileSync(join(stackDir, 'terraform.tfstate'), 'utf8')).resources?.length)
      await terraform(stackDir, ['destroy', '-auto-approve', '-input=false', '-no-color'], 300_000).catch(() => undefined);
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(`emulated AWS timings (s): ${JSON.stringify(seconds)}`);
  }, 360_000);

  test('terraform init installs the provider from the mirror', async () => {
    await timed('init', () => tf(['init']));
  }, 300_000);

  test('terraform apply creates the whole stack', async () => {
    await timed('apply', () => tf(['apply', '-auto-approve']));
    outputs = JSON.parse((await terraform(stackDir, ['output', '-json'])).output);
    expect(outputs.primary_service_arn!.value).toMatch(/^arn:aws:apprunner:us-east-1:123456789012:service\/edge-failover-primary\//);
    expect(outputs.distribution_id!.value).toMatch(/^[A-Z0-9]+$/);
  }, 300_000);

  test('a second terraform plan shows no changes', async () => {
    const r = await timed('plan', () => terraform(stackDir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], 300_000));
    expect({ ok: r.ok, changes: r.output.match(/^\s+# .+$/gm) ?? [] }).toEqual({ ok: true, changes: [] });
  }, 300_000);

  test('the emulated CloudFront edge, built from GetDistributionConfig, reaches the primary', async () => {
    const started = await startCloudFrontEdge({ endpoint: world.endpoint, distributionId: outputs.distribution_id!.value, serviceFronts: world.appRunner.serviceFronts() });
    edge = started.edge;
    expect(started.rules.failoverStatusCodes).toContain(404);
    const p = await probe();
    expect([p.status, p.origin, p.servedBy, p.failover]).toEqual([200, 'primary', 'primary/us-east-1', undefined]);
  }, 60_000);

  test('aws apprunner pause-service on the primary makes the edge serve the secondary; resume brings it back', async () => {
    const arn = outputs.primary_service_arn!.value as string;
    await timed('pause', async () => {
      const paused = await emulatedAws(world.endpoint, 'us-east-1', ['apprunner', 'pause-service', '--service-arn', arn]);
      expect(paused.Service.Status).toBe('OPERATION_IN_PROGRESS');
      await waitForServiceStatus(world.endpoint, 'us-east-1', arn, 'PAUSED');
    });
    const p = await probe();
    expect([p.status, p.origin, p.servedBy, p.failover]).toEqual([200, 'secondary', 'secondary/us-west-2', 'status-404']);
    await timed('resume', async () => {
      await emulatedAws(world.endpoint, 'us-east-1', ['apprunner', 'resume-service', '--service-arn', arn]);
      await waitForServiceStatus(world.endpoint, 'us-east-1', arn, 'RUNNING');
    });
    expect((await probe()).origin).toBe('primary');
  }, 120_000);

  test('terraform destroy leaves nothing in the emulators but KMS keys pending deletion', async () => {
    await edge?.close();
    edge = undefined;
    await timed('destroy', () => tf(['destroy', '-auto-approve']));
    expect(world.appRunner.holdings()).toEqual({ services: [], autoScalingConfigurations: [] });
    const left = await leftovers(world.endpoint, ['us-east-1', 'us-west-2']);
    expect(left.resources).toEqual([]);
    expect(left.kmsPendingDeletion).toHaveLength(2);
  }, 360_000);
});
