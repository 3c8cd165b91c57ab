/**
 * Errors raised by the AWS target. Every error has a kind, so the CLI can pick an exit code:
 * usage (the user asked for something wrong: exit 2), external (a tool or AWS failed: exit 3),
 * internal (a bug here).
 */
export type ErrorKind = 'usage' | 'external' | 'internal';

export class AwsTargetError extends Error {
  readonly kind: ErrorKind;
  /** What to do about it: shell commands or steps, one per line. */
  readonly recovery?: string;

  constructor(kind: ErrorKind, message: string, options: { cause?: unknown; recovery?: string } = {}) {
    super(options.recovery ? `${message}\nTo recover:\n${indent(options.recovery)}` : message, { cause: options.cause });
    this.name = 'AwsTargetError';
    this.kind = kind;
    this.recovery = options.recovery;
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
