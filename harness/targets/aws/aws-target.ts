/**
 * The AWS target: drills a real stack through terraform and the AWS CLI. It can only pause (App
 * Runner's pause-service; on ECS Express, the listener rule's fixed-response 503), and it is
 * careful with people's accounts: it faults only the configured primary of a stack this project
 * manages, journals every side effect before making it, bounds every wait, and always ends with
 * the primary resumed (the rule restored) or with the exact steps to do it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KNOWN_APPRUNNER_REGIONS } from '../../../config/index.js';
import type { ClearOutcome, Endpoints, Fault, FaultKind, Observation, Role, Target, TargetLog, TeardownResult } from '../target.js';
import { type AlarmState, type AwsCli, verifyAwsCli } from './tools/aws-cli.js';
import { type ResolvedWaits, type ServiceRef, resolveWaits, waitForDistributionDeployed } from './tools/waits.js';
import { AwsTargetError } from './tools/errors.js';
import { finishRun } from './safety/finish.js';
import { RunLedger } from './safety/ledger.js';
import { ECS_PAUSE_MEANING, ecsServiceTags, findServiceRule, hostOf, injectFixedResponse, restoreRule } from './backends/alb-fault.js';
import { inspectDeployment, preflightVerdict, refusal } from './checks/inspect.js';
import { installOverrides } from './tools/overrides.js';
import { PauseFault } from './backends/pause-fault.js';
import { type ReadServices, checkServicesReady } from './checks/readiness.js';
import { type StackRefs, endpointsOf, explicitRefs, pauseProblems, refsFromOutputs } from './stack-refs.js';
import { type Terraform, verifyTerraform } from './tools/terraform.js';
import { type AwsTargetOptions, checkTargetOptions } from './target-options.js';
import { createTools } from './tools/tool-options.js';

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
  private readonly pauses: PauseFault;
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
    this.pauses = new PauseFault({
      cli: this.cli,
      waits: this.waits,
      log: this.log,
      stackName: options.stackName,
      ...(options.allowUnmanagedPause !== undefined ? { allowUnmanagedPause: options.allowUnmanagedPause } : {}),
    });
  }

  private get usesTerraform(): boolean {
    return this.options.mode !== 'existing' || this.options.existing === undefined;
  }

  private appRunnerRegions(): Set<string> {
    return new Set<string>([...KNOWN_APPRUNNER_REGIONS, ...this.options.config.regions.additionalAppRunnerRegions]);
  }

  /** App Runner is not in every region; ECS is (docs/aws-behaviour.md#app-runner-regions). */
  private checkRegion(region: string, what: string): void {
    if (this.options.config.service.backend === 'ecs-express') return;
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
    const { refs, described } = await this.resolveRefs(signal);
    const backend = this.options.config.service.backend;
    for (const role of ['primary', 'secondary'] as const) this.checkRegion(refs.services[role].region, `${role} service region`);
    // Each service and the distribution are read once here; the preflight reuses what was read.
    const read = await checkServicesReady(this.cli, refs, backend, signal, this.log, { appRunner: described });
    const deployed = await waitForDistributionDeployed(this.cli, refs.distributionId, { waits: this.waits, signal, log: this.log });
    // Before anything is paused: what is really deployed must fail over (inspect.ts).
    const findings = await inspectDeployment(
      this.cli,
      refs,
      {
        configCodes: this.options.config.failover.statusCodes,
        stackName: this.options.stackName,
        backend,
        read,
        distributionStatus: 'Deployed',
        writePaths: this.options.config.failover.writePaths,
        acceptedBehaviors: this.options.acceptBehaviors ?? [],
      },
      signal,
    );
    const verdict = preflightVerdict(findings, { force: this.options.force, allowUnmanaged: this.options.allowUnmanagedPause });
    for (const n of verdict.notes) this.log(n);
    if (verdict.refused.length > 0) throw refusal(verdict.refused, refs.distributionId, backend);
    this.preflightDetails = verdict.details;
    this.refs = { ...refs, domainName: this.options.existing?.domainName ?? (refs.domainName || deployed.domainName) };
    return this.endpoints(this.refs);
  }

  private async resolveRefs(signal: AbortSignal): Promise<{ refs: StackRefs; described?: ReadServices['appRunner'] }> {
    const ex = this.options.existing;
    if (ex) {
      for (const [role, arn] of [
        ['primary', ex.primaryServiceArn],
        ['secondary', ex.secondaryServiceArn],
      ] as const)
        this.checkRegion(arn.split(':')[3]!, `${role} service region`);
      return explicitRefs(this.cli, ex, this.options.config.service.backend, signal);
    }
    if (this.options.mode === 'existing' && !existsSync(join(this.options.stackDir, '.terraform'))) await this.terraform.init(signal);
    return { refs: refsFromOutputs(await this.terraform.output(signal), this.options.stackDir) };
  }

  private endpoints(refs: StackRefs): Endpoints {
    const e = endpointsOf(refs, this.options, this.account);
    if (this.options.config.service.backend !== 'ecs-express') return { ...e, details: { ...e.details, ...this.preflightDetails } };
    return { ...e, details: { ...e.details, ...this.preflightDetails, backend: 'ecs-express', pauseFault: ECS_PAUSE_MEANING } };
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
    if (this.options.config.service.backend === 'ecs-express') return this.injectListenerRuleFault(role, s, ledger, signal);
    await this.pauses.pause(role, s, ledger, signal);
  }

  /**
   * ECS Express has no pause: `pause` is the service's listener rule changed to a fixed-response 503
   * (alb-fault.ts). The rule must exist and be the stack's own: found from the service's target group and
   * its endpoint host, on a service tagged as this stack's primary.
   */
  private async injectListenerRuleFault(
    role: Role,
    s: ServiceRef & { url: string },
    ledger: RunLedger,
    signal: AbortSignal,
  ): Promise<void> {
    const problems = pauseProblems(role, await ecsServiceTags(this.cli, s.serviceArn, s.region, signal), this.options.stackName);
    if (problems.length > 0 && !this.options.allowUnmanagedPause) {
      throw new AwsTargetError('usage', `Refusing to fault the listener rule of ${s.serviceArn}: ${problems.join('; ')}`, {
        recovery: 'Point the drill at a stack this project deployed, or pass --allow-unmanaged if you really mean it.',
      });
    }
    const found = await findServiceRule(
      this.cli,
      { role, region: s.region, serviceArn: s.serviceArn, endpointHost: hostOf(s.url) },
      signal,
    );
    this.log(`pause on ECS Express: ${ECS_PAUSE_MEANING}; rule ${found.rule.RuleArn}`);
    await injectFixedResponse(this.cli, found, ledger, signal);
  }

  async clear(role: Role, signal: AbortSignal): Promise<ClearOutcome | void> {
    const refs = this.refs;
    const ledger = this.ledger;
    if (!refs || !ledger) return { restored: false, detail: `nothing to resume: the ${role} was never reached` };
    const s = refs.services[role];
    const ruleFaults = ledger.owedRuleFaults.filter((x) => x.role === role);
    for (const f of ruleFaults) await restoreRule(this.cli, f, ledger, signal);
    if (ruleFaults.length > 0 && !ledger.owesResume(s.serviceArn))
      return { restored: true, detail: `restored the original actions of ${ruleFaults.length} listener rule(s)` };
    return this.pauses.resume(role, s, ledger, signal);
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
        ...(this.pauses.deadline !== undefined ? { deadline: this.pauses.deadline } : {}),
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
