/**
 * Errors raised by the local world. Every error has a kind, so the CLI can pick an exit code:
 * usage (a bad or missing input: the synthesized stack, a tfvars file, a call out of order),
 * external (a process or socket of the local world failed), internal (a bug here).
 */
export type ErrorKind = 'usage' | 'external' | 'internal';

export class LocalTargetError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'LocalTargetError';
    this.kind = kind;
  }
}

/** A value in the synthesized stack or a tfvars file that the local world cannot use. */
export class StackRulesError extends LocalTargetError {
  constructor(
    /** Where the value sits, e.g. aws_cloudfront_distribution.edge_distribution.origin[0].connection_attempts. */
    readonly field: string,
    readonly value: unknown,
    /** What is allowed, or what to do. */
    readonly allowed: string,
    /** The file the value came from. */
    readonly file: string,
  ) {
    super('usage', `${file}: ${field} = ${render(value)}: ${allowed}`);
    this.name = 'StackRulesError';
  }
}

function render(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
