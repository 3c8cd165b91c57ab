/**
 * Test world for the AWS target: the API stub, the terraform stand-in first on PATH, fake
 * credentials in a temp AWS config, and temp stack/run/state directories.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, type EdgeFailoverConfig } from '../../../config/index.js';
import { AwsTarget } from '../../../harness/targets/aws/aws-target.js';
import { type AwsTargetOptions } from '../../../harness/targets/aws/target-options.js';
import { AWS_CLI_V2 } from '../../../emulator/aws-cli.js';
import { AwsStub } from './aws-stub.js';
import { goodDistributionConfig } from './distribution.js';
import { describeUnless } from '../skip.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const FAKE_BIN = join(HERE, 'bin');
export { AWS_CLI_V2 };
/** Why the tests that drive the AWS CLI v2 cannot run here, if they cannot. */
export const AWS_CLI_V2_MISSING = existsSync(AWS_CLI_V2)
  ? undefined
  : `${AWS_CLI_V2} is missing: install the AWS CLI v2 (Debian package awscli, as .ci/run does)`;

/** `describe` for tests that drive the AWS CLI v2; reported as skipped, with the reason, where it is missing. */
export function describeWithAwsCli(name: string, body: () => void): void {
  describeUnless(AWS_CLI_V2_MISSING, name, body);
}
export const DISTRIBUTION_ID = 'EFAKE1234567';
/** The name and run id of the ephemeral stack the tests apply. */
export const EPHEMERAL_STACK = 'drilltest-abc123';
export const EPHEMERAL_RUN = '20260101t000000z-abc123';

export interface FakeTerraformControl {
  stubUrl?: string;
  resources?: Record<string, unknown>[];
  outputs?: Record<string, string>;
  failApplyAfter?: number;
  destroyFailures?: number;
  destroyError?: string;
  leaveOnDestroy?: string[];
}

export class AwsTestWorld {
  readonly root = mkdtempSync(join(tmpdir(), 'aws-target-'));
  readonly stackDir = join(this.root, 'stack');
  readonly runDir = join(this.root, 'run');
  readonly stateDir = join(this.root, 'state');
  readonly controlFile = join(this.root, 'fake-terraform-control.json');
  readonly terraformLog = join(this.root, 'fake-terraform-calls.jsonl');
  readonly stub = new AwsStub();
  readonly env: Record<string, string | undefined>;
  config: EdgeFailoverConfig = configSchema.parse({ namePrefix: 'drilltest' });

  constructor() {
    for (const d of [this.stackDir, this.runDir, this.stateDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(this.stackDir, 'cdk.tf.json'), '{}\n');
    writeFileSync(join(this.root, 'aws-config'), '[default]\nregion = eu-west-1\n');
    writeFileSync(join(this.root, 'aws-credentials'), '[default]\n');
    this.env = {
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_SESSION_TOKEN: undefined,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(this.root, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(this.root, 'aws-credentials'),
      AWS_PROFILE: undefined,
      // The CLI's own retries would slow fault tests down; the target's retry helper is under test.
      AWS_MAX_ATTEMPTS: '1',
      AWS_RETRY_MODE: 'standard',
      PATH: `${FAKE_BIN}:${process.env.PATH ?? ''}`,
      FAKE_TERRAFORM_CONTROL: this.controlFile,
      FAKE_TERRAFORM_LOG: this.terraformLog,
    };
  }

  async start(): Promise<this> {
    await this.stub.start();
    this.control({});
    return this;
  }

  async close(): Promise<void> {
    await this.stub.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  control(c: FakeTerraformControl): void {
    writeFileSync(this.controlFile, JSON.stringify({ stubUrl: this.stub.url, ...c }));
  }

  /** The fake terraform control for an ephemeral stack: two services and a distribution, tagged like the real stack. */
  ephemeralControl(stackName: string, runId: string, extra: FakeTerraformControl = {}): FakeTerraformControl {
    const tags = (role?: string) => ({
      ManagedBy: 'edge-failover',
      EdgeFailoverStack: stackName,
      EdgeFailoverRunId: runId,
      ...(role ? { EdgeFailoverRole: role } : {}),
    });
    const distArn = `arn:aws:cloudfront::123456789012:distribution/${DISTRIBUTION_ID}`;
    return {
      resources: [
        { name: `${stackName}-primary`, role: 'primary', region: this.config.regions.primary, tags: tags('primary') },
        { name: `${stackName}-secondary`, role: 'secondary', region: this.config.regions.secondary, tags: tags('secondary') },
        { arn: distArn, region: 'us-east-1', tags: tags() },
      ],
      outputs: {
        distribution_id: DISTRIBUTION_ID,
        distribution_domain_name: `\${url:${distArn}}`,
        primary_service_arn: `\${arn:${stackName}-primary}`,
        primary_service_url: `\${url:${stackName}-primary}`,
        primary_service_name: `${stackName}-primary`,
        primary_region: `\${region:${stackName}-primary}`,
        secondary_service_arn: `\${arn:${stackName}-secondary}`,
        secondary_service_url: `\${url:${stackName}-secondary}`,
        secondary_service_name: `${stackName}-secondary`,
        secondary_region: `\${region:${stackName}-secondary}`,
        health_check_path: '/health',
      },
      ...extra,
    };
  }

  /** Options for a target with bounds that hold for the stub's 300 ms operations even when each CLI call takes seconds (a loaded machine); tests of a bound set their own. */
  options(o: Partial<AwsTargetOptions> & Pick<AwsTargetOptions, 'mode' | 'runId' | 'stackName'>): AwsTargetOptions {
    return {
      config: this.config,
      stackDir: this.stackDir,
      runDir: this.runDir,
      stateDir: this.stateDir,
      awsCli: AWS_CLI_V2,
      endpointUrl: this.stub.url,
      env: this.env,
      waits: { serviceTransitionMs: 30_000, pollIntervalMs: 100, maxPollIntervalMs: 400, distributionDeployedMs: 30_000 },
      terraformAttempts: 3,
      terraformRetryDelayMs: 50,
      awsAttempts: 2,
      awsRetryDelayMs: 50,
      leakSettleMs: 0,
      ...o,
    };
  }

  target(o: Partial<AwsTargetOptions> & Pick<AwsTargetOptions, 'mode' | 'runId' | 'stackName'>): AwsTarget {
    return new AwsTarget(this.options(o));
  }

  /** The terraform stand-in's calls, in order. */
  terraformCalls(): { command: string; args: string[]; chdir: string; tfInAutomation: string | null }[] {
    if (!existsSync(this.terraformLog)) return [];
    return readFileSync(this.terraformLog, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  /** `dr-drill check` of a stack deployed with deployExisting, named explicitly, through the real CLI and the stub, without the direct GET. */
  checkArgs(existing: { primaryServiceArn: string; secondaryServiceArn: string; distributionId: string }): string[] {
    return [
      'check',
      '--aws-cli',
      AWS_CLI_V2,
      '--endpoint-url',
      this.stub.url,
      '--primary-service-arn',
      existing.primaryServiceArn,
      '--secondary-service-arn',
      existing.secondaryServiceArn,
      '--distribution-id',
      existing.distributionId,
      '--no-direct-probe',
    ];
  }

  /**
   * An already-deployed stack in the stub, as `existing` mode finds it: both services tagged as
   * this project's (EdgeFailoverStack = stackTag) and a distribution that reports InProgress for
   * the first inProgressGets reads.
   */
  deployExisting(o: { stackTag?: string; inProgressGets?: number } = {}) {
    const tags = (role: string) => ({ ManagedBy: 'edge-failover', EdgeFailoverStack: o.stackTag ?? 'drilltest', EdgeFailoverRole: role });
    const primary = this.stub.addService({ role: 'primary', region: 'us-east-1', name: 'drilltest-primary', tags: tags('primary') });
    const secondary = this.stub.addService({
      role: 'secondary',
      region: 'us-west-2',
      name: 'drilltest-secondary',
      tags: tags('secondary'),
    });
    const dist = this.stub.addDistribution({ id: DISTRIBUTION_ID, inProgressGets: o.inProgressGets ?? 0 });
    dist.config = goodDistributionConfig(primary.url, secondary.url, this.config.failover.statusCodes);
    const existing = { primaryServiceArn: primary.arn, secondaryServiceArn: secondary.arn, distributionId: dist.id };
    return { primary, secondary, dist, existing };
  }

  serviceByName(name: string) {
    return [...this.stub.services.values()].find((s) => s.name === name);
  }
}

export function signal(ms = 60_000): AbortSignal {
  return AbortSignal.timeout(ms);
}

/**
 * The timeout of each AWS CLI call in a test where one call hangs on purpose ("timed out" cases): four
 * CLI starts as measured now, and never under 15 s. The hanging call waits for it whatever it is;
 * every other call must finish within it, and a start measured at one moment says little about the
 * next minute on a shared two-core machine (seen: 1.1 s at the file's start, over 4.4 s later, when
 * other suites started terraform), so the floor is what keeps the other calls clear of it.
 */
export async function hangingCallTimeoutMs(): Promise<number> {
  return Math.max(15_000, 4 * (await measureCliCallMs()));
}

/** How long one AWS CLI v2 start takes here now (the median of three `aws --version`), for deriving test bounds. */
export async function measureCliCallMs(): Promise<number> {
  if (AWS_CLI_V2_MISSING) return 0;
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await promisify(execFile)(AWS_CLI_V2, ['--version']);
    times.push(Date.now() - t0);
  }
  return times.sort((a, b) => a - b)[1]!;
}
