/** `dr-drill recover`: finishes an unfinished run (aws: from its journal; local: stops a leftover `up`). */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { driverFor, withTargetOptions } from './common.js';

export function recoverCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('recover')
      .description('finish an unfinished run: resume the primary and tear down (aws: from the run journal; local: stops a leftover `up`)'),
    'recover',
  ).action(async (_opts: unknown, cmd: Command) => {
    const { driver, opts } = driverFor(cmd, 'recover', ctx);
    setExit(await driver.recover(opts, ctx));
  });
}
