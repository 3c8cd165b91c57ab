/**
 * dr-drill: the drill's command line. Builds the program from one file per command
 * (harness/commands/), each dispatching to the chosen target's driver; owns the signals and the
 * mapping of errors to the exit code, the contract CI reads:
 *   0 passed, 1 an assertion failed, 2 a usage or config error, 3 an infrastructure error
 *   (including a run aborted by SIGINT/SIGTERM, and a teardown that did not finish).
 */
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeOf, kindOf } from '../core/errors.js';
import { checkCommandOf } from './commands/check.js';
import { confirm } from './commands/confirm.js';
import { downCommand } from './commands/down.js';
import { historyCommand } from './commands/history.js';
import { initCommand } from './commands/init.js';
import { recoverCommand } from './commands/recover.js';
import { reportCommand } from './commands/report.js';
import { switchWritesCommand } from './commands/switch-writes.js';
import { runCommand } from './commands/run.js';
import { printJson, terminalIo } from './commands/terminal-io.js';
import { upCommand } from './commands/up.js';
import type { CliIo, CommandContext, SignalTrap, TrapSignals } from './commands/context.js';
import { projectVersion } from './version.js';

export { EXIT };
export type { CliIo };

const defaultIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  ...(process.stdin.isTTY && process.stderr.isTTY ? { ask: askOnTerminal } : {}),
});

/** One question on the terminal (the prompt on stderr, so stdout stays the command's result). */
async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export async function main(argv: readonly string[], given: CliIo = defaultIo()): Promise<number> {
  // Every command, driver and the error handler below write through this io (commands/terminal-io.ts).
  const io = terminalIo(given);
  let exitCode: number = EXIT.passed;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(withDefaultCommand(argv, program), { from: 'user' });
    return exitCode;
  } catch (err) {
    return handleError(err, io, argv.includes('--json'));
  }
}

/**
 * The error on stderr and its exit code; with `--json` on the command line, also the error as
 * JSON on stdout ({"ok": false, "error": {kind, exitCode, message}}), where the command's result
 * would have been.
 */
function handleError(err: unknown, io: CliIo, json: boolean): number {
  let kind: string;
  let code: number;
  if (err instanceof CommanderError) {
    // commander has printed the message (or the help) already.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.passed;
    kind = 'usage';
    code = EXIT.usage;
  } else {
    kind = kindOf(err);
    code = exitCodeOf(err);
    io.stderr(`dr-drill: ${kind === 'internal' ? 'internal error: ' : ''}${err instanceof Error ? err.message : String(err)}\n`);
    if (kind === 'internal' && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  }
  if (json) {
    const message = suggestionInline(err instanceof Error ? err.message : String(err)).replace(/^error: /, '');
    printJson(io, { ok: false, error: { kind, exitCode: code, message } });
  }
  return code;
}

/** commander's suggestion ("error: unknown command 'rnu'\n(Did you mean run?)") on the error's own line. */
const suggestionInline = (text: string) => text.replace(/\n\(Did you mean /g, ' (did you mean ');

/** The command `dr-drill` runs when it is given none, or only options (`dr-drill --target aws`). */
export const DEFAULT_COMMAND = 'run';

/**
 * The arguments with `run` put in front when no command is named: nothing, or options first
 * (other than the program's own --help and --version). A word in the command position stays, so
 * an unknown one ends in commander's "unknown command" with its suggestion instead of reaching
 * `run` as an operand.
 */
function withDefaultCommand(argv: readonly string[], program: Command): string[] {
  const first = argv[0];
  const programOption = (arg: string) => arg === '-h' || arg === '--help' || program.options.some((o) => o.short === arg || o.long === arg);
  return first === undefined || (first.startsWith('-') && !programOption(first)) ? [DEFAULT_COMMAND, ...argv] : [...argv];
}

/** The same signal again within this many ms counts once: npm forwards a signal sent to the process group once more. */
export const DUPLICATE_SIGNAL_MS = 500;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * SIGINT/SIGTERM for the whole process: the first aborts the signal every command's trap hands
 * out (with reason "<SIG> received"), the second is reported, the third exits at once with exit
 * code 3. A signal that comes before a command takes its trap (while the bin loads, while the stack
 * is synthesized) is kept: the trap's signal is then aborted from the start, so the run ends with
 * an aborted report instead of dying with none.
 */
class ProcessSignals {
  private readonly controller = new AbortController();
  private count = 0;
  private last?: { readonly sig: NodeJS.Signals; readonly at: number };
  private first?: NodeJS.Signals;
  private handlers: { onFirst?: (sig: NodeJS.Signals) => void; onSecond?: (sig: NodeJS.Signals) => void } = {};
  readonly listener = (sig: NodeJS.Signals) => this.receive(sig, Date.now());

  receive(sig: NodeJS.Signals, at: number): void {
    if (this.last && this.last.sig === sig && at - this.last.at < DUPLICATE_SIGNAL_MS) return;
    this.last = { sig, at };
    this.count++;
    if (this.count === 1) {
      this.first = sig;
      if (this.handlers.onFirst) this.handlers.onFirst(sig);
      else process.stderr.write(`\ndr-drill: ${sig} received: stopping when the current step ends\n`);
      this.controller.abort(new Error(`${sig} received`));
    } else if (this.count === 2) {
      this.handlers.onSecond?.(sig);
    } else {
      process.exit(EXIT.infrastructure);
    }
  }

  trap: TrapSignals = (onFirst, onSecond) => {
    this.handlers = { onFirst, onSecond };
    if (this.first) onFirst?.(this.first);
    return { signal: this.controller.signal, release: () => (this.handlers = {}) };
  };
}

let installed: ProcessSignals | undefined;

/**
 * Registers the process's SIGINT/SIGTERM handlers for good (the bin calls it at process start);
 * `early` are signals the bin caught before this module was loaded, replayed in order.
 */
export function installSignalHandlers(early: readonly { readonly sig: NodeJS.Signals; readonly at: number }[] = []): void {
  if (installed) return;
  installed = new ProcessSignals();
  for (const s of SIGNALS) process.on(s, installed.listener);
  for (const e of early) installed.receive(e.sig, e.at);
}

/** The trap for a command: the process's own when installed, else one listening only while the command runs (in-process callers). */
function signalTrap(): TrapSignals {
  return (onFirst, onSecond): SignalTrap => {
    if (installed) return installed.trap(onFirst, onSecond);
    const local = new ProcessSignals();
    for (const s of SIGNALS) process.on(s, local.listener);
    const trap = local.trap(onFirst, onSecond);
    return {
      signal: trap.signal,
      release: () => {
        trap.release();
        for (const s of SIGNALS) process.off(s, local.listener);
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
    .version(projectVersion(), '-V, --version')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(suggestionInline(text)),
    })
    .exitOverride()
    .showHelpAfterError('(run with --help for the options)');
  const ctx: CommandContext = { io, trapSignals: signalTrap(), confirm: (plan, given) => confirm(plan, given, io) };
  for (const add of [runCommand, upCommand, downCommand, recoverCommand, reportCommand, checkCommandOf, switchWritesCommand, historyCommand, initCommand])
    add(program, ctx, setExit);
  return program;
}
