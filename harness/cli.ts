/**
 * dr-drill: the drill's command line. Builds the program from one file per command
 * (harness/commands/), each dispatching to the chosen target's driver; owns the signals and the
 * mapping of errors to the exit code, the contract CI reads:
 *   0 passed, 1 an assertion failed, 2 a usage or config error, 3 an infrastructure error
 *   (including a run aborted by SIGINT/SIGTERM, and a teardown that did not finish).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeOf, kindOf } from '../core/errors.js';
import { checkCommandOf } from './commands/check.js';
import { downCommand } from './commands/down.js';
import { recoverCommand } from './commands/recover.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { upCommand } from './commands/up.js';
import type { CliIo, CommandContext, SignalTrap, TrapSignals } from './targets/driver.js';

export { EXIT };
export type { CliIo };

const defaultIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});

export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.passed;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return handleError(err, io);
  }
}

function handleError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // commander has printed the message (or the help) already.
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
      ? EXIT.passed
      : EXIT.usage;
  }
  const kind = kindOf(err);
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`dr-drill: ${kind === 'internal' ? 'internal error: ' : ''}${message}\n`);
  if (kind === 'internal' && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  return exitCodeOf(err);
}

/**
 * SIGINT/SIGTERM while a command runs: the first aborts the command's signal (with reason
 * "<SIG> received"), the second is reported, the third exits at once with exit code 3.
 */
function signalTrap(): TrapSignals {
  return (onFirst, onSecond): SignalTrap => {
    const controller = new AbortController();
    let count = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      count++;
      if (count === 1) {
        onFirst?.(sig);
        controller.abort(new Error(`${sig} received`));
      } else if (count === 2) {
        onSecond?.(sig);
      } else {
        process.exit(EXIT.infrastructure);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return {
      signal: controller.signal,
      release: () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      },
    };
  };
}

/** The whole program (exported so documentation tests can read the option definitions). */
export function buildProgram(io: CliIo, setExit: (code: number) => void = () => {}): Command {
  const program = new Command('dr-drill')
    .description(
      'DR drill for edge failover: provision, pause the primary, measure failover and failback, tear down, report.\n' +
        'Exit codes: 0 passed, 1 an assertion failed, 2 usage or config error, 3 infrastructure error or aborted run.',
    )
    .version(readVersion(), '-V, --version')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for the options)');
  const ctx: CommandContext = { io, trapSignals: signalTrap() };
  for (const add of [runCommand, upCommand, downCommand, recoverCommand, reportCommand, checkCommandOf]) add(program, ctx, setExit);
  return program;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
