/** `dr-drill run` (the default command, cli.ts's DEFAULT_COMMAND): the whole drill against the chosen target. */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse, relative, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { EdgeFailoverConfig } from '../../config/index.js';
import { EXIT, EdgeFailoverError, inputError } from '../../core/errors.js';
import { type Expectation, type FailoverSettings, expectedFailover, failoverThreshold } from '../analysis/expected-failover.js';
import type { DrillSettings } from '../drill/orchestrator.js';
import { newRunId } from '../run-id.js';
import { projectVersion } from '../version.js';
import { type CommonOptions, type TargetDriver, loadCommandConfig, locateStack, synthesizeStack } from '../targets/driver.js';
import { FAULT_SPELLINGS, formatFault, parseFault, type Endpoints, type Fault } from '../targets/target.js';
import {
  ALARMS_MODES,
  ALARM_POLL_BOUNDS,
  DEFAULT_ALARM_POLL_SECONDS,
  DEFAULT_PUBLISHING_ALLOWANCE_SECONDS,
  describeAlarmPlan,
  DIRECT_PROBE_SHARE_OF_THRESHOLD,
  type AlarmPlan,
  type AlarmsMode,
} from '../alarms/plan.js';
import { driverFor, drivers, fault, integer, path, rate, seconds, withTargetOptions } from './common.js';
import type { CliIo, CommandContext } from './context.js';

interface RunOptions extends CommonOptions {
  readonly out?: string;
  readonly failoverThreshold?: number;
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
  readonly writeOverHttp?: boolean;
  readonly writeSwitchDelay?: number;
  readonly maxWriteRto: number;
  readonly maxSplitBrainWrites: number;
  readonly maxSwitchBackWriteErrors: number;
  readonly fault: string;
  readonly expect: Expectation;
  readonly steadyTimeout: number;
  readonly observeTimeout: number;
  readonly hold: number;
  readonly teardownTimeout?: number;
  readonly history?: string;
  readonly alarms?: AlarmsMode;
  readonly guardAlarm?: string[];
  readonly alarmPollInterval?: number;
  readonly alarmPublishingAllowance?: number;
  readonly alarmDetectionBound?: number;
  readonly alarmClearBound?: number;
}

export function runCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  withTargetOptions(program.command('run').description('run the full drill (the default command)'), 'run')
    .option('-o, --out <dir>', 'run directory for the reports (default: drill-runs/<timestamp>-<target>)')
    .option(
      '--failover-threshold <seconds>',
      "longest acceptable failover time (default: the fault's expected failover time from the stack's origin settings, plus 5 s)",
      seconds('--failover-threshold', 0, 3600),
    )
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
      '--write-over-http',
      "with --write-probe: send the writes over plain HTTP, as a client given an http:// URL would (the write behavior's viewer protocol policy decides the answer)",
    )
    .option(
      '--write-switch-delay <seconds>',
      'with the write router: seconds after the outage begins to switch writes to the secondary (default: the modelled detection delay)',
      seconds('--write-switch-delay', 0, 86_400),
    )
    .option('--max-write-rto <seconds>', 'with the write router: longest acceptable write RTO', seconds('--max-write-rto', 0, 86_400), 120)
    .option(
      '--max-split-brain-writes <count>',
      'with the write router: most writes that may reach the primary after the switch',
      integer('--max-split-brain-writes', 0, 1_000_000),
      0,
    )
    .option(
      '--max-switch-back-write-errors <count>',
      'with the write router: most failed writes acceptable during the switch back',
      integer('--max-switch-back-write-errors', 0, 1_000_000),
      0,
    )
    .option('--fault <fault>', `fault put into the primary: ${FAULT_SPELLINGS}${faultLimits()}`, fault, 'pause')
    .addOption(
      new Option(
        '--expect <outcome>',
        'what the run shows: failover, or no-failover (a negative control: viewers see the fault, the secondary serves nothing, the primary is back afterwards); a fault the stack cannot fail over is refused unless no-failover',
      )
        .choices(['failover', 'no-failover'])
        .default('failover'),
    )
    .option('--steady-timeout <seconds>', 'bound on reaching steady state', seconds('--steady-timeout', 1, 3600), 20)
    .option('--observe-timeout <seconds>', 'bound on observing failover, and failback', seconds('--observe-timeout', 1, 7200), 30)
    .option('--hold <seconds>', 'minimum length of the outage, and of the failback observation', seconds('--hold', 0, 3600), 2)
    .option(
      '--teardown-timeout <seconds>',
      'bound on resuming the primary and teardown (default: 60 local, 3600 aws)',
      seconds('--teardown-timeout', 1, 36_000),
    )
    .addOption(
      new Option(
        '--alarms <mode>',
        "the alarm phase: assert (the fault is held until the stack's failover-active and primary-unhealthy alarms are ALARM, then they must be OK again, each within a bound derived from its settings), observe (the same, reported but never failing the run) or off (default: assert on aws, off on local)",
      ).choices([...ALARMS_MODES]),
    )
    .option(
      '--guard-alarm <name>',
      "an alarm that ends the fault at once when it is ALARM while the primary is faulted (repeatable; the stack's viewers-see-errors always is one)",
      guardAlarm,
    )
    .option(
      '--alarm-poll-interval <seconds>',
      `seconds between alarm reads while waiting and guarding (default: ${DEFAULT_ALARM_POLL_SECONDS}; a guard alarm is seen at most this late)`,
      seconds('--alarm-poll-interval', ALARM_POLL_BOUNDS.min, ALARM_POLL_BOUNDS.max),
    )
    .option(
      '--alarm-publishing-allowance <seconds>',
      `allowance for the delay before a service's datapoint reaches its alarm, which AWS does not publish (default: ${DEFAULT_PUBLISHING_ALLOWANCE_SECONDS})`,
      seconds('--alarm-publishing-allowance', 0, 3600),
    )
    .option(
      '--alarm-detection-bound <seconds>',
      "bound from the injection to each alarm's ALARM (default: derived from the alarm's period, datapoints to alarm, the publishing allowance and the evaluation cadence)",
      seconds('--alarm-detection-bound', 1, 86_400),
    )
    .option(
      '--alarm-clear-bound <seconds>',
      "bound from the start of recovery to each alarm's OK (default: derived like the detection bound)",
      seconds('--alarm-clear-bound', 1, 86_400),
    )
    .option(
      '--history <location>',
      'after the reports, append run.json to this history as <location>/<runId>/run.json: s3://bucket/prefix or a folder (best effort: a failed upload never changes the exit code)',
    )
    .action(async (_o: unknown, cmd: Command) => setExit(await run(cmd, ctx)));
}

/** The targets that inject fewer faults than the others, as `--fault`'s help names them: " (aws: pause only)". */
function faultLimits(): string {
  const all = new Set(Object.values(drivers).flatMap((d) => d.faults));
  const limited = Object.values(drivers).filter((d) => d.faults.length < all.size);
  return limited.length === 0 ? '' : ` (${limited.map((d) => `${d.name}: ${d.faults.join(', ')} only`).join('; ')})`;
}

async function run(cmd: Command, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { driver, opts: common } = driverFor(cmd, 'run', ctx);
  const opts = common as RunOptions;
  const fault = parseFault(opts.fault);
  if (!driver.faults.includes(fault.kind)) {
    throw inputError(
      '--fault',
      opts.fault,
      `with --target ${driver.name}: ${driver.faults.join(', ')} (the faults this target can inject)`,
    );
  }
  // The default --connect-timeout yields to a shorter --probe-timeout; one given explicitly must fit in it.
  if (cmd.getOptionValueSource('connectTimeout') === 'cli' && opts.connectTimeout > opts.probeTimeout) {
    throw inputError('--connect-timeout', opts.connectTimeout, `at most --probe-timeout (${opts.probeTimeout} ms)`);
  }
  const config = await loadCommandConfig(opts, io);
  await driver.checkWithConfig?.(opts, config);
  if (opts.writeProbe && config.failover.writePaths.length === 0) {
    throw new EdgeFailoverError('usage', '--write-probe needs a write path: set failover.writePaths in the config (e.g. ["/api/*"])');
  }
  if (opts.writeOverHttp && !opts.writeProbe) {
    throw new EdgeFailoverError(
      'usage',
      '--write-over-http = true: allowed: only with --write-probe (it sets the scheme of the write probes)',
    );
  }
  // Every option and file is validated before the first write: a usage error leaves nothing behind.
  await validateInputs(opts, config, driver, io);
  // The fault is judged against the stack it will be drilled on before anything is written or applied.
  const judged = await judgeFault(opts, config, driver, io);
  try {
    return await runJudged(opts, config, driver, ctx, judged);
  } finally {
    if (judged.synthesizedOut) rmSync(judged.synthesizedOut, { recursive: true, force: true });
  }
}

async function runJudged(
  opts: RunOptions,
  config: EdgeFailoverConfig,
  driver: TargetDriver,
  ctx: CommandContext,
  judged: JudgedFault,
): Promise<number> {
  const { io } = ctx;
  const alarms = judged.alarms;
  const settings: DrillSettings = {
    thresholds: {
      ...(opts.failoverThreshold !== undefined ? { failoverSeconds: opts.failoverThreshold } : {}),
      failbackSeconds: opts.failbackThreshold,
      maxViewerGetErrors: opts.maxGetErrors,
      steadyProbes: opts.steadyProbes,
    },
    fault: judged.fault,
    expect: opts.expect,
    failoverSettings: judged.settings,
    probe: {
      rateHz: opts.rate,
      directRateHz: opts.directRate ?? opts.rate,
      // With the alarm phase, the secondary's direct probes stay under a share of failover-active's threshold.
      ...(alarms && (opts.directRate ?? opts.rate) > alarms.secondaryDirectRateCapHz
        ? { secondaryDirectRateHz: alarms.secondaryDirectRateCapHz }
        : {}),
      writeRateHz: opts.writeProbe ? opts.writeRate : 0,
      ...(opts.writeOverHttp ? { writeOverHttp: true } : {}),
      timeoutMs: opts.probeTimeout,
      connectTimeoutMs: Math.min(opts.connectTimeout, opts.probeTimeout),
      path: opts.probePath,
    },
    steadyTimeoutSeconds: opts.steadyTimeout,
    observeTimeoutSeconds: opts.observeTimeout,
    holdSeconds: opts.hold,
    teardownTimeoutSeconds: opts.teardownTimeout ?? driver.defaults.teardownTimeoutSeconds,
    writes: {
      ...(opts.writeSwitchDelay === undefined ? {} : { switchDelaySeconds: opts.writeSwitchDelay }),
      thresholds: {
        maxWriteRtoSeconds: opts.maxWriteRto,
        maxSplitBrainWrites: opts.maxSplitBrainWrites,
        maxSwitchBackWriteErrors: opts.maxSwitchBackWriteErrors,
      },
    },
    ...(alarms ? { alarms } : {}),
  };
  // A target that changes something outside this machine shows the plan and asks, before the run directory exists.
  if (driver.confirmRun && !(await driver.confirmRun(opts, config, drillBounds(settings), ctx))) return EXIT.passed;
  const runId = newRunId();
  const runDir = resolve(io.cwd, opts.out ?? defaultRunDir(io.cwd, runId, driver.name));
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, 'drill.log');
  const { ListrProgress } = await import('../drill/progress.js');
  const progress = new ListrProgress({ plain: opts.plain });
  const log = (message: string) => {
    appendFileSync(logFile, `${new Date().toISOString()} ${message}\n`);
    progress.log(message);
  };

  const built = await driver.prepare(opts, config, {
    ...ctx,
    runId,
    runDir,
    log,
    ...(judged.synthesizedOut ? { synthesizedOut: judged.synthesizedOut } : {}),
    ...(alarms ? { readsAlarms: true } : {}),
  });
  if (alarms) io.stdout(`${describeAlarmPlan(alarms).join('\n')}\n`);
  io.stdout(
    `dr-drill: ${driver.name} drill ${built.runId}; stack ${relative(io.cwd, built.tfJsonPath) || built.tfJsonPath}; reports in ${runDir}\n`,
  );
  const { DrillAborted, runDrill } = await import('../drill/orchestrator.js');
  const { writeReports } = await import('../drill/write-reports.js');
  const trap = ctx.trapSignals(
    (sig) =>
      io.stderr(`\ndr-drill: ${sig} received: stopping, resuming the primary and tearing down (send again to be told what is left)\n`),
    () =>
      io.stderr(
        `dr-drill: cleanup is running; a third signal exits at once and may leave the world ${driver.leftBehind(opts, config, io)}\n`,
      ),
  );
  let written: string[] = [];
  try {
    const record = await runDrill({
      target: built.target,
      runId: built.runId,
      settings,
      progress,
      signal: abortedAs(trap.signal, (reason) => new DrillAborted(reason)),
      context: {
        config: redact(built.config),
        stack: { tfJsonPath: built.tfJsonPath, synthesized: built.synthesized },
        projectVersion: projectVersion(),
      },
      writeReports: async (r) => {
        written = await writeReports(runDir, r);
      },
      onEndpoints: (e: Endpoints) =>
        log(`endpoints: edge ${e.edgeUrl}, primary ${e.origins.primary.url}, secondary ${e.origins.secondary.url}`),
    });
    io.stdout(`\n${(await import('../report/definitions.js')).verdictLines(record)}\n`);
    if (!record.teardown.ok) io.stdout(`Teardown did not finish: ${record.teardown.detail}\n`);
    io.stdout(`Reports in ${runDir}:\n${written.map((p) => `  ${relative(io.cwd, p) || p}`).join('\n')}\n`);
    const summaryFile = io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) appendFileSync(summaryFile, readFileSync(join(runDir, 'summary.md'), 'utf8'));
    if (opts.history !== undefined) await keepHistory(opts, io, join(runDir, 'run.json'), record.runId);
    return record.exitCode;
  } finally {
    trap.release();
  }
}

/** The drill's thresholds and bounds, each with its basis, as the plan shows them. */
export function drillBounds(s: DrillSettings): string[] {
  const failover = failoverThreshold(s.thresholds.failoverSeconds, expectedFailover(s.fault, s.failoverSettings));
  return [
    `fault: ${formatFault(s.fault)}`,
    `failover threshold: ${failover.text}`,
    `failback threshold: ${s.thresholds.failbackSeconds} s; viewer GET errors allowed: ${s.thresholds.maxViewerGetErrors}`,
    `steady state: ${s.thresholds.steadyProbes} consecutive primary-served GETs within ${s.steadyTimeoutSeconds} s; each observation within ${s.observeTimeoutSeconds} s; the outage held at least ${s.holdSeconds} s`,
    `probes: ${s.probe.rateHz}/s at the edge, ${s.probe.directRateHz}/s direct per origin${
      s.probe.secondaryDirectRateHz !== undefined
        ? ` (the secondary ${s.probe.secondaryDirectRateHz}/s: its direct probes count in what failover-active watches, held to ${DIRECT_PROBE_SHARE_OF_THRESHOLD * 100}% of its threshold)`
        : ''
    }, ${s.probe.timeoutMs} ms each`,
    `teardown bound: ${s.teardownTimeoutSeconds} s`,
    ...(s.alarms ? [describeAlarmPlan(s.alarms)[0]!] : []),
  ];
}

/**
 * The checks that must pass before the run directory exists: `--out` names a directory that can
 * be (or is) an empty or new run directory, `--cdktf-out` holds the stack and the target can read
 * it (`driver.checkStack`), and `--var-file` parses. Each failure is a usage error naming the option.
 */
export async function validateInputs(opts: RunOptions, config: EdgeFailoverConfig, driver: TargetDriver, io: CliIo): Promise<void> {
  if (opts.out !== undefined) checkOutDir(opts.out, io.cwd);
  if (opts.history !== undefined) {
    const { parseHistoryLocation } = await import('../history/store.js');
    await parseHistoryLocation('--history', opts.history, io.cwd);
  }
  const { readTfvars } = await import('../cloudfront/stack-rules.js');
  const varFile = opts.varFile !== undefined ? resolve(io.cwd, opts.varFile) : undefined;
  if (varFile !== undefined) await readTfvars(varFile);
  if (opts.cdktfOut !== undefined) {
    const stack = await locateStack(config, opts.cdktfOut, io.cwd);
    await driver.checkStack({ tfJsonPath: stack.tfJsonPath, ...(varFile ? { tfvarsPath: varFile } : {}) });
  }
}

/**
 * Appends the run's run.json to `--history`, best effort: a failure is reported on stderr and never
 * changes the drill's verdict or exit code. S3 uses the AWS target's --aws-cli, --profile and
 * --endpoint-url when given, else the CLI's own settings.
 */
async function keepHistory(opts: RunOptions, io: CliIo, runJson: string, runId: string): Promise<void> {
  const { appendRun, parseHistoryLocation } = await import('../history/store.js');
  const aws = opts as RunOptions & { awsCli?: string; profile?: string; endpointUrl?: string };
  try {
    const to = await parseHistoryLocation('--history', opts.history!, io.cwd);
    const where = await appendRun(to, runJson, runId, {
      ...(aws.awsCli !== undefined ? { binary: aws.awsCli } : {}),
      ...(aws.profile !== undefined ? { profile: aws.profile } : {}),
      ...(aws.endpointUrl !== undefined ? { endpointUrl: aws.endpointUrl } : {}),
    });
    io.stdout(`History: run.json appended as ${where}\n`);
  } catch (err) {
    io.stderr(`dr-drill: history: run.json was not appended to ${opts.history}: ${(err as Error).message} (the drill's result stands)\n`);
  }
}

interface JudgedFault {
  readonly fault: Fault;
  readonly settings: FailoverSettings;
  /** A temporary cdktf.out of the config, synthesized to read the settings (removed after the run). */
  readonly synthesizedOut?: string;
  /** The alarm plan, unless --alarms is off. */
  readonly alarms?: AlarmPlan;
}

/**
 * Reads the failover settings of the stack the run will drill (--cdktf-out, the driver's deployed
 * stack, or the config synthesized into a temporary directory) and refuses, as a usage error, a
 * fault that cannot show what `--expect` asks for. Nothing is written to the run directory, applied
 * or paused before this returns.
 */
async function judgeFault(opts: RunOptions, config: EdgeFailoverConfig, driver: TargetDriver, io: CliIo): Promise<JudgedFault> {
  const fault = parseFault(opts.fault);
  const varFile = opts.varFile !== undefined ? resolve(io.cwd, opts.varFile) : undefined;
  let tfJsonPath: string | undefined;
  let synthesizedOut: string | undefined;
  if (opts.cdktfOut !== undefined) tfJsonPath = (await locateStack(config, opts.cdktfOut, io.cwd)).tfJsonPath;
  else tfJsonPath = await driver.existingStack?.(opts, config, io);
  if (tfJsonPath === undefined) {
    io.stdout('Synthesizing the stack (cdktf) to read its failover settings…\n');
    const started = Date.now();
    // Under the CLI's own environment's TMPDIR, as os.tmpdir() reads the process's.
    synthesizedOut = mkdtempSync(join(io.env.TMPDIR || tmpdir(), 'dr-drill-synth-'));
    try {
      tfJsonPath = (await synthesizeStack(config, synthesizedOut)).tfJsonPath;
    } catch (err) {
      rmSync(synthesizedOut, { recursive: true, force: true });
      throw err;
    }
    io.stdout(`Synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  try {
    const { failoverSettingsOf, loadEdgeRules } = await import('../cloudfront/stack-rules.js');
    const rules = await loadEdgeRules({ tfJsonPath, ...(varFile ? { tfvarsPath: varFile } : {}) });
    const settings = failoverSettingsOf(rules, opts.probePath);
    const { expectedFailover, expectationRefusal } = await import('../analysis/expected-failover.js');
    const expected = expectedFailover(fault, settings);
    const refusal = expectationRefusal(expected, opts.expect);
    if (refusal) throw new EdgeFailoverError('usage', refusal);
    const alarms = await alarmPlanOf(opts, config, driver, tfJsonPath, failoverThreshold(opts.failoverThreshold, expected).seconds);
    return { fault, settings, ...(alarms ? { alarms } : {}), ...(synthesizedOut ? { synthesizedOut } : {}) };
  } catch (err) {
    if (synthesizedOut) rmSync(synthesizedOut, { recursive: true, force: true });
    throw err;
  }
}

/** --guard-alarm: a CloudWatch alarm name (botocore AlarmName: 1 to 255 characters), collected. */
function guardAlarm(value: string, previous: string[] = []): string[] {
  // eslint-disable-next-line no-control-regex
  if (value.length < 1 || value.length > 255 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError('allowed for --guard-alarm: an alarm name of 1 to 255 characters without control characters');
  }
  return [...previous, value];
}

/**
 * The alarm plan from the stack's alarms as synthesized, or undefined with --alarms off. The
 * alarm options are refused when they would do nothing (--alarms off), as is asserting alarms in a
 * negative control, whose failover-active cannot fire.
 */
async function alarmPlanOf(
  opts: RunOptions,
  config: EdgeFailoverConfig,
  driver: TargetDriver,
  tfJsonPath: string,
  failoverSeconds: number,
): Promise<AlarmPlan | undefined> {
  const mode: AlarmsMode = opts.alarms ?? (opts.expect === 'no-failover' ? 'off' : driver.defaults.alarms);
  if (mode === 'off') {
    const given = (
      [
        ['--guard-alarm', opts.guardAlarm],
        ['--alarm-poll-interval', opts.alarmPollInterval],
        ['--alarm-publishing-allowance', opts.alarmPublishingAllowance],
        ['--alarm-detection-bound', opts.alarmDetectionBound],
        ['--alarm-clear-bound', opts.alarmClearBound],
      ] as const
    ).find(([, v]) => v !== undefined);
    if (given)
      throw inputError(
        given[0],
        given[1],
        `only with --alarms assert or observe (the alarms are off${opts.alarms ? '' : ` by default on the ${driver.name} target`})`,
      );
    return undefined;
  }
  if (opts.expect === 'no-failover') {
    throw inputError('--alarms', mode, "off with --expect no-failover (a negative control: the stack's failover-active alarm cannot fire)");
  }
  const { readStackAlarms } = await import('../alarms/stack-alarms.js');
  const { planAlarms } = await import('../alarms/plan.js');
  const tf: unknown = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
  return planAlarms({
    mode,
    alarms: readStackAlarms(tf, tfJsonPath),
    tf,
    namePrefix: config.namePrefix,
    pollIntervalSeconds: opts.alarmPollInterval ?? DEFAULT_ALARM_POLL_SECONDS,
    publishingAllowanceSeconds: opts.alarmPublishingAllowance ?? DEFAULT_PUBLISHING_ALLOWANCE_SECONDS,
    ...(opts.alarmDetectionBound !== undefined ? { detectionBoundSeconds: opts.alarmDetectionBound } : {}),
    ...(opts.alarmClearBound !== undefined ? { clearBoundSeconds: opts.alarmClearBound } : {}),
    guardAlarms: opts.guardAlarm ?? [],
    failoverSeconds,
    failbackSeconds: opts.failbackThreshold,
    source: tfJsonPath,
  });
}

/** `--out`: not the filesystem root, not an existing file, not a directory that already holds a run. */
function checkOutDir(out: string, cwd: string): void {
  const dir = resolve(cwd, out);
  const allowed =
    "a new directory, or an empty existing one, for the run's reports (not a file, not the filesystem root, not another run's directory)";
  if (out.trim() === '' || dir === parse(dir).root) throw inputError('--out', out, allowed);
  if (existsSync(dir)) {
    const st = statSync(dir);
    if (!st.isDirectory()) throw inputError('--out', out, `${allowed}; this is an existing file`);
    if (existsSync(join(dir, 'run.json'))) throw inputError('--out', out, `${allowed}; it holds run.json from another run`);
    return;
  }
  // The nearest existing ancestor must be a directory.
  let parent = dirname(dir);
  while (!existsSync(parent) && parent !== dirname(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw inputError('--out', out, `${allowed}; ${parent} is a file`);
}

/** A signal that aborts with the drill's own abort reason when `source` aborts. */
function abortedAs(source: AbortSignal, reasonOf: (message: string) => Error): AbortSignal {
  const controller = new AbortController();
  const forward = () => controller.abort(reasonOf(source.reason instanceof Error ? source.reason.message : String(source.reason)));
  if (source.aborted) forward();
  else source.addEventListener('abort', forward, { once: true });
  return controller.signal;
}

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
