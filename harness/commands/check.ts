/**
 * `dr-drill check`: the preflight checks of a deployed stack on their own (read-only, any stack,
 * any time), as a table or as JSON; exit 0 when every check holds, 1 otherwise. Served by the
 * drivers that have a deployed stack to check (`check` in targets/driver.ts).
 */
import type { Command } from 'commander';
import { optionalVerbFor, withTargetOptions } from './common.js';
import type { CommandContext } from './context.js';

export function checkCommandOf(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('check')
      .description('check a deployed stack, read-only: origin group, failover codes, methods, policies, error caching, services'),
    'check',
    ['config', 'cdktfOut', 'plain'],
  ).action(async (_o: unknown, cmd: Command) => {
    const { serve, opts } = optionalVerbFor(cmd, 'check', ctx);
    setExit(await serve(opts, ctx));
  });
}
