/**
 * dr-drill: the drill's command line. Parses arguments, builds the target and runs the
 * drill; the exit code is the contract CI reads:
 *   0 passed, 1 an assertion failed, 2 a usage or config error, 3 an infrastructure error
 *   (including a run aborted by SIGINT/SIGTERM, and a teardown that did not finish).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { EdgeFailoverConfig } from '../config/index.js';
import type { Thresholds } from './analysis/verdict.js';
import type { DrillSettings } from './drill/orchestrator.js';
import { parseFault, type Endpoints, type Target } from './targets/target.js';
import { newRunId } from './run-id.js';

export const EXIT = { passed: 0, failed: 1, usage: 2, infrastructure: 3 } as const;

/** Where the process writes; tests substitute their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

const defaultIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});

/** An error whose message is for the user, with the exit code it ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

interface TargetOptions {
  readonly target: 'local' | 'aws';
  readonly config?: string;
  readonly cdktfOut?: string;
  readonly varFile?: string;
  readonly stateDir: string;
  readonly mode: 'ephemeral' | 'existing';
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly allowUnmanaged?: boolean;
  readonly awsCli?: string;
  readonly terraform?: string;
  readonly primaryServiceArn?: string;
  readonly secondaryServiceArn?: string;
  readonly distributionId?: string;
  readonly domain?: string;
  readonly plain?: boolean;
}

interface RunOptions extends TargetOptions {
  readonly out?: string;
  readonly failoverThreshold: number;
  readonly failbackThreshold: number;
  readonly maxGetErrors: number;
  readonly steadyProbes: number;
  readonly rate: number;
  readonly directRate?: number;
  readonly probeTimeout: number;
  readonly connectTimeout: number;
  readonly probePath: string;
  readonly writeProbe?: boolean;
  readonly writeRate: number;
  readonly fault: string;
  readonly steadyTimeout: number;
  readonly observeTimeout: number;
  readonly hold: number;
  readonly teardownTimeout?: number;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.passed;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return handleError(err, io);
  }
}

function handleError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // commander has printed the message (or the help) already.
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
      ? EXIT.passed
      : EXIT.usage;
  }
  if (err instanceof CliError) {
    io.stderr(`dr-drill: ${err.message}\n`);
    return err.exitCode;
  }
  const kind = (err as { kind?: unknown } | null)?.kind;
  const name = (err as Error | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'ConfigError' || kind === 'usage') {
    io.stderr(`dr-drill: ${message}\n`);
    return EXIT.usage;
  }
  io.stderr(`dr-drill: ${kind === 'internal' ? 'internal error: ' : ''}${message}\n`);
  if (kind !== 'external' && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  return EXIT.infrastructure;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('dr-drill')
    .description(
      'DR drill for edge failover: provision, pause the primary, measure failover and failback, tear down, report.\n' +
        'Exit codes: 0 passed, 1 an assertion failed, 2 usage or config error, 3 infrastructure error or aborted run.',
    )
    .version(readVersion(), '-V, --version')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for the options)');

  const withTarget = (cmd: Command): Command =>
    cmd
      .addOption(
        new Option('-t, --target <target>', 'where to drill: the embedded local world, or AWS').choices(['local', 'aws']).default('local'),
      )
      .option('-c, --config <file>', 'JSON config file (EDGE_FAILOVER_* environment variables also apply; see README)')
      .option('--cdktf-out <dir>', 'use this already synthesized output (cdktf.out) instead of synthesizing')
      .option('--var-file <file>', 'Terraform variable values for the stack (.tfvars or .tfvars.json)')
      .option('--state-dir <dir>', 'where journals, locks and `up` state live', '.drill')
      .option('--plain', 'plain timestamped progress lines even on a terminal')
      .addOption(
        new Option('--mode <mode>', 'aws: ephemeral (apply, drill, destroy) or existing (drill a deployed stack)')
          .choices(['ephemeral', 'existing'])
          .default('ephemeral'),
      )
      .option('--profile <name>', 'aws: AWS named profile')
      .option('--endpoint-url <url>', 'aws: endpoint URL for every AWS CLI call')
      .option('--allow-unmanaged', 'aws: allow pausing a service this project does not manage')
      .option('--aws-cli <path>', 'aws: the AWS CLI v2 executable (default: aws on PATH)')
      .option('--terraform <path>', 'aws: the terraform executable (default: terraform on PATH)')
      .option(
        '--primary-service-arn <arn>',
        'aws existing mode: the primary App Runner service (with the next two, instead of terraform output)',
      )
      .option('--secondary-service-arn <arn>', 'aws existing mode: the secondary App Runner service')
      .option('--distribution-id <id>', 'aws existing mode: the CloudFront distribution')
      .option('--domain <name>', "aws existing mode: the domain viewers use (default: the distribution's domain)");

  withTarget(program.command('run', { isDefault: true }).description('run the full drill (the default command)'))
    .option('-o, --out <dir>', 'run directory for the reports (default: drill-runs/<timestamp>-<target>)')
    .option('--failover-threshold <seconds>', 'longest acceptable failover time', seconds('--failover-threshold', 0, 3600), 5)
    .option('--failback-threshold <seconds>', 'longest acceptable failback time', seconds('--failback-threshold', 0, 3600), 5)
    .option('--max-get-errors <count>', 'most viewer GET errors acceptable', integer('--max-get-errors', 0, 1_000_000), 0)
    .option(
      '--steady-probes <count>',
      'consecutive primary-served edge GETs that make a steady state (also ends each observe phase)',
      integer('--steady-probes', 1, 1000),
      10,
    )
    .option('--rate <hz>', 'edge GET probes per second', rate('--rate', 0.1), 10)
    .option('--direct-rate <hz>', 'direct probes per second, per origin (default: --rate)', rate('--direct-rate', 0.1))
    .option('--probe-timeout <ms>', 'timeout of each probe', integer('--probe-timeout', 50, 600_000), 10_000)
    .option(
      '--connect-timeout <ms>',
      "bound on each probe's connection (at most --probe-timeout)",
      integer('--connect-timeout', 50, 600_000),
      2_000,
    )
    .option('--probe-path <path>', 'path the GET probes request', path('--probe-path'), '/')
    .option('--write-probe', "also POST to the stack's write path (needs failover.writePaths in the config)")
    .option('--write-rate <hz>', 'write probes per second, with --write-probe', rate('--write-rate', 0.1), 2)
    .option(
      '--fault <fault>',
      'fault put into the primary: pause, error:<code>, refuse, blackhole, unreachable, slow:<ms> (aws: pause only)',
      fault,
      'pause',
    )
    .option('--steady-timeout <seconds>', 'bound on reaching steady state', seconds('--steady-timeout', 1, 3600), 20)
    .option('--observe-timeout <seconds>', 'bound on observing failover, and failback', seconds('--observe-timeout', 1, 7200), 30)
    .option('--hold <seconds>', 'minimum length of the outage, and of the failback observation', seconds('--hold', 0, 3600), 2)
    .option(
      '--teardown-timeout <seconds>',
      'bound on resuming the primary and teardown (default: 60 local, 3600 aws)',
      seconds('--teardown-timeout', 1, 36_000),
    )
    .action(async (opts: RunOptions) => setExit(await runCommand(opts, io)));

  withTarget(
    program.command('up').description('provision the world and print its endpoints (local: keeps it up until Ctrl-C or `dr-drill down`)'),
  ).action(async (opts: TargetOptions) => setExit(await upCommand(opts, io)));
  withTarget(program.command('down').description('tear the world down (local: stops a running `dr-drill up`)')).action(
    async (opts: TargetOptions) => setExit(await downCommand(opts, io)),
  );
  withTarget(
    program
      .command('recover')
      .description('finish an unfinished run: resume the primary and tear down (aws: from the run journal; local: stops a leftover `up`)'),
  )
    .option('--stack <name>', "aws: the journal to recover (default: the config's namePrefix)")
    .action(async (opts: TargetOptions & { stack?: string }) => setExit(await recoverCommand(opts, io)));

  program
    .command('report')
    .description('re-render every report from a saved run (exit code: the re-judged verdict)')
    .argument('<run>', 'a run directory or its run.json')
    .option('-o, --out <dir>', 'where to write the reports (default: rejudged-<time>/ beside the run, which is left as it was)')
    .option('--failover-threshold <seconds>', 're-judge with this failover threshold', seconds('--failover-threshold', 0, 3600))
    .option('--failback-threshold <seconds>', 're-judge with this failback threshold', seconds('--failback-threshold', 0, 3600))
    .option('--max-get-errors <count>', 're-judge with this error budget', integer('--max-get-errors', 0, 1_000_000))
    .action(
      async (runPath: string, opts: { out?: string; failoverThreshold?: number; failbackThreshold?: number; maxGetErrors?: number }) =>
        setExit(await reportCommand(runPath, opts, io)),
    );

  return program;
}

// ---------------------------------------------------------------- argument parsers

function number(flag: string, min: number, max: number, what: string, int: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`allowed for ${flag}: ${int ? 'an integer' : 'a number'} from ${min} to ${max} (${what})`);
    }
    return n;
  };
}
const seconds = (flag: string, min: number, max: number) => number(flag, min, max, 'seconds', false);
const integer = (flag: string, min: number, max: number) => number(flag, min, max, 'a count', true);
const rate = (flag: string, min: number) => number(flag, min, 200, 'probes per second', false);
const path = (flag: string) => (value: string) => {
  if (!/^\/\S*$/.test(value)) throw new InvalidArgumentError(`allowed for ${flag}: a path starting with "/" without spaces`);
  return value;
};
const fault = (value: string) => {
  try {
    parseFault(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
};

// ---------------------------------------------------------------- commands

async function runCommand(opts: RunOptions, io: CliIo): Promise<number> {
  const { loadConfig } = await import('../config/index.js');
  const config = loadConfig({ file: opts.config, env: io.env, cwd: io.cwd });
  if (opts.writeProbe && config.failover.writePaths.length === 0) {
    throw new CliError('--write-probe needs a write path: set failover.writePaths in the config (e.g. ["/api/*"])', EXIT.usage);
  }
  const runId = newRunId();
  const runDir = resolve(io.cwd, opts.out ?? defaultRunDir(io.cwd, runId, opts.target));
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, 'drill.log');
  const { ListrProgress } = await import('./drill/progress.js');
  const progress = new ListrProgress({ plain: opts.plain });
  const log = (message: string) => {
    appendFileSync(logFile, `${new Date().toISOString()} ${message}\n`);
    progress.log(message);
  };

  const settings: DrillSettings = {
    thresholds: {
      failoverSeconds: opts.failoverThreshold,
      failbackSeconds: opts.failbackThreshold,
      maxViewerGetErrors: opts.maxGetErrors,
      steadyProbes: opts.steadyProbes,
    },
    fault: parseFault(opts.fault),
    probe: {
      rateHz: opts.rate,
      directRateHz: opts.directRate ?? opts.rate,
      writeRateHz: opts.writeProbe ? opts.writeRate : 0,
      timeoutMs: opts.probeTimeout,
      connectTimeoutMs: opts.connectTimeout,
      path: opts.probePath,
    },
    steadyTimeoutSeconds: opts.steadyTimeout,
    observeTimeoutSeconds: opts.observeTimeout,
    holdSeconds: opts.hold,
    teardownTimeoutSeconds: opts.teardownTimeout ?? (opts.target === 'aws' ? 3600 : 60),
  };

  const built = await buildTarget(opts, config, { runId, runDir, log, io });
  io.stdout(
    `dr-drill: ${opts.target} drill ${built.runId}; stack ${relative(io.cwd, built.tfJsonPath) || built.tfJsonPath}; reports in ${runDir}\n`,
  );

  const controller = new AbortController();
  const { DrillAborted, runDrill } = await import('./drill/orchestrator.js');
  const { writeReports } = await import('./drill/write-reports.js');
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      io.stderr(`\ndr-drill: ${sig} received: stopping, resuming the primary and tearing down (send again to be told what is left)\n`);
      controller.abort(new DrillAborted(`${sig} received`));
    } else if (signals === 2) {
      io.stderr(
        `dr-drill: cleanup is running; a third signal exits at once and may leave the world ${opts.target === 'aws' ? 'paused or deployed (then run `dr-drill recover --target aws`)' : 'running'}\n`,
      );
    } else {
      process.exit(EXIT.infrastructure);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let written: string[] = [];
  try {
    const record = await runDrill({
      target: built.target,
      runId: built.runId,
      settings,
      progress,
      signal: controller.signal,
      context: { config: redact(built.config), stack: { tfJsonPath: built.tfJsonPath, synthesized: built.synthesized } },
      writeReports: async (r) => {
        written = await writeReports(runDir, r);
      },
      onEndpoints: (e: Endpoints) =>
        log(`endpoints: edge ${e.edgeUrl}, primary ${e.origins.primary.url}, secondary ${e.origins.secondary.url}`),
    });
    io.stdout(`\n${record.verdict.summary}\n`);
    if (!record.teardown.ok) io.stdout(`Teardown did not finish: ${record.teardown.detail}\n`);
    io.stdout(`Reports in ${runDir}:\n${written.map((p) => `  ${relative(io.cwd, p) || p}`).join('\n')}\n`);
    const summaryFile = io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) appendFileSync(summaryFile, readFileSync(join(runDir, 'summary.md'), 'utf8'));
    return record.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface BuiltTarget {
  readonly target: Target;
  readonly runId: string;
  readonly config: EdgeFailoverConfig;
  readonly tfJsonPath: string;
  readonly synthesized: boolean;
}

/** Synthesizes the stack (the single source of truth) unless told to use one, and builds the target on it. */
async function buildTarget(
  opts: TargetOptions,
  config: EdgeFailoverConfig,
  ctx: { runId: string; runDir: string; log: (m: string) => void; io: CliIo },
): Promise<BuiltTarget> {
  const { synthesize } = await import('../stacks/synth.js');
  const synth = (c: EdgeFailoverConfig, outdir: string) => {
    const r = synthesize(c, outdir);
    return { tfJsonPath: r.tfJsonPath, stackDir: r.stackDir, stackName: r.stackName };
  };
  const existing = (c: EdgeFailoverConfig, outdir: string) => {
    const dir = resolve(ctx.io.cwd, outdir);
    const stackDir = join(dir, 'stacks', c.namePrefix);
    const tfJsonPath = join(stackDir, 'cdk.tf.json');
    if (!existsSync(tfJsonPath)) {
      throw new CliError(
        `${outdir}: ${tfJsonPath} does not exist; run \`npm run synth\` first, or leave --cdktf-out out to synthesize`,
        EXIT.usage,
      );
    }
    return { tfJsonPath, stackDir, stackName: c.namePrefix };
  };
  const varFile = opts.varFile ? resolve(ctx.io.cwd, opts.varFile) : undefined;

  if (opts.target === 'local') {
    const stack = opts.cdktfOut ? existing(config, opts.cdktfOut) : synth(config, join(ctx.runDir, 'cdktf.out'));
    const { createLocalTarget } = await import('./targets/local/index.js');
    const target = createLocalTarget({ tfJsonPath: stack.tfJsonPath, ...(varFile ? { tfvarsPath: varFile } : {}), log: ctx.log });
    return { target, runId: ctx.runId, config, tfJsonPath: stack.tfJsonPath, synthesized: !opts.cdktfOut };
  }

  const aws = await loadAwsModule();
  const common = {
    runDir: ctx.runDir,
    stateDir: resolve(ctx.io.cwd, opts.stateDir),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
    ...(varFile ? { varFiles: [varFile] } : {}),
    allowUnmanagedPause: opts.allowUnmanaged ?? false,
    ...(opts.awsCli ? { awsCli: opts.awsCli } : {}),
    ...(opts.terraform ? { terraform: opts.terraform } : {}),
    log: ctx.log,
  };
  if (opts.mode === 'ephemeral') {
    if (opts.cdktfOut)
      throw new CliError(
        '--cdktf-out cannot be used with --mode ephemeral: an ephemeral run synthesizes its own uniquely named stack',
        EXIT.usage,
      );
    const { loadConfig } = await import('../config/index.js');
    const plan = aws.planEphemeralRun(config, ctx.runId);
    const runConfig = loadConfig({ file: opts.config, env: ctx.io.env, cwd: ctx.io.cwd, overrides: plan.overrides });
    const stack = synth(runConfig, join(ctx.runDir, 'cdktf.out'));
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
  const synthesizedHere = !opts.cdktfOut && !existsSync(join(resolve(ctx.io.cwd, 'cdktf.out'), 'stacks', config.namePrefix, 'cdk.tf.json'));
  const stack = synthesizedHere ? synth(config, resolve(ctx.io.cwd, 'cdktf.out')) : existing(config, opts.cdktfOut ?? 'cdktf.out');
  const runId = ctx.runId;
  const target = aws.createAwsTarget({
    ...common,
    config,
    mode: 'existing',
    runId,
    stackName: stack.stackName,
    stackDir: stack.stackDir,
    ...explicitStack(opts),
  });
  return { target, runId, config, tfJsonPath: stack.tfJsonPath, synthesized: synthesizedHere };
}

/** The AWS target is loaded only when asked for, so local runs do not pay for it. */
async function loadAwsModule(): Promise<typeof import('./targets/aws/index.js')> {
  return import('./targets/aws/index.js');
}

/** Explicit ARNs for existing mode: all three or none. */
function explicitStack(opts: TargetOptions) {
  const given = {
    primaryServiceArn: opts.primaryServiceArn,
    secondaryServiceArn: opts.secondaryServiceArn,
    distributionId: opts.distributionId,
  };
  const present = Object.entries(given).filter(([, v]) => v !== undefined);
  if (present.length === 0) {
    if (opts.domain) throw new CliError('--domain needs --primary-service-arn, --secondary-service-arn and --distribution-id', EXIT.usage);
    return {};
  }
  if (present.length < 3) {
    const missing = Object.entries(given)
      .filter(([, v]) => v === undefined)
      .map(([k]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new CliError(
      `explicit stack references need all of --primary-service-arn, --secondary-service-arn and --distribution-id; missing: ${missing.join(', ')}`,
      EXIT.usage,
    );
  }
  return {
    existing: {
      primaryServiceArn: given.primaryServiceArn!,
      secondaryServiceArn: given.secondaryServiceArn!,
      distributionId: given.distributionId!,
      ...(opts.domain ? { domainName: opts.domain } : {}),
    },
  };
}

// ---------------------------------------------------------------- up / down / recover

interface UpState {
  readonly pid: number;
  readonly startedAt: string;
  readonly endpoints: Endpoints;
  readonly tfJsonPath: string;
}

const upStateFile = (opts: TargetOptions, io: CliIo) => resolve(io.cwd, opts.stateDir, 'local-up.json');

async function upCommand(opts: TargetOptions, io: CliIo): Promise<number> {
  const { loadConfig } = await import('../config/index.js');
  const config = loadConfig({ file: opts.config, env: io.env, cwd: io.cwd });
  const stateDir = resolve(io.cwd, opts.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const runId = newRunId();
  if (opts.target === 'aws' && opts.mode === 'existing') {
    throw new CliError('`up --mode existing` has nothing to do: the stack is already deployed', EXIT.usage);
  }
  const stateFile = upStateFile(opts, io);
  if (opts.target === 'local' && existsSync(stateFile)) {
    const prior = JSON.parse(readFileSync(stateFile, 'utf8')) as UpState;
    if (isAlive(prior.pid))
      throw new CliError(
        `a local world is already up (pid ${prior.pid}, edge ${prior.endpoints.edgeUrl}); run \`dr-drill down\` first`,
        EXIT.usage,
      );
  }
  const runDir = opts.target === 'local' ? join(stateDir, 'local-up') : resolve(io.cwd, 'drill-runs', `${runId}-aws-up`);
  mkdirSync(runDir, { recursive: true });
  const log = (m: string) => io.stderr(`${new Date().toISOString()} ${m}\n`);
  const built = await buildTarget(opts, config, { runId, runDir, log, io });
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('signal received'));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await built.target.preflight(controller.signal);
    let endpoints: Endpoints;
    try {
      endpoints = await built.target.provision(controller.signal);
    } catch (err) {
      const t = await built.target.teardown(AbortSignal.timeout(120_000));
      io.stderr(`dr-drill: provision failed; teardown: ${t.detail}\n`);
      throw err;
    }
    io.stdout(
      `edge:      ${endpoints.edgeUrl}\nprimary:   ${endpoints.origins.primary.url}\nsecondary: ${endpoints.origins.secondary.url}\n`,
    );
    if (opts.target === 'aws') return EXIT.passed;
    const state: UpState = { pid: process.pid, startedAt: new Date().toISOString(), endpoints, tfJsonPath: built.tfJsonPath };
    writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
    io.stdout('The local world is up. Ctrl-C or `dr-drill down` tears it down.\n');
    await new Promise<void>((res) => controller.signal.addEventListener('abort', () => res(), { once: true }));
    const t = await built.target.teardown(AbortSignal.timeout(60_000));
    rmSync(stateFile, { force: true });
    io.stdout(`teardown: ${t.detail}\n`);
    return t.ok ? EXIT.passed : EXIT.infrastructure;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function downCommand(opts: TargetOptions, io: CliIo): Promise<number> {
  if (opts.target === 'local') return stopLocalUp(opts, io);
  const { loadConfig } = await import('../config/index.js');
  const config = loadConfig({ file: opts.config, env: io.env, cwd: io.cwd });
  const runId = newRunId();
  const runDir = resolve(io.cwd, 'drill-runs', `${runId}-aws-down`);
  mkdirSync(runDir, { recursive: true });
  const log = (m: string) => io.stderr(`${new Date().toISOString()} ${m}\n`);
  const built = await buildTarget({ ...opts, cdktfOut: opts.cdktfOut ?? 'cdktf.out', mode: 'existing' }, config, {
    runId,
    runDir,
    log,
    io,
  });
  const t = await built.target.teardown(AbortSignal.timeout(3_600_000));
  io.stdout(`teardown: ${t.detail}\n`);
  return t.ok ? EXIT.passed : EXIT.infrastructure;
}

async function recoverCommand(opts: TargetOptions & { stack?: string }, io: CliIo): Promise<number> {
  if (opts.target === 'local') {
    io.stdout("local: a drill's world lives only as long as its process; checking for a leftover `dr-drill up`.\n");
    return stopLocalUp(opts, io);
  }
  const { loadConfig } = await import('../config/index.js');
  const config = loadConfig({ file: opts.config, env: io.env, cwd: io.cwd });
  const aws = await loadAwsModule();
  const result = await aws.recover(
    {
      stack: opts.stack ?? config.namePrefix,
      stateDir: resolve(io.cwd, opts.stateDir),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
      ...(opts.awsCli ? { awsCli: opts.awsCli } : {}),
      ...(opts.terraform ? { terraform: opts.terraform } : {}),
      log: (m) => io.stderr(`${new Date().toISOString()} ${m}\n`),
    },
    AbortSignal.timeout(3_600_000),
  );
  io.stdout(`${result.detail}\n`);
  return result.ok ? EXIT.passed : EXIT.infrastructure;
}

async function stopLocalUp(opts: TargetOptions, io: CliIo): Promise<number> {
  const stateFile = upStateFile(opts, io);
  if (!existsSync(stateFile)) {
    io.stdout('local: no world is up (nothing to do).\n');
    return EXIT.passed;
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as UpState;
  if (!isAlive(state.pid)) {
    rmSync(stateFile, { force: true });
    io.stdout(`local: the world's process (pid ${state.pid}) is gone; removed its stale state file.\n`);
    return EXIT.passed;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(state.pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(state.pid)) {
    io.stderr(`dr-drill: the local world (pid ${state.pid}) did not stop within 30 s\n`);
    return EXIT.infrastructure;
  }
  io.stdout(`local: stopped the world (pid ${state.pid}, edge ${state.endpoints.edgeUrl}).\n`);
  return EXIT.passed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------- report

async function reportCommand(
  runPath: string,
  opts: { out?: string; failoverThreshold?: number; failbackThreshold?: number; maxGetErrors?: number },
  io: CliIo,
): Promise<number> {
  const { readRunRecord, writeReports } = await import('./drill/write-reports.js');
  const { rejudge } = await import('./report/index.js');
  const given = resolve(io.cwd, runPath);
  const file = existsSync(given) && statSync(given).isDirectory() ? join(given, 'run.json') : given;
  const saved = await readRunRecord(file);
  const overrides: Partial<Thresholds> = {
    ...(opts.failoverThreshold !== undefined ? { failoverSeconds: opts.failoverThreshold } : {}),
    ...(opts.failbackThreshold !== undefined ? { failbackSeconds: opts.failbackThreshold } : {}),
    ...(opts.maxGetErrors !== undefined ? { maxViewerGetErrors: opts.maxGetErrors } : {}),
  };
  const run = rejudge(saved, overrides);
  const { rejudgedOutDir } = await import('./report/output-dir.js');
  const outDir = rejudgedOutDir({ runFile: file, out: opts.out, cwd: io.cwd, exists: existsSync });
  const written = await writeReports(outDir, run);
  io.stdout(`${run.verdict.summary}\nReports in ${outDir}:\n${written.map((p) => `  ${relative(io.cwd, p) || p}`).join('\n')}\n`);
  return run.exitCode;
}

// ---------------------------------------------------------------- helpers

function defaultRunDir(cwd: string, runId: string, target: string): string {
  const stamp = runId.split('-')[0]!;
  const base = join('drill-runs', `${stamp}-${target}`);
  return existsSync(resolve(cwd, base)) ? `${base}-${runId.split('-')[1]}` : base;
}

/** The config for run.json, with the origin-verify secret blanked. */
function redact(config: EdgeFailoverConfig): unknown {
  const secret = config.failover.originVerify.secret;
  return {
    ...config,
    failover: { ...config.failover, originVerify: { ...config.failover.originVerify, secret: secret ? '<redacted>' : '' } },
  };
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
