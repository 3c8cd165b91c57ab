/**
 * The AWS driver: `--target aws`. It owns the AWS-only options (the local driver rejects them),
 * their checks, the AWS defaults (teardown bound 3600 s; waits in app-runner.ts), how a drill's
 * target is prepared (ephemeral: a uniquely named copy of the stack; existing: the deployed
 * stack in cdktf.out or explicit ARNs), and `up` (apply the stack in cdktf.out and leave it
 * deployed), `down` (destroy it) and `recover` (finish a run from its journal).
 * The AWS target's modules are loaded only when a verb runs, so local runs do not pay for them.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { EdgeFailoverConfig } from '../../../config/index.js';
import { EXIT, inputError } from '../../../core/errors.js';
import { newRunId } from '../../run-id.js';
import type { CliIo, CommandContext } from '../../commands/context.js';
import {
  type CommonOptions,
  type TargetDriver,
  type Verb,
  loadCommandConfig,
  projectStack,
  stackInProject,
  stateDirOf,
  synthesizeStack,
  timestampedLog,
} from '../driver.js';
import { OUTPUTS, WRITE_ROUTER_OUTPUTS } from '../../../stacks/contract.js';
import { type ExplicitStackOptions, explicitOptions, explicitStack } from './explicit-options.js';
import { AWS_FAULTS } from './faults.js';
import { recoverCommand } from './safety/recovery-steps.js';
import { checkOverrides } from './tools/overrides.js';
import type { AwsToolOptions } from './tools/tool-options.js';

/** S3 histories (`dr-drill history s3://…`, `run --history s3://…`): the AWS CLI's s3 cp, whatever the drill's target. */
export { downloadRunFiles, parseS3Uri, s3Uri, uploadRunFile, type HistoryStoreOptions, type S3Location } from './history-store.js';
export interface AwsOptions extends CommonOptions, ExplicitStackOptions {
  readonly mode?: 'ephemeral' | 'existing';
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly awsCli?: string;
  readonly terraform?: string;
  readonly terraformOverride?: readonly string[];
  readonly allowUnmanaged?: boolean;
  readonly force?: boolean;
  readonly operationTimeout?: number;
  readonly stack?: string;
  readonly pollInterval?: number;
  readonly kvsArn?: string;
  readonly json?: boolean;
  readonly directProbe?: boolean;
  readonly acceptBehavior?: readonly string[];
  readonly yes?: boolean;
  readonly dryRun?: boolean;
}

const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** --poll-interval: seconds, at most the longest throttled interval (waits.maxPollIntervalMs, 60 s). */
const POLL_INTERVAL = { min: 0.1, max: 60 };
function pollInterval(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < POLL_INTERVAL.min || n > POLL_INTERVAL.max)
    throw new InvalidArgumentError(`allowed for --poll-interval: a number from ${POLL_INTERVAL.min} to ${POLL_INTERVAL.max} (seconds)`);
  return n;
}

/** The way back's one deadline, in seconds (app-runner.ts's serviceTransitionMs). */
const DEFAULT_OPERATION_TIMEOUT_SECONDS = 900;
function operationTimeout(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 1 || n > 86_400) {
    throw new InvalidArgumentError('allowed for --operation-timeout: a number from 1 to 86400 (seconds)');
  }
  return n;
}

/** Every option of the AWS driver, declared once; each verb takes the ones it uses (VERB_OPTIONS). */
const OPTIONS = {
  mode: () =>
    new Option('--mode <mode>', 'aws: ephemeral (apply, drill, destroy; the default) or existing (drill a deployed stack)').choices([
      'ephemeral',
      'existing',
    ]),
  profile: () => new Option('--profile <name>', 'aws: AWS named profile'),
  endpointUrl: () => new Option('--endpoint-url <url>', 'aws: endpoint URL for every AWS CLI call'),
  awsCli: () => new Option('--aws-cli <path>', 'aws: the AWS CLI v2 executable (default: aws on PATH)'),
  terraform: () => new Option('--terraform <path>', 'aws: the terraform executable (default: terraform on PATH)'),
  terraformOverride: () =>
    new Option(
      '--terraform-override <file>',
      'aws: a Terraform override file (*_override.tf.json or *_override.tf) copied into the stack directory before init; repeatable',
    ).argParser(repeatable),
  pollInterval: () =>
    new Option(
      '--poll-interval <seconds>',
      'aws: seconds between describe-service and get-distribution polls (default: 10; emulators answer sooner)',
    ).argParser(pollInterval),
  allowUnmanaged: () => new Option('--allow-unmanaged', 'aws: allow pausing a service this project does not manage'),
  force: () => new Option('--force', 'aws: pause even when the live deployment fails the preflight checks (the report says so)'),
  acceptBehavior: () =>
    new Option(
      '--accept-behavior <pattern>',
      'aws: the path pattern of a cache behavior that may serve the primary alone, without failover (the preflight refuses it otherwise); repeatable',
    ).argParser(repeatable),
  operationTimeout: () =>
    new Option(
      '--operation-timeout <seconds>',
      `aws: one deadline for the way back: every wait for a pause or resume, from the first pause on (default: ${DEFAULT_OPERATION_TIMEOUT_SECONDS})`,
    ).argParser(operationTimeout),
  existingStack: () => explicitOptions('aws existing mode: '),
  checkedStack: () => explicitOptions(''),
  domain: () => new Option('--domain <name>', "aws existing mode: the domain viewers use (default: the distribution's domain)"),
  stack: () => new Option('--stack <name>', "aws: the journal to recover (default: the config's namePrefix)"),
  directProbe: () => new Option('--no-direct-probe', 'skip the direct GET of the secondary (when this machine cannot reach it)'),
  json: () => new Option('--json', 'print the findings as JSON'),
  kvsArn: () =>
    new Option(
      '--kvs-arn <arn>',
      "aws: the write router's KeyValueStore (default: the deployed stack's terraform output write_router_kvs_arn)",
    ),
  yes: () => new Option('-y, --yes', 'aws: go ahead without asking (CI); without a terminal the change is refused otherwise'),
  dryRun: () =>
    new Option('--dry-run', 'aws: do the read-only steps (config, synthesis, terraform plan, preflight), print the plan, change nothing'),
} satisfies Record<string, () => Option | Option[]>;

/** The options that run terraform and the AWS CLI. */
const TOOLS = ['profile', 'endpointUrl', 'awsCli', 'terraform', 'terraformOverride', 'pollInterval'] as const;

/** The options of the verbs that change AWS: each asks first (commands/confirm.ts). */
const CONFIRM = ['yes', 'dryRun'] as const;

const VERB_OPTIONS: Readonly<Record<Verb, readonly (keyof typeof OPTIONS)[]>> = {
  run: ['mode', ...TOOLS, 'allowUnmanaged', 'force', 'acceptBehavior', 'operationTimeout', 'existingStack', 'domain', ...CONFIRM],
  up: [...TOOLS, ...CONFIRM],
  down: [...TOOLS, ...CONFIRM],
  recover: ['stack', ...TOOLS, 'operationTimeout', ...CONFIRM],
  check: [...TOOLS, 'checkedStack', 'acceptBehavior', 'directProbe', 'json'],
  'switch-writes': ['kvsArn', 'awsCli', 'profile', 'endpointUrl', 'terraform', ...CONFIRM],
};

function tools(opts: AwsOptions, io: CliIo): AwsToolOptions & { terraformOverrides: string[]; stateDir: string } {
  return {
    stateDir: stateDirOf(opts, io),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl !== undefined ? { endpointUrl: opts.endpointUrl } : {}),
    ...(opts.awsCli !== undefined ? { awsCli: opts.awsCli } : {}),
    ...(opts.terraform !== undefined ? { terraform: opts.terraform } : {}),
    ...(opts.pollInterval !== undefined || opts.operationTimeout !== undefined
      ? {
          waits: {
            ...(opts.pollInterval !== undefined ? { pollIntervalMs: Math.round(opts.pollInterval * 1000) } : {}),
            ...(opts.operationTimeout !== undefined ? { serviceTransitionMs: opts.operationTimeout * 1000 } : {}),
          },
        }
      : {}),
    env: io.env,
    terraformOverrides: checkOverrides(opts.terraformOverride ?? [], io.cwd),
    log: timestampedLog(io),
  };
}

/** Where a stack's resources live: both service regions, and us-east-1 for CloudFront and its alarms. */
const stackRegions = (config: EdgeFailoverConfig) => [...new Set([config.regions.primary, config.regions.secondary, 'us-east-1'])];
/** Expected durations shown before a change (a distribution's deploy and delete dominate). */
const APPLY_DURATION = 'about 10 to 30 minutes (terraform apply; the CloudFront distribution takes most of it)';
const DESTROY_DURATION = 'about 5 to 20 minutes (terraform destroy; disabling and deleting the CloudFront distribution takes most of it)';

/**
 * The read-only steps of an ephemeral run's dry run: the copy synthesized into a temporary
 * directory (removed afterwards), its resources, and `terraform plan` of it.
 */
async function ephemeralDryRun(opts: AwsOptions, config: EdgeFailoverConfig, ctx: CommandContext, signal: AbortSignal) {
  const { planEphemeralRun } = await import('./ephemeral.js');
  const { planInCopy, resourcesOf } = await import('./plan.js');
  const plan = planEphemeralRun(config);
  const runConfig = await loadCommandConfig(opts, ctx.io, plan.overrides);
  const tmp = await mkdtemp(join(tmpdir(), 'dr-drill-dry-run-'));
  try {
    const stack = await synthesizeStack(runConfig, join(tmp, 'cdktf.out'));
    const summary = await planInCopy(tools(opts, ctx.io), stack.stackDir, { varFiles: varFilesOf(opts, ctx.io) }, signal);
    return [`synthesized ${stack.stackName}: ${resourcesOf(stack.tfJsonPath).join(', ')}`, `terraform plan: ${summary}`];
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const varFilesOf = (opts: AwsOptions, io: CliIo) => (opts.varFile ? [resolve(io.cwd, opts.varFile)] : []);

export const awsDriver: TargetDriver = {
  name: 'aws',
  options: (verb: Verb) => VERB_OPTIONS[verb].flatMap((name) => OPTIONS[name]()),
  faults: AWS_FAULTS,
  defaults: { teardownTimeoutSeconds: 3600, alarms: 'assert' },
  leftBehind(o, config, io) {
    const { stateDir, profile, endpointUrl, awsCli, terraform, terraformOverrides } = tools(o as AwsOptions, io);
    const recorded = { stateDir, profile, endpointUrl, awsCli, terraform, terraformOverrides };
    return `paused or deployed (then run \`${recoverCommand(config.namePrefix, recorded)}\`)`;
  },

  validate(verb, o, io) {
    const opts = o as AwsOptions;
    checkOverrides(opts.terraformOverride ?? [], io.cwd);
    if (verb !== 'run') return;
    const mode = opts.mode ?? 'ephemeral';
    const explicit = explicitStack(opts);
    if (mode === 'ephemeral' && opts.cdktfOut)
      throw inputError(
        '--cdktf-out',
        opts.cdktfOut,
        'only with --mode existing: an ephemeral run synthesizes its own uniquely named stack',
      );
    if (mode === 'ephemeral' && explicit.existing)
      throw inputError('--primary-service-arn', opts.primaryServiceArn, 'only with --mode existing');
  },

  /** Explicit references are checked against the backend the config names (its ARN form, the endpoints ECS Express needs). */
  async checkWithConfig(o, config) {
    const explicit = explicitStack(o as AwsOptions);
    if (!explicit.existing) return;
    const { BACKENDS } = await import('./backends/registry.js');
    const { checkExistingRef } = await import('./target-options.js');
    checkExistingRef(explicit.existing, BACKENDS.get(config.service.backend), config);
  },

  /** terraform reads the stack: it must be a JSON object (the AWS target reads nothing more of it itself). */
  async checkStack({ tfJsonPath }) {
    const { readTfJson } = await import('../../cloudfront/stack-rules.js');
    await readTfJson(tfJsonPath);
  },

  /** existing mode reads the deployed stack in the project's cdktf.out when it is there; ephemeral synthesizes. */
  async existingStack(o, config, io) {
    const opts = o as AwsOptions;
    if ((opts.mode ?? 'ephemeral') !== 'existing') return undefined;
    return (await projectStack(config, io.cwd))?.tfJsonPath;
  },

  async confirmRun(o, config, bounds, ctx) {
    const opts = o as AwsOptions;
    const { io } = ctx;
    const t = tools(opts, io);
    const trap = ctx.trapSignals();
    try {
      const { confirmChange } = await import('./plan.js');
      const { BACKENDS } = await import('./backends/registry.js');
      const fault = BACKENDS.get(config.service.backend).faultStep;
      if ((opts.mode ?? 'ephemeral') === 'ephemeral') {
        const findings = opts.dryRun ? await ephemeralDryRun(opts, config, ctx, trap.signal) : [];
        return await confirmChange(
          ctx,
          opts,
          t,
          {
            action: `apply a uniquely named copy of the stack ${config.namePrefix}, drill it, and destroy it`,
            stack: `${config.namePrefix}-<run id> (journal ${config.namePrefix})`,
            regions: stackRegions(config),
            changes: [
              `create the whole stack: a ${config.service.backend} service in ${config.regions.primary} and in ${config.regions.secondary}, a CloudFront distribution with an origin group, the monitoring layer${config.failover.writeRouter ? ', the write router' : ''}`,
              fault('primary', config.regions.primary),
              'destroy the copy (terraform destroy), then sweep for resources tagged with the run id',
            ],
            duration: `${APPLY_DURATION}, then the drill (its bounds below), then ${DESTROY_DURATION}`,
            findings: [...findings, ...bounds],
            identityRegion: config.regions.primary,
          },
          trap.signal,
        );
      }
      const explicit = explicitStack(opts);
      const where = explicit.existing
        ? `the service ${opts.primaryServiceArn}`
        : `the service the stack's terraform outputs name (in ${relative(io.cwd, resolve(io.cwd, opts.cdktfOut ?? 'cdktf.out')) || '.'})`;
      const findings: string[] = [];
      if (opts.dryRun) {
        const { checkCommand } = await import('./checks/check-command.js');
        const code = await checkCommand({ ...opts, json: false, directProbe: true }, ctx, t);
        findings.push(
          `preflight of the live deployment (table above): ${code === EXIT.passed ? 'every check holds' : 'a drill would refuse to pause'}`,
        );
      }
      return await confirmChange(
        ctx,
        opts,
        t,
        {
          action: `drill the deployed stack ${config.namePrefix}: ${fault('primary', config.regions.primary)}`,
          stack: config.namePrefix,
          regions: [config.regions.primary],
          changes: [`${fault('primary', config.regions.primary)}: ${where}; viewers are served by the secondary meanwhile`],
          duration: 'minutes: the fault and its undoing are each polled until they hold, plus the drill bounds below',
          findings: [...findings, ...bounds],
          identityRegion: config.regions.primary,
        },
        trap.signal,
      );
    } finally {
      trap.release();
    }
  },

  async prepare(o, config, ctx) {
    const opts = o as AwsOptions;
    const aws = await import('./index.js');
    const common = {
      ...tools(opts, ctx.io),
      runDir: ctx.runDir,
      varFiles: varFilesOf(opts, ctx.io),
      allowUnmanagedPause: opts.allowUnmanaged ?? false,
      force: opts.force ?? false,
      acceptBehaviors: opts.acceptBehavior ?? [],
      log: ctx.log,
    };
    if ((opts.mode ?? 'ephemeral') === 'ephemeral') {
      const plan = aws.planEphemeralRun(config, ctx.runId);
      const runConfig = await loadCommandConfig(opts, ctx.io, plan.overrides);
      const stack = await synthesizeStack(runConfig, join(ctx.runDir, 'cdktf.out'));
      const target = aws.createAwsTarget({
        ...common,
        config: runConfig,
        mode: 'ephemeral',
        runId: plan.runId,
        stackName: stack.stackName,
        stackDir: stack.stackDir,
        journalName: plan.journalName,
      });
      return { target, runId: plan.runId, config: runConfig, tfJsonPath: stack.tfJsonPath, synthesized: true };
    }
    // existing: the deployed stack's directory (its terraform state), by default the project's cdktf.out.
    const stack = await stackInProject(config, opts.cdktfOut, ctx.io.cwd);
    const target = aws.createAwsTarget({
      ...common,
      config,
      mode: 'existing',
      runId: ctx.runId,
      stackName: stack.stackName,
      stackDir: stack.stackDir,
      ...explicitStack(opts),
    });
    return { target, runId: ctx.runId, config, tfJsonPath: stack.tfJsonPath, synthesized: stack.synthesized };
  },

  /** Applies the stack in --cdktf-out (default cdktf.out, synthesized if needed) and leaves it deployed, once confirmed. */
  async up(o, ctx) {
    const opts = o as AwsOptions;
    const { io } = ctx;
    const config = await loadCommandConfig(opts, io);
    const stack = await stackInProject(config, opts.cdktfOut, io.cwd);
    const t = tools(opts, io);
    const trap = ctx.trapSignals();
    try {
      const { confirmChange, planInCopy, resourcesOf } = await import('./plan.js');
      const go = await confirmChange(
        ctx,
        opts,
        t,
        {
          action: `apply the stack ${stack.stackName} (terraform apply in ${relative(io.cwd, stack.stackDir) || '.'}) and leave it deployed`,
          stack: stack.stackName,
          regions: stackRegions(config),
          changes: resourcesOf(stack.tfJsonPath),
          duration: APPLY_DURATION,
          ...(opts.dryRun ? { findings: [await planInCopy(t, stack.stackDir, { varFiles: varFilesOf(opts, io) }, trap.signal)] } : {}),
          identityRegion: config.regions.primary,
        },
        trap.signal,
      );
      if (!go) return EXIT.passed;
      const runId = newRunId();
      const runDir = resolve(io.cwd, 'drill-runs', `${runId}-aws-up`);
      mkdirSync(runDir, { recursive: true });
      const aws = await import('./index.js');
      const target = aws.createAwsTarget({
        ...t,
        config,
        mode: 'deploy',
        runId,
        runDir,
        stackName: stack.stackName,
        stackDir: stack.stackDir,
        varFiles: varFilesOf(opts, io),
      });
      await target.preflight(trap.signal);
      try {
        const e = await target.provision(trap.signal);
        io.stdout(`edge:      ${e.edgeUrl}\nprimary:   ${e.origins.primary.url}\nsecondary: ${e.origins.secondary.url}\n`);
        io.stdout(`The stack ${stack.stackName} is deployed from ${stack.stackDir}. \`dr-drill down --target aws\` destroys it.\n`);
      } finally {
        const td = await target.teardown(AbortSignal.timeout(this.defaults.teardownTimeoutSeconds * 1000));
        io.stderr(`${new Date().toISOString()} journal: ${td.detail}\n`);
      }
      return EXIT.passed;
    } finally {
      trap.release();
    }
  },

  /** Destroys the stack in --cdktf-out (default cdktf.out), once confirmed. */
  async down(o, ctx) {
    const opts = o as AwsOptions;
    const { io } = ctx;
    const config = await loadCommandConfig(opts, io);
    const stack = await stackInProject(config, opts.cdktfOut, io.cwd);
    const t = tools(opts, io);
    const trap = ctx.trapSignals();
    try {
      const { confirmChange, planInCopy, resourcesOf } = await import('./plan.js');
      const go = await confirmChange(
        ctx,
        opts,
        t,
        {
          action: `destroy the stack ${stack.stackName} (terraform destroy in ${relative(io.cwd, stack.stackDir) || '.'})`,
          stack: stack.stackName,
          regions: stackRegions(config),
          changes: resourcesOf(stack.tfJsonPath).map((r) => `${r} (as deployed)`),
          duration: DESTROY_DURATION,
          ...(opts.dryRun
            ? { findings: [await planInCopy(t, stack.stackDir, { destroy: true, varFiles: varFilesOf(opts, io) }, trap.signal)] }
            : {}),
          identityRegion: config.regions.primary,
        },
        trap.signal,
      );
      if (!go) return EXIT.passed;
      const runId = newRunId();
      const aws = await import('./index.js');
      const result = await aws.destroyStack(
        {
          ...t,
          stack: stack.stackName,
          stackDir: stack.stackDir,
          runId,
          logDir: resolve(io.cwd, 'drill-runs', `${runId}-aws-down`),
          regions: stackRegions(config),
          varFiles: varFilesOf(opts, io),
        },
        AbortSignal.any([trap.signal, AbortSignal.timeout(this.defaults.teardownTimeoutSeconds * 1000)]),
      );
      io.stdout(`teardown: ${result.detail}\n`);
      return result.ok ? EXIT.passed : EXIT.infrastructure;
    } finally {
      trap.release();
    }
  },

  /** Finishes an unfinished run from its journal; a destroy it owes (and anything under --dry-run) is confirmed first. */
  async recover(o, ctx) {
    const opts = o as AwsOptions;
    const { io } = ctx;
    const stack = opts.stack ?? (await loadCommandConfig(opts, io)).namePrefix;
    const aws = await import('./index.js');
    const trap = ctx.trapSignals();
    try {
      const t = tools(opts, io);
      const bound = AbortSignal.timeout(this.defaults.teardownTimeoutSeconds * 1000);
      const result = await aws.recover(
        {
          ...t,
          stack,
          decide: async (j) => {
            const destroys = j.destroyOwed && !j.destroyed;
            if (!destroys && !opts.dryRun) return true;
            const { confirmChange } = await import('./plan.js');
            return confirmChange(
              ctx,
              opts,
              aws.recoveryToolOptions(t, j),
              {
                action: `finish run ${j.runId} (${j.command}, ${j.mode}) of the stack ${j.stack} from its journal${destroys ? ', destroying the stack' : ''}`,
                stack: j.stack,
                regions: j.regions,
                changes: [
                  ...j.faults.map((f) => `undo the ${f.backend} fault on the ${f.role}: ${f.resource} (${f.region})`),
                  ...(destroys ? [`destroy the stack (terraform destroy in ${j.stackDir})`] : []),
                ],
                duration: destroys ? DESTROY_DURATION : 'a few minutes (each resume or restore is polled until it holds)',
                identityRegion: j.regions[0] ?? 'us-east-1',
              },
              AbortSignal.any([trap.signal, bound]),
            );
          },
        },
        AbortSignal.any([trap.signal, bound]),
      );
      io.stdout(`${result.detail}\n`);
      return result.ok ? EXIT.passed : EXIT.infrastructure;
    } finally {
      trap.release();
    }
  },

  async check(o, ctx) {
    const { checkCommand } = await import('./checks/check-command.js');
    return checkCommand(o as AwsOptions, ctx, tools(o as AwsOptions, ctx.io));
  },

  async switchWrites(o, ctx) {
    const opts = o as AwsOptions;
    const { AwsCli } = await import('./tools/aws-cli.js');
    const { WriteRouterSwitch } = await import('./write-router.js');
    const { confirmChange } = await import('./plan.js');
    const cli = new AwsCli({
      binary: opts.awsCli,
      profile: opts.profile,
      endpointUrl: opts.endpointUrl,
      log: (m) => ctx.io.stderr(`${m}\n`),
    });
    // What is not given explicitly is read from the deployed stack's outputs.
    const given = opts as AwsOptions & { readonly edgeUrl?: string };
    let kvsArn = opts.kvsArn;
    let edgeDomain: string | undefined;
    if (kvsArn === undefined || (given.domain === undefined && given.edgeUrl === undefined)) {
      const { deployedOutputs } = await import('./deployed-outputs.js');
      const { stringOutput } = await import('./tools/terraform.js');
      const trap = ctx.trapSignals();
      try {
        const config = await loadCommandConfig(opts, ctx.io);
        const signal = AbortSignal.any([trap.signal, AbortSignal.timeout(600_000)]);
        const stack = await deployedOutputs(config, { cdktfOut: opts.cdktfOut, cwd: ctx.io.cwd, tools: tools(opts, ctx.io) }, signal);
        if (kvsArn === undefined) {
          if (stack.outputs[WRITE_ROUTER_OUTPUTS.kvsArn] === undefined) {
            throw inputError(
              '--kvs-arn',
              undefined,
              `the write router's KeyValueStore ARN: the stack ${stack.stackName} as deployed has no output ${WRITE_ROUTER_OUTPUTS.kvsArn} (it was deployed without failover.writeRouter)`,
            );
          }
          kvsArn = stringOutput(stack.outputs, WRITE_ROUTER_OUTPUTS.kvsArn, stack.stackDir);
          ctx.io.stderr(`switch-writes: the write router's KeyValueStore from the stack ${stack.stackName}'s outputs: ${kvsArn}\n`);
        }
        if (given.domain === undefined && given.edgeUrl === undefined)
          edgeDomain = stringOutput(stack.outputs, OUTPUTS.distributionDomainName, stack.stackDir);
      } finally {
        trap.release();
      }
    }
    const router = new WriteRouterSwitch(cli, kvsArn, (m) => ctx.io.stderr(`switch-writes: ${m}\n`));
    const arn = kvsArn;
    return {
      ...(edgeDomain !== undefined ? { edgeDomain } : {}),
      active: (signal) => router.active(signal),
      async set(to, signal) {
        const go = await confirmChange(
          ctx,
          opts,
          { awsCli: opts.awsCli, profile: opts.profile, endpointUrl: opts.endpointUrl },
          {
            action: `switch the write router to ${to} (active-region = ${to})`,
            stack: arn,
            regions: ['us-east-1'],
            changes: [`cloudfront-keyvaluestore put-key active-region = ${to} in ${arn}`],
            duration: 'seconds to set the key; the edge follows as the KeyValueStore propagates (measured, bounded by --timeout)',
            identityRegion: 'us-east-1',
          },
          signal,
        );
        if (go) await router.set(to, signal);
        return go;
      },
    };
  },
};
