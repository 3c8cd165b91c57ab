/**
 * The end-to-end world: the emulated AWS (patched moto, the App Runner emulator, the router),
 * the emulated viewer network in front of its CloudFront edge and App Runner fronts, the
 * Terraform override files that point a stack at it, and `dr-drill` run as a child process
 * exactly as a user runs it (bin/dr-drill.js), with the real terraform and the real AWS CLI v2.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import stripAnsi from 'strip-ansi';
import { findAppRunnerModel } from '../../../emulator/apprunner/model.js';
import { checkMoto } from '../../../emulator/moto/moto-server.js';
import { AWS_CLI_V2, emulatedAws } from '../../../emulator/aws-cli.js';
import { emulatorOverride } from '../../../emulator/override.js';
import { VIEWER_NETWORK_HOOK, ViewerNetwork, viewerNetworkMissing } from '../../../emulator/viewer-network.js';
import { FAKE_CREDENTIALS, startEmulatedAws, type EmulatedAws } from '../../../emulator/world.js';
import { findTerraform, NO_PROVIDER_MIRROR, PROVIDER_MIRROR, TERRAFORM_ENV } from '../../support/terraform.js';

/**
 * Seconds between the drill's status polls (App Runner operations take OPERATION_MS). Each poll starts
 * the AWS CLI (about a CPU-second on the two-core machine): once a second, not faster.
 */
export const POLL_SECONDS = 1;
export const OPERATION_MS = 1_000;
/**
 * How long a drill or cdktf process may run before it is ended: a stop for a hung process, not a
 * measure (the tests bound the times they judge with the pace of the same run). An ephemeral run
 * (apply, drill, a destroy that is retried) took 605 s on two cores shared with four other
 * CPU-bound processes; twice that.
 */
export const PROCESS_TIMEOUT_MS = 1_200_000;

export const BIN = fileURLToPath(new URL('../../../bin/dr-drill.js', import.meta.url));
/** The project root (cdktf.json), where users run the cdktf CLI. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The real cdktf CLI the project depends on. */
export const CDKTF_CLI = join(ROOT, 'node_modules', '.bin', 'cdktf');

/** Why the end-to-end suites cannot run here, or undefined. */
export async function e2eMissing(): Promise<string | undefined> {
  const real = await findTerraform();
  if (!real.found) return real.reason;
  if (NO_PROVIDER_MIRROR) return NO_PROVIDER_MIRROR;
  const model = findAppRunnerModel();
  if (typeof model !== 'string') return model.reason;
  const moto = checkMoto();
  if ('reason' in moto) return moto.reason;
  if (!existsSync(AWS_CLI_V2)) return `the AWS CLI v2 is not at ${AWS_CLI_V2} (apt-get install awscli)`;
  if (!existsSync(CDKTF_CLI)) return `the cdktf CLI is not at ${CDKTF_CLI} (npm ci installs cdktf-cli)`;
  return viewerNetworkMissing();
}

export interface DrillResult {
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export class E2eWorld {
  readonly overrides: string[];
  private constructor(
    readonly root: string,
    readonly aws: EmulatedAws,
    readonly network: ViewerNetwork,
  ) {
    const emulated = join(root, 'zz_emulated_aws_override.tf.json');
    writeFileSync(
      emulated,
      JSON.stringify(emulatorOverride({ endpoint: aws.endpoint, providerVersion: PROVIDER_MIRROR!.awsVersion }), null, 2),
    );
    // The emulated distribution is Deployed at once; the provider's fixed 30 s wait for it proves nothing here.
    const noWait = join(root, 'zz_no_deployment_wait_override.tf.json');
    writeFileSync(
      noWait,
      JSON.stringify({ resource: { aws_cloudfront_distribution: { edge_distribution: { wait_for_deployment: false } } } }, null, 2),
    );
    this.overrides = [emulated, noWait];
  }

  static async start(): Promise<E2eWorld> {
    const aws = await startEmulatedAws({ operationMs: OPERATION_MS });
    try {
      const network = await ViewerNetwork.start({ endpoint: aws.endpoint, appRunner: aws.appRunner });
      return new E2eWorld(mkdtempSync(join(tmpdir(), 'e2e-drill-')), aws, network);
    } catch (e) {
      await aws.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.network.close();
    await this.aws.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** A working directory for one chain of commands, with a config file naming its stack. */
  workspace(name: string, config: object = {}): { cwd: string; config: string } {
    const cwd = join(this.root, name);
    mkdirSync(cwd, { recursive: true });
    const file = join(cwd, 'edge.json');
    writeFileSync(file, JSON.stringify(config));
    return { cwd, config: file };
  }

  /** The options every AWS-target command takes here: the router, the CLI v2, the overrides. */
  toolArgs(): string[] {
    return [
      '--endpoint-url',
      this.aws.endpoint,
      '--aws-cli',
      AWS_CLI_V2,
      ...this.overrides.flatMap((f) => ['--terraform-override', f]),
      // App Runner operations take 1 s here; the default 10 s between polls would only idle.
      '--poll-interval',
      String(POLL_SECONDS),
    ];
  }

  /** The environment of a drill: fake credentials, no AWS config files, mirror-only terraform, the viewer network. */
  env(): Record<string, string> {
    return {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/root',
      ...FAKE_CREDENTIALS,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '2',
      ...TERRAFORM_ENV,
      ...this.network.hookEnvironment(),
    };
  }

  /** Starts `dr-drill <args>` in cwd as a child process (ended after PROCESS_TIMEOUT_MS). */
  spawn(cwd: string, args: readonly string[]): ResultPromise<{ reject: false; all: true }> {
    return execa(process.execPath, ['--import', VIEWER_NETWORK_HOOK, BIN, ...args], {
      cwd,
      env: this.env(),
      extendEnv: false,
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: PROCESS_TIMEOUT_MS,
    }) as ResultPromise<{ reject: false; all: true }>;
  }

  async drill(cwd: string, args: readonly string[]): Promise<DrillResult> {
    const r = await this.spawn(cwd, args);
    return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /**
   * The real cdktf CLI, run from the project root as users run it (`cdktf synth`, `deploy`,
   * `destroy`), writing into `output` instead of the checkout's cdktf.out. Its terraform runs
   * with the drills' environment (mirror-only providers, fake credentials); cdktf's own plugin
   * cache is off (it would point TF_PLUGIN_CACHE_DIR into HOME), HOME is `home`, and the app
   * (`npx tsx main.ts`) reads the config file through EDGE_FAILOVER_CONFIG.
   */
  cdktf(args: readonly string[], o: { output: string; config: string; home: string }): Promise<DrillResult> {
    mkdirSync(o.home, { recursive: true });
    return execa(CDKTF_CLI, [...args, '--output', o.output], {
      cwd: ROOT,
      env: {
        ...this.env(),
        HOME: o.home,
        CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true',
        EDGE_FAILOVER_CONFIG: o.config,
        npm_config_offline: 'true',
        FORCE_COLOR: '0',
      },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: PROCESS_TIMEOUT_MS,
    }).then((r) => ({ code: r.exitCode, stdout: stripAnsi(String(r.stdout)), stderr: stripAnsi(String(r.stderr)) }));
  }

  /** The real AWS CLI v2 against the emulated AWS. */
  cli(region: string, args: readonly string[]): Promise<any> {
    return emulatedAws(this.aws.endpoint, region, args);
  }

  /** ARNs still tagged with a run id in the stack's regions, and which of them are KMS keys pending deletion. */
  async taggedWith(runId: string): Promise<{ arn: string; pendingDeletion: boolean }[]> {
    const found: { arn: string; pendingDeletion: boolean }[] = [];
    for (const region of ['us-east-1', 'us-west-2']) {
      const r = await this.cli(region, [
        'resourcegroupstaggingapi',
        'get-resources',
        '--tag-filters',
        `Key=EdgeFailoverRunId,Values=${runId}`,
      ]);
      for (const m of r.ResourceTagMappingList as { ResourceARN: string }[]) {
        let pendingDeletion = false;
        if (/:kms:/.test(m.ResourceARN))
          pendingDeletion =
            (await this.cli(region, ['kms', 'describe-key', '--key-id', m.ResourceARN])).KeyMetadata.KeyState === 'PendingDeletion';
        found.push({ arn: m.ResourceARN, pendingDeletion });
      }
    }
    return found;
  }
}
