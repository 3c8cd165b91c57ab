/**
 * The AWS target: drills a real stack through terraform and the AWS CLI. Its one fault, `pause`, is
 * made by the compute backend of config service.backend (backends/registry.ts: App Runner's
 * pause-service; on ECS Express, the listener rule's fixed-response 503), and it is careful with
 * people's accounts: it faults only the configured primary of a stack this project manages, journals
 * every side effect before making it, bounds every wait, and always ends with the fault undone or
 * with the exact steps to undo it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AlarmStatus, AlarmTransition, ClearOutcome, Endpoints, Fault, FaultKind, Observation, Role, Target, TargetAlarms, TargetLog, TeardownResult } from '../target.js';
import { BACKENDS, type BackendRegistry } from './backends/registry.js';
import { type BackendContext, type ServiceBackend, WayBack } from './backends/service-backend.js';
import { type AwsCli, verifyAwsCli } from './tools/aws-cli.js';
import { type ResolvedWaits, resolveWaits, waitForDistributionDeployed } from './tools/waits.js';
import { AwsTargetError } from './tools/errors.js';
import { finishRun } from './safety/finish.js';
import { RunLedger } from './safety/ledger.js';
import { inspectDeployment, preflightVerdict, refusal } from './checks/inspect.js';
import { installOverrides } from './tools/overrides.js';
import { checkServicesReady } from './checks/readiness.js';
import { type StackRefs, endpointsOf, explicitRefs, refsFromOutputs } from './stack-refs.js';
import { type Terraform, verifyTerraform } from './tools/terraform.js';
import { type AwsTargetOptions, checkBackendRegion, checkTargetOptions } from './target-options.js';
import { createTools } from './tools/tool-options.js';
import { AWS_FAULTS } from './faults.js';
import type { AlarmState, ReadServices } from './wire.js';

export class AwsTarget implements Target {
  readonly name = 'aws' as const;
  readonly supportedFaults: readonly FaultKind[] = AWS_FAULTS;
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
  private readonly backends: BackendRegistry;
  private readonly backend: ServiceBackend;
  /** The way back's one deadline, shared by the fault's waits, clear and teardown. */
  private readonly wayBack: WayBack;
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
    this.backends = options.backends ?? BACKENDS;
    this.backend = this.backends.get(options.config.service.backend);
    this.wayBack = new WayBack(this.waits.serviceTransitionMs);
  }

  private context(signal: AbortSignal): BackendContext {
    return { cli: this.cli, waits: this.waits, signal, log: this.log, wayBack: this.wayBack };
  }

  private get usesTerraform(): boolean {
    return this.options.mode !== 'existing' || this.options.existing === undefined;
  }

  private checkRegion(region: string, what: string): void {
    checkBackendRegion(this.backend, this.options.config, region, what);
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
    // Explicit references' regions were checked when the target was made (checkTargetOptions).
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
    const backend = this.backend;
    for (const role of ['primary', 'secondary'] as const) this.checkRegion(refs.services[role].region, `${role} service region`);
    // Each service and the distribution are read once here; the preflight reuses what was read.
    const read = await checkServicesReady(this.cli, refs, backend, signal, this.log, described);
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

  private async resolveRefs(signal: AbortSignal): Promise<{ refs: StackRefs; described?: ReadServices }> {
    const ex = this.options.existing;
    if (ex) return explicitRefs(this.cli, ex, this.backend, signal);
    if (this.options.mode === 'existing' && !existsSync(join(this.options.stackDir, '.terraform'))) await this.terraform.init(signal);
    return { refs: refsFromOutputs(await this.terraform.output(signal), this.options.stackDir) };
  }

  private endpoints(refs: StackRefs): Endpoints {
    const e = endpointsOf(refs, this.options, this.account);
    return { ...e, details: { ...e.details, ...this.preflightDetails, ...this.backend.details } };
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
    await this.backend.inject(
      {
        ...this.context(signal),
        stackName: this.options.stackName,
        ...(this.options.allowUnmanagedPause !== undefined ? { allowUnmanagedPause: this.options.allowUnmanagedPause } : {}),
      },
      refs.services[role],
      ledger,
    );
  }

  /** Undoes this run's faults on the service in `role`, each through the backend that made it. */
  async clear(role: Role, signal: AbortSignal): Promise<ClearOutcome | void> {
    const ledger = this.ledger;
    if (!this.refs || !ledger) return { restored: false, detail: `nothing to resume: the ${role} was never reached` };
    const owed = ledger.owedFaults.filter((f) => f.role === role);
    if (owed.length === 0) return { restored: false, detail: `nothing to resume: this run did not fault the ${role}` };
    const notes: string[] = [];
    for (const f of owed) notes.push(await this.backends.get(f.backend, "the journal's fault backend").undo(this.context(signal), f, ledger));
    return { restored: true, detail: notes.join(' ') };
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
        backends: this.backends,
        wayBack: this.wayBack,
      });
      const alarms = this.alarmStates.length
        ? `\nAlarms at the end: ${this.alarmStates.map((a) => `${a.name}=${a.state}`).join(', ')}`
        : '';
      return { ok: result.ok, detail: result.detail + alarms };
    } finally {
      await ledger.release(this.log);
    }
  }

  /** The stack's alarms through CloudWatch (describe-alarms, describe-alarm-history) in the stack's regions. */
  get alarms(): TargetAlarms {
    return {
      namePrefix: this.options.config.namePrefix,
      describe: async (names: readonly string[], signal: AbortSignal): Promise<AlarmStatus[]> => {
        const all: AlarmStatus[] = [];
        // describe-alarms takes at most 100 names a call (botocore AlarmNames).
        for (const r of this.alarmRegions()) {
          for (let i = 0; i < names.length; i += 100) all.push(...(await this.cli.describeAlarmsNamed(r, names.slice(i, i + 100), signal)));
        }
        return all;
      },
      history: (alarm: { name: string; region: string }, since: number, signal: AbortSignal): Promise<AlarmTransition[]> =>
        this.cli.describeAlarmHistory(alarm.region, alarm.name, since, signal),
    };
  }

  private alarmRegions(): string[] {
    return [...new Set([this.options.config.regions.primary, this.options.config.regions.secondary, 'us-east-1'])];
  }

  /** What the run saw, for run.json: the alarm states read at teardown. */
  observations(): readonly Observation[] {
    return this.alarmStates.map((a) => ({ kind: 'alarm', at: this.alarmsReadAt, ...a }));
  }

  /** The stack's alarm states (names start with "<namePrefix>-") in all its regions. */
  async readAlarms(signal: AbortSignal): Promise<AlarmState[]> {
    const all: AlarmState[] = [];
    for (const r of this.alarmRegions()) all.push(...(await this.cli.describeAlarms(r, `${this.options.config.namePrefix}-`, signal)));
    return all;
  }
}
