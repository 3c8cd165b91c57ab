/**
 * The one confirmation before anything changes on a target (commands/context.ts's `confirm`):
 * the plan goes to stderr (stdout stays the command's result), then
 * - `--dry-run`: the plan is all; nothing changes (false);
 * - `--yes`: go ahead (true), as CI does;
 * - a terminal (stdin and stderr, `io.ask`): go ahead on "y" or "yes", else stop with exit 2;
 * - neither: exit 2 with a one-line hint, before anything changed.
 */
import { EdgeFailoverError } from '../../core/errors.js';
import type { ChangePlan, CliIo, Confirmation } from './context.js';

/** The plan as printed: one heading line, then labelled lines. */
export function formatPlan(plan: ChangePlan, dryRun: boolean): string {
  const lines = [
    `${dryRun ? 'Dry run: would' : 'About to'} ${plan.action}`,
    `  account:  ${plan.account}`,
    `  regions:  ${plan.regions.join(', ')}`,
    `  stack:    ${plan.stack}`,
    `  duration: ${plan.duration}`,
    ...(plan.changes.length ? ['  changes:', ...plan.changes.map((c) => `    - ${c}`)] : []),
    ...(plan.findings?.length ? ['  read-only steps:', ...plan.findings.map((f) => `    - ${f}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

export async function confirm(plan: ChangePlan, given: Confirmation, io: CliIo): Promise<boolean> {
  io.stderr(formatPlan(plan, given.dryRun === true));
  if (given.dryRun) {
    io.stderr('Dry run: nothing was changed.\n');
    return false;
  }
  if (given.yes) return true;
  if (!io.ask) {
    throw new EdgeFailoverError(
      'usage',
      `refusing to ${plan.action.split(' (')[0]} without a terminal to confirm on: pass --yes to go ahead, or --dry-run to see the plan only`,
    );
  }
  const answer = (await io.ask('Go ahead? [y/N] ')).trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return true;
  throw new EdgeFailoverError('usage', `not confirmed (answer ${JSON.stringify(answer)}): nothing was changed`);
}
