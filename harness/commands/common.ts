/**
 * What every command shares: the drivers by target name (the one place that knows which targets
 * exist), the options all targets take, the union of the drivers' own options (so `--help` lists
 * them), the check that the chosen target serves the verb and that each option belongs to it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../../core/errors.js';
import { awsDriver } from '../targets/aws/driver.js';
import {
  type CommonOptions,
  DEFAULT_STATE_DIR,
  OPTIONAL_VERBS,
  type OptionalVerb,
  type TargetDriver,
  type TargetName,
  type Verb,
} from '../targets/driver.js';
import { localDriver } from '../targets/local/driver.js';
import { parseFault } from '../targets/target.js';
import type { CommandContext } from './context.js';

export const drivers: Readonly<Record<TargetName, TargetDriver>> = { local: localDriver, aws: awsDriver };

/** Whether `driver` serves `verb`: every driver serves run, up, down and recover; the others only when it has their member. */
export const serves = (driver: TargetDriver, verb: Verb): boolean =>
  !(verb in OPTIONAL_VERBS) || driver[OPTIONAL_VERBS[verb as OptionalVerb]] !== undefined;

/** The options every target shares, by attribute name; a verb takes the ones it uses. */
const SHARED = {
  config: () =>
    new Option('-c, --config <file>', 'JSON config file (EDGE_FAILOVER_* environment variables also apply; see docs/configuration.md)'),
  cdktfOut: () => new Option('--cdktf-out <dir>', 'use this already synthesized output (cdktf.out) instead of synthesizing'),
  varFile: () => new Option('--var-file <file>', 'Terraform variable values for the stack (.tfvars or .tfvars.json)'),
  stateDir: () => new Option('--state-dir <dir>', 'where journals, locks and `up` state live').default(DEFAULT_STATE_DIR),
  plain: () => new Option('--plain', 'plain timestamped progress lines even on a terminal'),
} as const;
export type SharedOption = keyof typeof SHARED;
const ALL_SHARED = Object.keys(SHARED) as SharedOption[];

/**
 * Adds `--target` (every target is a choice; the default is the first that serves the verb), the
 * shared options the verb takes, and every driver's own options for the verb.
 */
export function withTargetOptions(cmd: Command, verb: Verb, shared: readonly SharedOption[] = ALL_SHARED): Command {
  const all = Object.values(drivers);
  const servers = all.filter((d) => serves(d, verb));
  cmd.addOption(
    new Option(
      '-t, --target <target>',
      servers.length === all.length
        ? 'where to drill: the embedded local world, or AWS'
        : `where the stack is (${servers.map((d) => d.name).join(', ')} only)`,
    )
      .choices(Object.keys(drivers))
      .default(servers[0]!.name),
  );
  for (const name of shared) cmd.addOption(SHARED[name]());
  const seen = new Set(cmd.options.map((o) => o.long));
  for (const driver of Object.values(drivers)) {
    for (const option of driver.options(verb)) {
      if (seen.has(option.long)) continue;
      seen.add(option.long);
      cmd.addOption(option);
    }
  }
  return cmd;
}

/**
 * The chosen target's driver, after refusing every option given on the command line that only
 * another target takes (e.g. `--target local --mode existing`), and the driver's own checks.
 */
export function driverFor(cmd: Command, verb: Verb, ctx: CommandContext): { driver: TargetDriver; opts: CommonOptions } {
  const opts = cmd.opts<CommonOptions>();
  const driver = drivers[opts.target];
  if (!serves(driver, verb)) {
    const able = Object.values(drivers).filter((d) => serves(d, verb));
    throw new InputError([{ field: '--target', value: driver.name, allowed: able.map((d) => d.name).join(' or ') }], {
      heading: `\`dr-drill ${verb}\` is unsupported with --target ${driver.name}`,
    });
  }
  const own = new Set(driver.options(verb).map((o) => o.attributeName()));
  for (const other of Object.values(drivers)) {
    if (other === driver) continue;
    for (const option of other.options(verb)) {
      const key = option.attributeName();
      if (own.has(key) || cmd.getOptionValueSource(key) !== 'cli') continue;
      const only = Object.values(drivers)
        .filter((d) => d.options(verb).some((o) => o.attributeName() === key))
        .map((d) => `--target ${d.name}`);
      throw new InputError([{ field: option.long ?? option.flags, value: opts[key], allowed: `only with ${only.join(' or ')}` }], {
        heading: `Not an option of --target ${driver.name}`,
      });
    }
  }
  driver.validate(verb, opts, ctx.io);
  return { driver, opts };
}

/** `driverFor` for a verb only some targets serve: the chosen driver's member for it, bound to the driver. */
export function optionalVerbFor<V extends OptionalVerb>(
  cmd: Command,
  verb: V,
  ctx: CommandContext,
): { serve: NonNullable<TargetDriver[(typeof OPTIONAL_VERBS)[V]]>; opts: CommonOptions } {
  const { driver, opts } = driverFor(cmd, verb, ctx);
  const member = driver[OPTIONAL_VERBS[verb]] as NonNullable<TargetDriver[(typeof OPTIONAL_VERBS)[V]]>;
  return { serve: member.bind(driver) as typeof member, opts };
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
export const seconds = (flag: string, min: number, max: number) => number(flag, min, max, 'seconds', false);
export const integer = (flag: string, min: number, max: number) => number(flag, min, max, 'a count', true);
export const rate = (flag: string, min: number) => number(flag, min, 200, 'probes per second', false);
export const path = (flag: string) => (value: string) => {
  if (!/^\/\S*$/.test(value)) throw new InvalidArgumentError(`allowed for ${flag}: a path starting with "/" without spaces`);
  return value;
};
export const fault = (value: string) => {
  try {
    parseFault(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
};
