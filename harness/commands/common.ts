/**
 * What every command shares: the drivers by target name, the options all targets take, the
 * union of the drivers' own options (so `--help` lists them), and the check that an option
 * belongs to the chosen target.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../../core/errors.js';
import { awsDriver } from '../targets/aws/driver.js';
import type { CommandContext, CommonOptions, TargetDriver, TargetName, Verb } from '../targets/driver.js';
import { localDriver } from '../targets/local/driver.js';
import { parseFault } from '../targets/target.js';

export const drivers: Readonly<Record<TargetName, TargetDriver>> = { local: localDriver, aws: awsDriver };

/** Adds the shared target options and every driver's own options for the verb. */
export function withTargetOptions(cmd: Command, verb: Verb): Command {
  cmd
    .addOption(
      new Option('-t, --target <target>', 'where to drill: the embedded local world, or AWS')
        .choices(Object.keys(drivers))
        .default('local'),
    )
    .option('-c, --config <file>', 'JSON config file (EDGE_FAILOVER_* environment variables also apply; see README)')
    .option('--cdktf-out <dir>', 'use this already synthesized output (cdktf.out) instead of synthesizing')
    .option('--var-file <file>', 'Terraform variable values for the stack (.tfvars or .tfvars.json)')
    .option('--state-dir <dir>', 'where journals, locks and `up` state live', '.drill')
    .option('--plain', 'plain timestamped progress lines even on a terminal');
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
