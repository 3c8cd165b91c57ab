/**
 * Errors raised by the CloudFront model: the project's one error model (core/errors.ts). Kinds:
 * usage (a value in the synthesized stack or a tfvars file the model cannot use), external (a
 * socket failed), internal (a bug here).
 */
import { EdgeFailoverError, type ErrorKind, type ErrorOptions } from '../../core/errors.js';

export class CloudFrontModelError extends EdgeFailoverError {
  constructor(kind: ErrorKind, message: string, options: ErrorOptions = {}) {
    super(kind, message, options);
    this.name = 'CloudFrontModelError';
  }
}

/** A value in the synthesized stack or a tfvars file that the model cannot use. */
export class StackRulesError extends CloudFrontModelError {
  constructor(
    /** Where the value sits, e.g. aws_cloudfront_distribution.edge_distribution.origin[0].connection_attempts. */
    field: string,
    readonly value: unknown,
    /** What is allowed, or what to do. */
    readonly allowed: string,
    /** The file the value came from. */
    readonly file: string,
  ) {
    super('usage', `${file}: ${field} = ${render(value)}: ${allowed}`, { problems: [{ field, value, allowed, source: file }] });
    this.name = 'StackRulesError';
  }
}

function render(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
