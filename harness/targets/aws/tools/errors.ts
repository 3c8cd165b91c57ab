/**
 * Errors raised by the AWS target: the project's one error model (core/errors.ts), under the
 * target's own class name. Kinds: usage (exit 2), external (a tool or AWS failed: exit 3),
 * internal (a bug here).
 */
import { EdgeFailoverError, type ErrorKind, type ErrorOptions } from '../../../../core/errors.js';

export type { ErrorKind } from '../../../../core/errors.js';

export class AwsTargetError extends EdgeFailoverError {
  constructor(kind: ErrorKind, message: string, options: ErrorOptions = {}) {
    super(kind, message, options);
    this.name = 'AwsTargetError';
  }
}

/** An external command (terraform, aws) failed or timed out. */
export class CommandError extends AwsTargetError {
  constructor(
    /** The tool, e.g. "terraform". */
    readonly tool: string,
    /** The command line, shell-quoted for reading (never run through a shell). */
    readonly commandLine: string,
    /** Undefined when the process did not exit on its own (timeout, abort, spawn failure). */
    readonly exitCode: number | undefined,
    readonly stderr: string,
    /** Why it failed, in a few words ("exit code 1", "timed out after 60000 ms"). */
    readonly reason: string,
    options: { cause?: unknown; recovery?: string } = {},
  ) {
    const tail = stderr.trim() === '' ? '' : `\n${indent(lastLines(stderr, 30))}`;
    super('external', `${tool} failed (${reason}): ${commandLine}${tail}`, options);
    this.name = 'CommandError';
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.length > n ? ['...', ...lines.slice(-n)].join('\n') : lines.join('\n');
}

/** Quotes arguments for display in messages and logs. */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[A-Za-z0-9_./:=@,+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
