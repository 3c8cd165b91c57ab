/**
 * `dr-drill check`: the preflight checks of a deployed stack on their own (read-only, any stack,
 * any time), as a table or as JSON; exit 0 when every check holds, 1 otherwise. AWS only.
 */
import { Option, type Command } from 'commander';
import type { CommandContext } from '../targets/driver.js';
import type { AwsOptions } from '../targets/aws/driver.js';
import { checkCommand, checkOptions } from '../targets/aws/checks/check-command.js';

export function checkCommandOf(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  const cmd = program
    .command('check')
    .description('check a deployed stack, read-only: origin group, failover codes, methods, policies, error caching, services')
    .addOption(new Option('-t, --target <target>', 'where the stack is (AWS only)').choices(['aws']).default('aws'))
    .option('-c, --config <file>', 'JSON config file (EDGE_FAILOVER_* environment variables also apply; see README)')
    .option('--cdktf-out <dir>', 'the synthesized output (cdktf.out) of the deployed stack')
    .option('--plain', 'plain output');
  for (const o of checkOptions()) cmd.addOption(o);
  cmd.action(async (opts: AwsOptions) => setExit(await checkCommand(opts, ctx)));
}
