/**
 * The AWS target: drills a real stack through terraform and the AWS CLI. It can only pause
 * (App Runner's pause-service), and it is careful with people's accounts: it pauses only the
 * configured primary of a stack this project manages, journals every side effect before making
 * it, bounds every wait, and always ends with the primary resumed or with the exact steps to
 * resume it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { KNOWN_APPRUNNER_REGIONS, type EdgeFailoverConfig } from '../../../config/index.js';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, OUTPUTS, ROLE_TAG, STACK_TAG } from '../../../stacks/edge-failover-stack.js';
import type { ClearOutcome, Endpoints, Fault, FaultKind, Observation, Role, Target, TargetLog, TeardownResult } from '../target.js';
import { samplePath } from '../path-pattern.js';
import { type AlarmState, AwsCli, verifyAwsCli } from './aws-cli.js';
import { type ResolvedWaits, type ServiceRef, resolveWaits, waitForDistributionDeployed, waitForServiceStatus } from './app-runner.js';
import { AwsTargetError } from './errors.js';
import { ensureRunning, finishRun, recordEvent } from './finish.js';
import {
  type Journal,
  type LifecycleMode,
  type StackLock,
  isUnfinished,
  lockStack,
  manualRecoverySteps,
  newJournal,
  readJournal,
  writeJournal,
} from './journal.js';
import { Terraform, stringOutput, verifyTerraform } from './terraform.js';
import type { AwsToolOptions } from './tool-options.js';

/** An already-deployed stack named explicitly, instead of through `terraform output -json`. */
export interface ExistingStackRef {
  readonly primaryServiceArn: string;
  readonly secondaryServiceArn: string;
  readonly distributionId: string;
  /** The distribution's domain (xxxx.cloudfront.net) or an alias viewers use. @default the distribution's DomainName */
  readonly domainName?: string;
}

export interface AwsTargetOptions extends AwsToolOptions {
  /** The validated config the stack was synthesized from (ephemeral mode: with ephemeralOverrides applied). */
  readonly config: EdgeFailoverConfig;
  /** ephemeral: apply, drill, destroy. existing: drill a deployed stack and never destroy it. */
  readonly mode: LifecycleMode;
  /** The synthesized stack's name (its EdgeFailoverStack tag; stacks/synth.ts's stackName). */
  readonly stackName: string;
  /** The synthesized stack's directory, where terraform runs (stacks/synth.ts's stackDir). */
  readonly stackDir: string;
  /** Unique id of this run (newRunId()); tags ephemeral resources and names the journal entry. */
  readonly runId: string;
  /** The run's output directory: terraform.log and aws.log go there. */
  readonly runDir: string;
  /** Where journals and locks live. @default <cwd>/.drill */
  readonly stateDir?: string;
  /**
   * The name journal and lock are kept under. Ephemeral runs pass the config's base name prefix
   * (EphemeralRunPlan.journalName) so one config cannot have two runs at once. @default stackName
   */
  readonly journalName?: string;
  /** existing mode: the stack's ARNs, instead of reading `terraform output -json` in stackDir. @default read from terraform */
  readonly existing?: ExistingStackRef;
  /** -var-file arguments for apply and destroy. @default none */
  readonly varFiles?: readonly string[];
  /** Pause a service even if it is not this stack's managed primary. @default false */
  readonly allowUnmanagedPause?: boolean;
  /** Bound of one AWS CLI call. @default 60_000 */
  readonly awsCallTimeoutMs?: number;
  /** The response header naming the origin that served (the probe app's). @default 'x-served-by' */
  readonly servedByHeader?: string;
}

interface StackRefs {
  readonly distributionId: string;
  readonly domainName: string;
  readonly services: Readonly<Record<Role, ServiceRef & { url: string }>>;
}

export class AwsTarget implements Target {
  readonly name = 'aws' as const;
  readonly supportedFaults: readonly FaultKind[] = ['pause'];
  readonly options: AwsTargetOptions;
  readonly stateDir: string;
  readonly journalName: string;
  readonly cli: AwsCli;
  readonly terraform: Terraform;
  private readonly waits: ResolvedWaits;
  private readonly log: TargetLog;
  private journal?: Journal;
  private lock?: StackLock;
  private refs?: StackRefs;
  private account?: string;
  /** Alarm states read at teardown (before an ephemeral destroy), for the report. */
  alarmStates: readonly AlarmState[] = [];
  private alarmsReadAt = 0;

  constructor(options: AwsTargetOptions) {
    if (options.mode !== 'ephemeral' && options.mode !== 'existing') {
      throw new AwsTargetError('usage', `mode = ${JSON.stringify(options.mode)}: allowed: "ephemeral" or "existing"`);
    }
    if (options.mode === 'ephemeral' && options.existing) {
      throw new AwsTargetError(
        'usage',
        'existing = {...} was given with mode "ephemeral": explicit ARNs only make sense with mode "existing"',
      );
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(options.runId)) {
      throw new AwsTargetError(
        'usage',
        `runId = ${JSON.stringify(options.runId)}: allowed: 1 to 128 characters of A-Z, a-z, 0-9, "_", "." and "-"`,
      );
    }
    if (options.existing) {
      for (const key of ['primaryServiceArn', 'secondaryServiceArn'] as const) {
        if (!/^arn:aws[a-z-]*:apprunner:[a-z0-9-]+:\d{12}:service\/.+/.test(options.existing[key])) {
          throw new AwsTargetError(
            'usage',
            `existing.${key} = ${JSON.stringify(options.existing[key])}: allowed: an App Runner service ARN`,
          );
        }
      }
      if (!/^E[A-Z0-9]+$/.test(options.existing.distributionId)) {
        throw new AwsTargetError(
          'usage',
          `existing.distributionId = ${JSON.stringify(options.existing.distributionId)}: allowed: a CloudFront distribution ID such as E2QWRUHEXAMPLE`,
        );
      }
    }
    this.options = options;
    this.stateDir = resolve(options.stateDir ?? '.drill');
    this.journalName = options.journalName ?? options.stackName;
    this.waits = resolveWaits(options.waits);
    this.log = options.log ?? (() => {});
    const env = { ...(options.profile !== undefined ? { AWS_PROFILE: options.profile } : {}), ...options.env };
    this.cli = new AwsCli({
      binary: options.awsCli,
      profile: options.profile,
      endpointUrl: options.endpointUrl,
      env: options.env,
      timeoutMs: options.awsCallTimeoutMs,
      attempts: options.awsAttempts,
      retryDelayMs: options.awsRetryDelayMs,
      logFile: join(options.runDir, 'aws.log'),
      log: this.log,
    });
    this.terraform = new Terraform({
      stackDir: options.stackDir,
      binary: options.terraform,
      varFiles: options.varFiles,
      logFile: join(options.runDir, 'terraform.log'),
      env,
      timeouts: options.terraformTimeouts,
      attempts: options.terraformAttempts,
      retryDelayMs: options.terraformRetryDelayMs,
      log: this.log,
    });
  }

  /** Appended to aws commands in recovery steps. */
  private get profileArgs(): string {
    return this.options.profile !== undefined ? ` --profile ${this.options.profile}` : '';
  }

  private get usesTerraform(): boolean {
    return this.options.mode === 'ephemeral' || this.options.existing === undefined;
  }

  private appRunnerRegions(): Set<string> {
    return new Set<string>([...KNOWN_APPRUNNER_REGIONS, ...this.options.config.regions.additionalAppRunnerRegions]);
  }

  private checkRegion(region: string, what: string): void {
    if (!this.appRunnerRegions().has(region)) {
      throw new AwsTargetError('usage', `${what} = ${JSON.stringify(region)}: App Runner is not known there`, {
        recovery: `Use one of ${KNOWN_APPRUNNER_REGIONS.join(', ')}, or add the region to regions.additionalAppRunnerRegions if App Runner is available there.`,
      });
    }
  }

  async preflight(signal: AbortSignal): Promise<void> {
    await mkdir(this.options.runDir, { recursive: true });
    const awsVersion = await verifyAwsCli(this.cli.binary, signal);
    this.log(`aws: AWS CLI ${awsVersion} (${this.cli.binary})`);
    if (this.usesTerraform) {
      const tfVersion = await verifyTerraform(this.terraform.binary, signal);
      this.log(`terraform: ${tfVersion} (${this.terraform.binary})`);
      if (!existsSync(join(this.options.stackDir, 'cdk.tf.json'))) {
        throw new AwsTargetError('usage', `The stack is not synthesized: ${join(this.options.stackDir, 'cdk.tf.json')} does not exist`, {
          recovery: 'Run `npm run synth` (or let dr-drill synthesize) with the same config, then start the drill again.',
        });
      }
    }
    const c = this.options.config.regions;
    this.checkRegion(c.primary, 'regions.primary');
    this.checkRegion(c.secondary, 'regions.secondary');
    const ex = this.options.existing;
    if (ex) {
      this.checkRegion(ex.primaryServiceArn.split(':')[3]!, 'primary service region');
      this.checkRegion(ex.secondaryServiceArn.split(':')[3]!, 'secondary service region');
    }
    const who = await this.cli.getCallerIdentity(c.primary, signal);
    this.account = who.account;
    this.log(`credentials: account ${who.account} as ${who.arn}`);
    await this.refuseIfUnfinished();
    if (
      await lockfile
        .check(join(this.stateDir, this.journalName), {
          realpath: false,
          lockfilePath: join(this.stateDir, `${this.journalName}.lock`),
          stale: 30_000,
        })
        .catch(() => false)
    ) {
      throw new AwsTargetError(
        'usage',
        `Another drill is running on stack "${this.journalName}" (lock ${join(this.stateDir, `${this.journalName}.lock`)} is held)`,
        {
          recovery:
            'Wait for it to finish, or if none is running, wait 30 s for the lock to go stale and run dr-drill recover --target aws.',
        },
      );
    }
  }

  private async refuseIfUnfinished(): Promise<void> {
    const previous = await readJournal(this.stateDir, this.journalName);
    if (previous && isUnfinished(previous)) {
      throw new AwsTargetError(
        'usage',
        `An earlier run (${previous.runId}, started ${previous.startedAt}) on stack "${this.journalName}" did not finish`,
        {
          recovery: manualRecoverySteps(previous, this.profileArgs),
        },
      );
    }
  }

  private async saveJournal(): Promise<void> {
    if (this.journal) await writeJournal(this.stateDir, this.journal);
  }

  async provision(signal: AbortSignal): Promise<Endpoints> {
    if (this.refs) return this.endpoints(this.refs);
    await mkdir(this.options.runDir, { recursive: true });
    if (!this.lock) {
      this.lock = await lockStack(this.stateDir, this.journalName);
      try {
        await this.refuseIfUnfinished();
      } catch (error) {
        await this.releaseLock();
        throw error;
      }
      const c = this.options.config.regions;
      this.journal = newJournal({
        stack: this.journalName,
        runId: this.options.runId,
        mode: this.options.mode,
        stackDir: resolve(this.options.stackDir),
        varFiles: (this.options.varFiles ?? []).map((f) => resolve(f)),
        regions: [c.primary, c.secondary, 'us-east-1'],
      });
      recordEvent(this.journal, `run started (${this.options.mode})`);
      await this.saveJournal();
    }
    const j = this.journal!;
    if (this.options.mode === 'ephemeral') {
      await this.terraform.init(signal);
      j.applyStarted = true;
      recordEvent(j, 'apply started');
      await this.saveJournal();
      this.log(`terraform apply in ${this.options.stackDir}`);
      await this.terraform.apply(signal);
      j.applyFinished = true;
      recordEvent(j, 'apply finished');
      await this.saveJournal();
    }
    const refs = await this.resolveRefs(signal);
    for (const role of ['primary', 'secondary'] as const) {
      const s = refs.services[role];
      this.checkRegion(s.region, `${role} service region`);
      const d = await this.cli.describeService(s.serviceArn, s.region, signal);
      if (d.status !== 'RUNNING') {
        throw new AwsTargetError(
          'external',
          `The ${role} App Runner service ${s.serviceArn} is ${d.status}; the drill starts only from RUNNING`,
          {
            recovery:
              d.status === 'PAUSED'
                ? `Resume it if nobody paused it on purpose: aws apprunner resume-service --service-arn ${s.serviceArn} --region ${s.region}`
                : `Wait for it to be RUNNING (aws apprunner describe-service --service-arn ${s.serviceArn} --region ${s.region}), then start again.`,
          },
        );
      }
    }
    const deployed = await waitForDistributionDeployed(this.cli, refs.distributionId, { waits: this.waits, signal, log: this.log });
    this.refs = { ...refs, domainName: this.options.existing?.domainName ?? (refs.domainName || deployed.domainName) };
    return this.endpoints(this.refs);
  }

  private async resolveRefs(signal: AbortSignal): Promise<StackRefs> {
    const ex = this.options.existing;
    if (ex) {
      const region = (arn: string) => arn.split(':')[3]!;
      const svc = async (role: Role, arn: string) => {
        this.checkRegion(region(arn), `${role} service region`);
        const d = await this.cli.describeService(arn, region(arn), signal);
        return { role, serviceArn: arn, region: region(arn), url: `https://${d.serviceUrl ?? ''}` };
      };
      return {
        distributionId: ex.distributionId,
        domainName: ex.domainName ?? '',
        services: { primary: await svc('primary', ex.primaryServiceArn), secondary: await svc('secondary', ex.secondaryServiceArn) },
      };
    }
    if (this.options.mode === 'existing' && !existsSync(join(this.options.stackDir, '.terraform'))) await this.terraform.init(signal);
    const out = await this.terraform.output(signal);
    const dir = this.options.stackDir;
    const s = (name: string) => stringOutput(out, name, dir);
    const url = (u: string) => (u.startsWith('https://') ? u : `https://${u}`);
    return {
      distributionId: s(OUTPUTS.distributionId),
      domainName: s(OUTPUTS.distributionDomainName),
      services: {
        primary: {
          role: 'primary',
          serviceArn: s(OUTPUTS.primaryServiceArn),
          region: s(OUTPUTS.primaryRegion),
          url: url(s(OUTPUTS.primaryServiceUrl)),
        },
        secondary: {
          role: 'secondary',
          serviceArn: s(OUTPUTS.secondaryServiceArn),
          region: s(OUTPUTS.secondaryRegion),
          url: url(s(OUTPUTS.secondaryServiceUrl)),
        },
      },
    };
  }

  private endpoints(refs: StackRefs): Endpoints {
    const c = this.options.config;
    const headers: Record<string, string> = c.failover.originVerify.secret
      ? { [c.failover.originVerify.headerName]: c.failover.originVerify.secret }
      : {};
    const origin = (role: Role) => ({ role, region: refs.services[role].region, url: refs.services[role].url, headers });
    const write = c.failover.writePaths[0];
    return {
      edgeUrl: `https://${refs.domainName}`,
      origins: { primary: origin('primary'), secondary: origin('secondary') },
      writePath: write === undefined ? undefined : samplePath(write),
      servedByHeader: this.options.servedByHeader ?? 'x-served-by',
      details: {
        mode: this.options.mode,
        runId: this.options.runId,
        stack: this.options.stackName,
        distributionId: refs.distributionId,
        primaryServiceArn: refs.services.primary.serviceArn,
        secondaryServiceArn: refs.services.secondary.serviceArn,
        primaryRegion: refs.services.primary.region,
        secondaryRegion: refs.services.secondary.region,
        ...(this.account ? { account: this.account } : {}),
      },
    };
  }

  /** Throws unless the service is this stack's managed service in that role (or the override is set). */
  private async checkManaged(role: Role, s: ServiceRef, signal: AbortSignal): Promise<void> {
    const problems: string[] = [];
    if (role !== 'primary') problems.push(`it is the ${role}, not the primary`);
    const tags = await this.cli.listTagsForResource(s.serviceArn, s.region, signal);
    const expect: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: this.options.stackName, [ROLE_TAG]: role };
    for (const [k, v] of Object.entries(expect)) {
      if (tags[k] !== v)
        problems.push(`tag ${k} is ${tags[k] === undefined ? 'missing' : JSON.stringify(tags[k])}, expected ${JSON.stringify(v)}`);
    }
    if (problems.length === 0) return;
    if (this.options.allowUnmanagedPause) {
      this.log(`pausing ${s.serviceArn} although ${problems.join('; ')} (override given)`);
      return;
    }
    throw new AwsTargetError('usage', `Refusing to pause ${s.serviceArn}: ${problems.join('; ')}`, {
      recovery:
        'Point the drill at a stack this project deployed, or pass --allow-unmanaged if you really mean to pause this service.',
    });
  }

  async inject(role: Role, fault: Fault, signal: AbortSignal): Promise<void> {
    if (fault.kind !== 'pause') {
      throw new AwsTargetError(
        'usage',
        `fault "${fault.kind}" is not available on the aws target: allowed: ${this.supportedFaults.join(', ')}`,
      );
    }
    const refs = this.refs;
    const j = this.journal;
    if (!refs || !j) throw new AwsTargetError('internal', 'inject() was called before provision() succeeded');
    const s = refs.services[role];
    await this.checkManaged(role, s, signal);
    const recovery = manualRecoverySteps({ ...j, paused: [...j.paused, s] }, this.profileArgs);
    let current = (await this.cli.describeService(s.serviceArn, s.region, signal)).status;
    if (current === 'OPERATION_IN_PROGRESS') {
      // Someone else's operation (a deployment, a resume): let it finish before deciding.
      this.log(`the ${role} service has an operation in progress; waiting for it to finish before pausing`);
      current = (
        await waitForServiceStatus(this.cli, s, ['RUNNING', 'PAUSED'], {
          waits: this.waits,
          signal,
          log: this.log,
          recovery: manualRecoverySteps(j, this.profileArgs),
        })
      ).status;
    }
    // Journal first: whatever happens from here on, teardown and recover know a resume is owed.
    if (!j.paused.some((p) => p.serviceArn === s.serviceArn)) j.paused.push({ role, serviceArn: s.serviceArn, region: s.region });
    recordEvent(j, `pause of ${role} requested (was ${current})`);
    await this.saveJournal();
    if (current === 'RUNNING') {
      this.log(`pausing the ${role} service ${s.serviceArn}`);
      await this.cli.pauseService(s.serviceArn, s.region, signal);
    } else if (current !== 'PAUSED') {
      throw new AwsTargetError('external', `The ${role} App Runner service is ${current}; it cannot be paused`, { recovery });
    }
    await waitForServiceStatus(this.cli, s, ['PAUSED'], { waits: this.waits, signal, log: this.log, recovery });
    recordEvent(j, `${role} PAUSED`);
    await this.saveJournal();
  }

  async clear(role: Role, signal: AbortSignal): Promise<ClearOutcome | void> {
    const refs = this.refs;
    const j = this.journal;
    if (!refs || !j) return { restored: false, detail: `nothing to resume: the ${role} was never reached` };
    const s = refs.services[role];
    const owed = j.paused.some((p) => p.serviceArn === s.serviceArn);
    if (!owed) return { restored: false, detail: `nothing to resume: this run did not pause the ${role}` };
    await ensureRunning({ cli: this.cli, waits: this.waits, signal, log: this.log }, s, manualRecoverySteps(j, this.profileArgs));
    j.paused = j.paused.filter((p) => p.serviceArn !== s.serviceArn);
    recordEvent(j, `${role} RUNNING`);
    await this.saveJournal();
  }

  async teardown(signal: AbortSignal): Promise<TeardownResult> {
    const j = this.journal;
    if (!j) return { ok: true, detail: 'Nothing to tear down: the run never started.' };
    if (j.finishedAt !== undefined) {
      await this.releaseLock();
      return { ok: true, detail: 'Already torn down.' };
    }
    if (this.refs) {
      try {
        this.alarmStates = await this.readAlarms(signal);
        this.alarmsReadAt = Date.now();
      } catch (error) {
        this.log(`could not read alarm states: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    try {
      const result = await finishRun(j, {
        cli: this.cli,
        terraform: this.terraform,
        stateDir: this.stateDir,
        waits: this.waits,
        leakSettleMs: this.options.leakSettleMs ?? 60_000,
        signal,
        log: this.log,
      });
      const alarms = this.alarmStates.length
        ? `\nAlarms at the end: ${this.alarmStates.map((a) => `${a.name}=${a.state}`).join(', ')}`
        : '';
      return { ok: result.ok, detail: result.detail + alarms };
    } finally {
      await this.releaseLock();
    }
  }

  /** What the run saw, for run.json: the alarm states read at teardown. */
  observations(): readonly Observation[] {
    return this.alarmStates.map((a) => ({ kind: 'alarm', at: this.alarmsReadAt, ...a }));
  }

  /** The stack's alarm states (names start with "<namePrefix>-") in all its regions. */
  async readAlarms(signal: AbortSignal): Promise<AlarmState[]> {
    const regions = [...new Set([this.options.config.regions.primary, this.options.config.regions.secondary, 'us-east-1'])];
    const all: AlarmState[] = [];
    for (const r of regions) all.push(...(await this.cli.describeAlarms(r, `${this.options.config.namePrefix}-`, signal)));
    return all;
  }

  private async releaseLock(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    await lock?.release().catch((error: unknown) => this.log(`could not release the lock: ${(error as Error).message}`));
  }
}
