/**
 * `npx tsx bench/emulated-aws.ts [--runs N]`: the default stack on the emulated AWS (patched moto,
 * the App Runner emulator, the router) with the real terraform and provider from the image's
 * mirror. Times init, apply, the second plan, the drill's pause→failover and resume→failback
 * through the emulated CloudFront edge, the whole `dr-drill run --target aws --mode existing` (the
 * CLI as a child process, probing through the emulated viewer network), and destroy, separately,
 * N times (default 3), and writes the medians and every run to bench/results/emulated-aws.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { loadConfig } from '../config/index.js';
import { synthesize } from '../stacks/synth.js';
import { EDGE_HEADERS } from '../harness/cloudfront/index.js';
import { startEmulatedAws } from '../emulator/world.js';
import { writeEmulatorOverride } from '../emulator/override.js';
import { startCloudFrontEdge } from '../emulator/cloudfront-edge.js';
import { AWS_CLI_V2, emulatedAws, leftovers, waitForServiceStatus } from '../emulator/aws-cli.js';
import { VIEWER_NETWORK_HOOK, ViewerNetwork } from '../emulator/viewer-network.js';
import { FAKE_CREDENTIALS } from '../emulator/world.js';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { diagnostics, findTerraform, NO_PROVIDER_MIRROR, PROVIDER_MIRROR, TERRAFORM_ENV, terraform } from '../__tests__/support/terraform.js';
import { median, round } from './stats.js';

const PHASES = ['init', 'apply', 'plan', 'failover', 'failback', 'drill', 'destroy'] as const;
const BIN = fileURLToPath(new URL('../bin/dr-drill.js', import.meta.url));
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const real = await findTerraform();
if (!real.found) throw new Error(real.reason);
if (NO_PROVIDER_MIRROR) throw new Error(NO_PROVIDER_MIRROR);

async function once(): Promise<Record<Phase, number>> {
  const world = await startEmulatedAws({ operationMs: 1_000 });
  const dir = mkdtempSync(join(tmpdir(), 'bench-emulated-aws-'));
  const s: Partial<Record<Phase, number>> = {};
  const timed = async (p: Phase, f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    s[p] = (performance.now() - t0) / 1000;
  };
  try {
    const { stackDir } = synthesize(loadConfig({ env: {}, overrides: {} }), dir);
    writeEmulatorOverride(stackDir, { endpoint: world.endpoint, providerVersion: PROVIDER_MIRROR!.awsVersion });
    const tf = async (args: string[]) => {
      const r = await terraform(stackDir, [...args, '-input=false', '-no-color'], 600_000);
      if (!r.ok) throw new Error(`terraform ${args[0]}: ${diagnostics(r.output).join('; ')}`);
      return r.output;
    };
    await timed('init', () => tf(['init']));
    await timed('apply', () => tf(['apply', '-auto-approve']));
    await timed('plan', async () => {
      const r = await terraform(stackDir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], 600_000);
      if (!r.ok) throw new Error('the second plan is not clean');
    });
    const out = JSON.parse((await terraform(stackDir, ['output', '-json'])).output);
    const { edge } = await startCloudFrontEdge({ endpoint: world.endpoint, distributionId: out.distribution_id.value, serviceFronts: world.appRunner.serviceFronts() });
    const origin = async () => {
      const r = await request(`${edge.url}/`, { signal: AbortSignal.timeout(10_000) });
      await r.body.dump();
      return r.headers[EDGE_HEADERS.origin];
    };
    const until = async (want: string) => {
      while ((await origin()) !== want) await new Promise((r) => setTimeout(r, 100));
    };
    const arn = out.primary_service_arn.value as string;
    await timed('failover', async () => {
      await emulatedAws(world.endpoint, 'us-east-1', ['apprunner', 'pause-service', '--service-arn', arn]);
      await until('secondary');
      await waitForServiceStatus(world.endpoint, 'us-east-1', arn, 'PAUSED');
    });
    await timed('failback', async () => {
      await emulatedAws(world.endpoint, 'us-east-1', ['apprunner', 'resume-service', '--service-arn', arn]);
      await waitForServiceStatus(world.endpoint, 'us-east-1', arn, 'RUNNING');
      await until('primary');
    });
    await edge.close();
    // The whole drill as a user runs it, against the applied stack (existing mode destroys nothing).
    const network = await ViewerNetwork.start({ endpoint: world.endpoint, appRunner: world.appRunner });
    try {
      await timed('drill', async () => {
        const r = await execa(
          process.execPath,
          ['--import', VIEWER_NETWORK_HOOK, BIN, 'run', '--target', 'aws', '--mode', 'existing', '--cdktf-out', dir, '--out', join(dir, 'drill-run'), '--plain', '--rate', '5',
            '--endpoint-url', world.endpoint, '--aws-cli', AWS_CLI_V2],
          {
            cwd: dir,
            env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...FAKE_CREDENTIALS, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', ...TERRAFORM_ENV, ...network.hookEnvironment() },
            extendEnv: false,
            reject: false,
            stdin: 'ignore',
          },
        );
        if (r.exitCode !== 0) throw new Error(`dr-drill run exited ${r.exitCode}: ${String(r.stdout).slice(-2000)}`);
      });
    } finally {
      await network.close();
    }
    await timed('destroy', () => tf(['destroy', '-auto-approve']));
    const left = await leftovers(world.endpoint, ['us-east-1', 'us-west-2']);
    if (left.resources.length) throw new Error(`left behind: ${left.resources.join(', ')}`);
    return s as Record<Phase, number>;
  } finally {
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const started = Date.now();
const all: Record<Phase, number>[] = [];
for (let i = 0; i < runs; i++) {
  all.push(await once());
  console.error(`run ${i + 1}/${runs}: ${JSON.stringify(all.at(-1))}`);
}
const results = {
  generatedAt: new Date().toISOString(),
  command: `npx tsx bench/emulated-aws.ts --runs ${runs}`,
  runs,
  totalSeconds: Math.round((Date.now() - started) / 1000),
  machine: { node: process.version, cpus: cpus().length, loadAverage: loadavg().map((l) => round(l, 2)), terraform: real.version, awsProvider: PROVIDER_MIRROR!.awsVersion },
  notes:
    'failover: pause-service issued until the edge serves the secondary and the service is PAUSED; failback: resume-service until RUNNING and the edge serves the primary; drill: the whole dr-drill run --target aws --mode existing (process wall time; its App Runner polls are 10 s apart by default). App Runner operations take 1 s in the emulator (minutes on AWS). CloudFront waiters dominate apply and destroy.',
  medianSeconds: Object.fromEntries(PHASES.map((p) => [p, round(median(all.map((r) => r[p])), 1)])),
  seconds: all.map((r) => Object.fromEntries(PHASES.map((p) => [p, round(r[p], 1)]))),
};
writeFileSync(join(resolve(import.meta.dirname, 'results'), 'emulated-aws.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results.medianSeconds));
