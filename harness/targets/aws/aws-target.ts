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
import { KNOWN_APPRUNNER_REGIONS } from '../../../config/index.js';
import type { ClearOutcome, Endpoints, Fault, FaultKind, Observation, Role, Target, TargetLog, TeardownResult } from '../target.js';
import { type AlarmState, type AwsCli, verifyAwsCli } from './aws-cli.js';
import { type ResolvedWaits, type ServiceRef, resolveWaits, waitForDistributionDeployed, waitForServiceStatus } from './app-runner.js';
import { AwsTargetError } from './errors.js';
import { ensureRunning, finishRun } from './finish.js';
import { RunLedger } from './ledger.js';
import { inspectDeployment, preflightVerdict, refusal } from './inspect.js';
import { installOverrides } from './overrides.js';
import { PAUSE_NOT_STARTED, firstLineOf, matchError } from './retry.js';
import { type StackRefs, endpointsOf, pauseProblems, refsFromOutputs } from './stack-refs.js';
import { type Terraform, verifyTerraform } from './terraform.js';
import { type AwsTargetOptions, checkTargetOptions } from './target-options.js';
import { createTools } from './tool-options.js';

export type { AwsTargetOptions, ExistingStackRef } from './target-options.js';

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
  private ledger?: RunLedger;
  private refs?: StackRefs;
  private account?: string;
  /** The way back's one deadline: set when the first pause is requested, shared by every later wait. */
  private wayBack?: number;
  private wayBackDeadline(): number {
    this.wayBack ??= Date.now() + this.waits.serviceTransitionMs;
    return this.wayBack;
  }
  private preflightDetails: Readonly<Record<string, string>> = {};
  /** Alarm states read at teardown (before an ephemeral destroy), for the report. */
  alarmStates: readonly AlarmState[] = [];
  private alarmsReadAt = 0;

  constructor(options: AwsTargetOptions) {
    checkTargetOptions(options);
    this.options = options;
    this.stateDir = resolve(options.stateDir ?? '.drill');
    this.journalName = options.journalName ?? options.stackName;
    this.waits = resolveWaits(options.waits);
    this.log = options.log ?? (() => {});
    const tools = createTools(
      { ...options, log: this.log },
      { stackDir: options.stackDir, varFiles: options.varFiles, logDir: options.runDir },
    );
    this.cli = tools.cli;
    this.terraform = tools.terraform;
  }

  private get usesTerraform(): boolean {
    return this.options.mode !== 'existing' || this.options.existing === undefined;
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
    await RunLedger.refuseToStart(this.stateDir, this.journalName);
  }

  async provision(signal: AbortSignal): Promise<Endpoints> {
    if (this.refs) return this.endpoints(this.refs);
    await mkdir(this.options.runDir, { recursive: true });
    if (!this.ledger) {
      const c = this.options.config.regions;
      this.ledger = await RunLedger.open({
        stateDir: this.stateDir,
        name: this.journalName,
        runId: this.options.runId,
        mode: this.options.mode,
        command: this.options.mode === 'deploy' ? 'up' : 'run',
        stackDir: this.options.stackDir,
        varFiles: this.options.varFiles ?? [],
        regions: [c.primary, c.secondary, 'us-east-1'],
        options: {
          ...(this.options.endpointUrl !== undefined ? { endpointUrl: this.options.endpointUrl } : {}),
          ...(this.options.awsCli !== undefined ? { awsCli: this.options.awsCli } : {}),
          ...(this.options.profile !== undefined ? { profile: this.options.profile } : {}),
          ...(this.options.terraform !== undefined ? { terraform: this.options.terraform } : {}),
          terraformOverrides: this.options.terraformOverrides ?? [],
        },
      });
    }
    const ledger = this.ledger;
    if (this.usesTerraform) await installOverrides(this.options.stackDir, this.options.terraformOverrides ?? [], this.log);
    if (this.options.mode !== 'existing') {
      await this.terraform.init(signal);
      await ledger.applyStarted();
      this.log(`terraform apply in ${this.options.stackDir}`);
      await this.terraform.apply(signal);
      await ledger.applyFinished();
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
    // Before anything is paused: what is really deployed must fail over (inspect.ts).
    const findings = await inspectDeployment(
      this.cli,
      refs,
      { configCodes: this.options.config.failover.statusCodes, stackName: this.options.stackName },
      signal,
    );
    const verdict = preflightVerdict(findings, { force: this.options.force, allowUnmanaged: this.options.allowUnmanagedPause });
    for (const n of verdict.notes) this.log(n);
    if (verdict.refused.length > 0) throw refusal(verdict.refused, refs.distributionId);
    this.preflightDetails = verdict.details;
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
    return refsFromOutputs(await this.terraform.output(signal), this.options.stackDir);
  }

  private endpoints(refs: StackRefs): Endpoints {
    const e = endpointsOf(refs, this.options, this.account);
    return { ...e, details: { ...e.details, ...this.preflightDetails } };
  }

  /** Throws unless the service is this stack's managed service in that role (or the override is set). */
  private async checkManaged(role: Role, s: ServiceRef, signal: AbortSignal): Promise<void> {
    const tags = await this.cli.listTagsForResource(s.serviceArn, s.region, signal);
    const problems = pauseProblems(role, tags, this.options.stackName);
    if (problems.length === 0) return;
    if (this.options.allowUnmanagedPause) {
      this.log(`pausing ${s.serviceArn} although ${problems.join('; ')} (override given)`);
      return;
    }
    throw new AwsTargetError('usage', `Refusing to pause ${s.serviceArn}: ${problems.join('; ')}`, {
      recovery: 'Point the drill at a stack this project deployed, or pass --allow-unmanaged if you really mean to pause this service.',
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
    const ledger = this.ledger;
    if (!refs || !ledger) throw new AwsTargetError('internal', 'inject() was called before provision() succeeded');
    const s = refs.services[role];
    await this.checkManaged(role, s, signal);
    const recovery = ledger.recoverySteps([s]);
    let current = (await this.cli.describeService(s.serviceArn, s.region, signal)).status;
    if (current === 'OPERATION_IN_PROGRESS') {
      // Someone else's operation (a deployment, a resume): let it finish before deciding.
      this.log(`the ${role} service has an operation in progress; waiting for it to finish before pausing`);
      current = (
        await waitForServiceStatus(this.cli, s, ['RUNNING', 'PAUSED'], {
          waits: this.waits,
          signal,
          log: this.log,
          recovery: ledger.recoverySteps(),
        })
      ).status;
    }
    // Journal first: whatever happens from here on, teardown and recover know a resume is owed.
    await ledger.pauseOwed({ role, serviceArn: s.serviceArn, region: s.region }, current);
    this.wayBackDeadline();
    let operationId: string | undefined;
    if (current === 'RUNNING') {
      this.log(`pausing the ${role} service ${s.serviceArn}`);
      try {
        operationId = (await this.cli.pauseService(s.serviceArn, s.region, signal)).operationId;
        this.log(`pause of the ${role} service started (operation ${operationId ?? 'unknown'})`);
      } catch (error) {
        // AWS refused the pause (e.g. InvalidStateException: another operation is in progress):
        // nothing was paused, so no resume is owed and cleanup must not undo someone else's operation.
        if (matchError(error, PAUSE_NOT_STARTED)) {
          await ledger.pauseRefused(s, firstLineOf(error));
        }
        throw error;
      }
    } else if (current !== 'PAUSED') {
      throw new AwsTargetError('external', `The ${role} App Runner service is ${current}; it cannot be paused`, { recovery });
    }
    await waitForServiceStatus(this.cli, s, ['PAUSED'], {
      waits: this.waits,
      signal,
      log: this.log,
      recovery,
      deadline: this.wayBackDeadline(),
      ...(operationId !== undefined ? { operationId } : {}),
    });
    await ledger.paused(s);
  }

  async clear(role: Role, signal: AbortSignal): Promise<ClearOutcome | void> {
    const refs = this.refs;
    const ledger = this.ledger;
    if (!refs || !ledger) return { restored: false, detail: `nothing to resume: the ${role} was never reached` };
    const s = refs.services[role];
    if (!ledger.owesResume(s.serviceArn)) return { restored: false, detail: `nothing to resume: this run did not pause the ${role}` };
    await ensureRunning(
      { cli: this.cli, waits: this.waits, signal, log: this.log, deadline: this.wayBackDeadline() },
      s,
      ledger.recoverySteps(),
    );
    await ledger.resumed(s, 'RUNNING');
  }

  async teardown(signal: AbortSignal): Promise<TeardownResult> {
    const ledger = this.ledger;
    if (!ledger) return { ok: true, detail: 'Nothing to tear down: the run never started.' };
    if (ledger.finished) {
      await ledger.release(this.log);
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
      const result = await finishRun(ledger, {
        cli: this.cli,
        terraform: this.terraform,
        waits: this.waits,
        leakSettleMs: this.options.leakSettleMs ?? 60_000,
        signal,
        log: this.log,
        ...(this.wayBack !== undefined ? { deadline: this.wayBack } : {}),
      });
      const alarms = this.alarmStates.length
        ? `\nAlarms at the end: ${this.alarmStates.map((a) => `${a.name}=${a.state}`).join(', ')}`
        : '';
      return { ok: result.ok, detail: result.detail + alarms };
    } finally {
      await ledger.release(this.log);
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
}
