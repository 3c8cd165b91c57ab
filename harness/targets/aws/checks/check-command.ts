/**
 * `dr-drill check --target aws` (the AWS driver's `check`; its options are the driver's): the
 * findings printed as a table (stdout) or as JSON (`--json`). Exit 0 when every check holds (warnings allowed), 1
 * otherwise; a usage error (nothing deployed included) is 2 and an AWS or tool failure 3, as everywhere.
 * Read-only in the user's tree too: the stack's outputs are read as deployed-outputs.ts does, and
 * the AWS CLI's log goes to a temporary directory, kept (and named on stderr) only when the check
 * could not finish.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, exitCodeOf } from '../../../../core/errors.js';
import type { CommandContext } from '../../../commands/context.js';
import { safeTerminalText, terminalSafeJson } from '../../../report/terminal.js';
import { type CommonOptions, loadCommandConfig } from '../../driver.js';
import { type ExplicitStackOptions, explicitStack } from '../explicit-options.js';
import type { AwsToolOptions } from '../tools/tool-options.js';

/** The check's options (the AWS driver's, as parsed for `check`). */
export interface CheckCommandOptions extends CommonOptions, ExplicitStackOptions {
  readonly json?: boolean;
  readonly directProbe?: boolean;
  readonly acceptBehavior?: readonly string[];
}

/** Runs the check with the tools the driver made of its options. */
export async function checkCommand(opts: CheckCommandOptions, ctx: CommandContext, toolOptions: AwsToolOptions): Promise<number> {
  const { io } = ctx;
  const explicit = explicitStack(opts);
  const config = await loadCommandConfig(opts, io);
  const { checkStack } = await import('./check.js');
  const { findingsTable } = await import('./deployment-checks.js');
  const { deployedOutputs } = await import('../deployed-outputs.js');
  const trap = ctx.trapSignals();
  const logDir = await mkdtemp(join(tmpdir(), 'dr-drill-check-'));
  let keepLog = false;
  try {
    const signal = AbortSignal.any([trap.signal, AbortSignal.timeout(600_000)]);
    // Explicit references need no stack: the stack's name is the config's namePrefix.
    const deployed = explicit.existing
      ? undefined
      : await deployedOutputs(config, { cdktfOut: opts.cdktfOut, cwd: io.cwd, tools: toolOptions }, signal);
    const stack = { stackName: deployed?.stackName ?? config.namePrefix };
    const findings = await checkStack(
      {
        ...toolOptions,
        config,
        stackName: stack.stackName,
        ...(deployed ? { deployed } : {}),
        logDir,
        directProbe: opts.directProbe ?? true,
        acceptBehaviors: opts.acceptBehavior ?? [],
        ...explicit,
      },
      signal,
    );
    const ok = findings.every((x) => x.ok || x.severity !== 'error');
    if (opts.json) {
      io.stdout(`${terminalSafeJson({ stack: stack.stackName, ok, findings })}\n`);
    } else {
      // Values from AWS sit in the cells: each stays on its row, its newlines and escapes visible.
      const cells = findings.map((f) => ({
        ...f,
        check: safeTerminalText(f.check),
        setting: safeTerminalText(f.setting),
        found: safeTerminalText(f.found),
        expected: safeTerminalText(f.expected),
      }));
      io.stdout(`${findingsTable(cells)}\n\n`);
      const failed = findings.filter((x) => !x.ok && x.severity === 'error').length;
      const warned = findings.filter((x) => !x.ok && x.severity === 'warning').length;
      io.stdout(
        ok
          ? `The deployment of ${stack.stackName} passes every check${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.\n`
          : `The deployment of ${stack.stackName} fails ${failed} check${failed === 1 ? '' : 's'}: a drill would refuse to pause the primary.\n`,
      );
    }
    return ok ? EXIT.passed : EXIT.failed;
  } catch (err) {
    // A check that could not finish against AWS keeps the AWS CLI's log; a usage error has nothing to show.
    keepLog = exitCodeOf(err) === EXIT.infrastructure;
    if (keepLog) io.stderr(`dr-drill: the AWS CLI's log of this check: ${join(logDir, 'aws.log')}\n`);
    throw err;
  } finally {
    trap.release();
    if (!keepLog) await rm(logDir, { recursive: true, force: true });
  }
}
