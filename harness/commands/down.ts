/** `dr-drill down`: tears down what `up` provisioned. */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { driverFor, withTargetOptions } from './common.js';

export function downCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  withTargetOptions(
    program.command('down').description('tear the world down (local: stops a running `dr-drill up`; aws: destroys the stack in cdktf.out)'),
    'down',
  ).action(async (_opts: unknown, cmd: Command) => {
    const { driver, opts } = driverFor(cmd, 'down', ctx);
    setExit(await driver.down(opts, ctx));
  });
}
