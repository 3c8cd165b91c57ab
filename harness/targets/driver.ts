/**
 * A target driver: everything the CLI needs to know about one target. It owns its commander
 * options and their validation, its defaults, how it reads a stack and prepares a Target from the
 * config for a drill, the verbs `up`, `down` and `recover`, and the verbs only some targets serve
 * (`check`, `switch-writes`). The commands (harness/commands/) dispatch to `drivers[target]`; a new
 * target adds a driver, not branches.
 */
import { chmodSync, cpSync, existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Option } from 'commander';
import type { EdgeFailoverConfig } from '../../config/index.js';
import { inputError } from '../../core/errors.js';
import type { CliIo, CommandContext } from '../commands/context.js';
import type { FaultKind, Role, Target } from './target.js';

export type TargetName = 'local' | 'aws';
/** The verbs every driver serves (`report` needs no target). */
export type CoreVerb = 'run' | 'up' | 'down' | 'recover';
/** The verbs a driver may serve: the member of `TargetDriver` that serves each one. */
export const OPTIONAL_VERBS = { check: 'check', 'switch-writes': 'switchWrites' } as const;
export type OptionalVerb = keyof typeof OPTIONAL_VERBS;
export type Verb = CoreVerb | OptionalVerb;

/** The options every target shares (parsed by commander; the driver's own come on top). */
export interface CommonOptions {
  readonly target: TargetName;
  readonly config?: string;
  readonly cdktfOut?: string;
  readonly varFile?: string;
  /** Absent for the verbs that keep no state (`check`, `switch-writes`): `DEFAULT_STATE_DIR` then. */
  readonly stateDir?: string;
  readonly plain?: boolean;
  readonly [driverOption: string]: unknown;
}

/** A deployed stack's write router, switched by hand (`dr-drill switch-writes`). */
export interface WriteRouterSwitch {
  /** The domain viewers use, when it was read from the deployed stack (no --domain or --edge-url given). */
  readonly edgeDomain?: string;
  /** The region the router names now; "unset" when it names none. */
  active(signal: AbortSignal): Promise<string>;
  /** Points writes at `to`, once confirmed; false when nothing was switched (`--dry-run`). */
  set(to: Role, signal: AbortSignal): Promise<boolean>;
}

/** What `run` needs from a driver: the target, and where its stack came from. */
export interface PreparedTarget {
  readonly target: Target;
  readonly runId: string;
  /** The config the stack was synthesized from (an ephemeral run's has its run id in it). */
  readonly config: EdgeFailoverConfig;
  readonly tfJsonPath: string;
  readonly synthesized: boolean;
}

export interface PrepareContext extends CommandContext {
  readonly runId: string;
  readonly runDir: string;
  readonly log: (message: string) => void;
  /**
   * A cdktf.out the CLI already synthesized from `config` (to judge the fault before the run): a
   * driver that would synthesize the same config may take its stack from there instead.
   */
  readonly synthesizedOut?: string;
  /** The run reads the stack's alarms (--alarms assert or observe): Target.alarms must be there. */
  readonly readsAlarms?: boolean;
}

export interface TargetDriver {
  readonly name: TargetName;
  /** Fresh commander Options this driver adds to a verb (AWS-only options are the aws driver's); none for a verb it does not serve. */
  options(verb: Verb): Option[];
  /** The faults this target can inject (`run --fault`); any other is refused before anything is synthesized or written. */
  readonly faults: readonly FaultKind[];
  readonly defaults: {
    /** Bound on resuming the primary and tearing down, in seconds. */
    readonly teardownTimeoutSeconds: number;
    /** --alarms when not given: assert where the stack's alarms are real, off where they would only slow the run. */
    readonly alarms: 'assert' | 'observe' | 'off';
  };
  /** What a third signal may leave behind, and the command that cleans it up. */
  leftBehind(opts: CommonOptions, config: EdgeFailoverConfig, io: CliIo): string;
  /** Checks the driver's own option values together; throws a usage error naming the option. */
  validate(verb: Verb, opts: CommonOptions, io: CliIo): void;
  /**
   * Checks the option values against the config, for what needs the config but no stack (before
   * anything is synthesized or written); throws a usage error naming the option. Absent: nothing to check.
   */
  checkWithConfig?(opts: CommonOptions, config: EdgeFailoverConfig): Promise<void>;
  /**
   * Reads the synthesized stack given with --cdktf-out as this target will, before the run directory
   * exists; throws a usage error naming what is wrong.
   */
  checkStack(stack: { readonly tfJsonPath: string; readonly tfvarsPath?: string }): Promise<void>;
  /**
   * Before a drill changes anything, and before its run directory exists: shows what it will do
   * (with `bounds`, the drill's thresholds and bounds with their basis) and asks; false for a dry
   * run (stop there, exit 0). Absent: the target changes nothing outside this machine.
   */
  confirmRun?(opts: CommonOptions, config: EdgeFailoverConfig, bounds: readonly string[], ctx: CommandContext): Promise<boolean>;
  prepare(opts: CommonOptions, config: EdgeFailoverConfig, ctx: PrepareContext): Promise<PreparedTarget>;
  /**
   * The cdk.tf.json a run reads without synthesizing (besides --cdktf-out), e.g. a deployed stack's;
   * absent or undefined: the run synthesizes the config.
   */
  existingStack?(opts: CommonOptions, config: EdgeFailoverConfig, io: CliIo): Promise<string | undefined>;
  up(opts: CommonOptions, ctx: CommandContext): Promise<number>;
  down(opts: CommonOptions, ctx: CommandContext): Promise<number>;
  recover(opts: CommonOptions, ctx: CommandContext): Promise<number>;
  /** `dr-drill check`: the deployed stack's preflight on its own, read-only; the exit code. Absent: the target has no deployed stack to check. */
  check?(opts: CommonOptions, ctx: CommandContext): Promise<number>;
  /** `dr-drill switch-writes`: the deployed stack's write router. Absent: the target's router is switched by the drill alone. */
  switchWrites?(opts: CommonOptions, ctx: CommandContext): Promise<WriteRouterSwitch>;
}

/** The synthesized stack `config` names in a cdktf.out directory, which must exist (usage error otherwise). */
export async function locateStack(config: EdgeFailoverConfig, cdktfOut: string, cwd: string) {
  const { stackPaths } = await import('../../stacks/synth.js');
  const paths = stackPaths(resolve(cwd, cdktfOut), config.namePrefix);
  if (!existsSync(paths.tfJsonPath)) {
    throw inputError(
      '--cdktf-out',
      cdktfOut,
      `a cdktf.out directory holding stacks/${config.namePrefix}/cdk.tf.json (${relative(cwd, paths.tfJsonPath) || paths.tfJsonPath} does not exist; run \`npm run synth\` first, or leave --cdktf-out out to synthesize)`,
    );
  }
  return paths;
}

/**
 * Synthesizes the stack into `outdir` (in-process cdktf), or copies it there from `synthesized`, a
 * cdktf.out already synthesized from the same config.
 */
export async function synthesizeStack(config: EdgeFailoverConfig, outdir: string, synthesized?: string) {
  const { stackPaths, synthesize } = await import('../../stacks/synth.js');
  if (synthesized !== undefined) {
    cpSync(synthesized, outdir, { recursive: true });
    return stackPaths(outdir, config.namePrefix);
  }
  const r = synthesize(config, outdir);
  // The origin-verify secret is a variable default in cdk.tf.json: the file is the owner's alone.
  if (config.failover.originVerify.secret !== '') chmodSync(r.tfJsonPath, 0o600);
  return { stackName: r.stackName, stackDir: r.stackDir, tfJsonPath: r.tfJsonPath };
}

/** The stack in the project's cdktf.out, if it was synthesized there. */
export async function projectStack(config: EdgeFailoverConfig, cwd: string) {
  const { stackPaths } = await import('../../stacks/synth.js');
  const paths = stackPaths(resolve(cwd, 'cdktf.out'), config.namePrefix);
  return existsSync(paths.tfJsonPath) ? paths : undefined;
}

/** The stack in `cdktfOut` (default the project's cdktf.out), synthesized there first if it is not yet. */
export async function stackInProject(config: EdgeFailoverConfig, cdktfOut: string | undefined, cwd: string) {
  if (cdktfOut !== undefined) return { ...(await locateStack(config, cdktfOut, cwd)), synthesized: false };
  const existing = await projectStack(config, cwd);
  if (existing) return { ...existing, synthesized: false };
  return { ...(await synthesizeStack(config, resolve(cwd, 'cdktf.out'))), synthesized: true };
}

/** Loads the config the way every verb does: --config, then EDGE_FAILOVER_* from the environment. */
export async function loadCommandConfig(opts: CommonOptions, io: CliIo, overrides?: object): Promise<EdgeFailoverConfig> {
  const { loadConfig } = await import('../../config/index.js');
  // A bad config is a ConfigError: an InputError, so a usage error (exit 2).
  return loadConfig({
    file: opts.config,
    env: io.env,
    cwd: io.cwd,
    warn: (m) => io.stderr(`dr-drill: ${m}\n`),
    ...(overrides ? { overrides } : {}),
  });
}

/** `--state-dir`'s default. */
export const DEFAULT_STATE_DIR = '.drill';
export const stateDirOf = (opts: CommonOptions, io: CliIo): string => resolve(io.cwd, opts.stateDir ?? DEFAULT_STATE_DIR);
export const timestampedLog = (io: CliIo) => (m: string) => io.stderr(`${new Date().toISOString()} ${m}\n`);
