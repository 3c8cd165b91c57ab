/**
 * `dr-drill check --target aws` (the AWS driver's `check`; its options are the driver's): the
 * findings printed as a table (stdout) or as JSON (`--json`). Exit 0 when every check holds (warnings allowed), 1
 * otherwise; a usage error is 2 and an AWS or tool failure 3, as everywhere.
 */
import { resolve } from 'node:path';
import { EXIT } from '../../../../core/errors.js';
import type { CommandContext } from '../../../commands/context.js';
import { safeTerminalText, terminalSafeJson } from '../../../report/terminal.js';
import { newRunId } from '../../../run-id.js';
import { type CommonOptions, loadCommandConfig, stackInProject } from '../../driver.js';
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
  // Explicit references need no stack directory: the stack's name is the config's namePrefix.
  const stack = explicit.existing
    ? { stackName: config.namePrefix, stackDir: io.cwd }
    : await stackInProject(config, opts.cdktfOut, io.cwd);
  const { checkStack } = await import('./check.js');
  const { findingsTable } = await import('./deployment-checks.js');
  const runId = newRunId();
  const trap = ctx.trapSignals();
  try {
    const findings = await checkStack(
      {
        ...toolOptions,
        config,
        stackName: stack.stackName,
        stackDir: stack.stackDir,
        logDir: resolve(io.cwd, 'drill-runs', `${runId}-aws-check`),
        directProbe: opts.directProbe ?? true,
        acceptBehaviors: opts.acceptBehavior ?? [],
        ...explicit,
      },
      AbortSignal.any([trap.signal, AbortSignal.timeout(600_000)]),
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
  } finally {
    trap.release();
  }
}
