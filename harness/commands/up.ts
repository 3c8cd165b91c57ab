/** `dr-drill up`: provisions the target's world and prints its endpoints (the driver says how long it stays). */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { driverFor, withTargetOptions } from './common.js';

export function upCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('up')
      .description(
        'provision the world and print its endpoints (local: keeps it up until Ctrl-C or `dr-drill down`; aws: applies the stack in cdktf.out)',
      ),
    'up',
  ).action(async (_opts: unknown, cmd: Command) => {
    const { driver, opts } = driverFor(cmd, 'up', ctx);
    setExit(await driver.up(opts, ctx));
  });
}
