/**
 * The CLI's one way to the terminal. Much of what the commands print did not come from the
 * project: service states and error messages from AWS, terraform's and the CLI's stderr, journal
 * and run.json contents, probe errors. Any of it may carry ANSI or OSC sequences (screen clears,
 * window titles, hyperlinks), bare carriage returns that overwrite a line, or bidirectional
 * controls that make a line read as something else.
 *
 * Why here, and not where each value enters: values enter at many places (every AWS call, every
 * tool, every file) and a print site is easy to add; but every command writes through the `CliIo`
 * that `main` hands it, and `main` wraps that io with `terminalIo` before any command, driver or
 * error handler sees it. So nothing printed through `ctx.io`, now or by a command added later, can
 * skip the neutralising. The project prints no escape sequences of its own through `CliIo` (its
 * only styling is listr2's, which drill/progress.ts writes and neutralises the values in), so the
 * writer removes every one: what reaches the terminal is `safeTerminalText` with newlines and tabs
 * kept. Output meant for a machine keeps its meaning: JSON is written with `terminalSafeJson`,
 * whose escapes this writer leaves as they are. A table cell must also stay on its row: cells are
 * made single-line (`safeTerminalText` without `multiline`) where the table is built.
 */
import { safeTerminalText, terminalSafeJson } from '../report/terminal.js';
import type { CliIo } from './context.js';

/** `io` with every text written to stdout and stderr made terminal-safe (newlines and tabs kept). */
export function terminalIo(io: CliIo): CliIo {
  const safe = (write: (text: string) => void) => (text: string) => write(safeTerminalText(text, { multiline: true }));
  return { ...io, stdout: safe(io.stdout), stderr: safe(io.stderr) };
}

/** A value for a machine on stdout: JSON whose unsafe characters are escapes (same value), one trailing newline. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${terminalSafeJson(value)}\n`);
}
