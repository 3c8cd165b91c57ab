/**
 * Errors of the HCL export: the project's one error model (core/errors.ts) under the names the
 * export has always used. Kinds: usage (fix the input), external (a tool failed), internal (a bug).
 */
import { EdgeFailoverError, type ErrorKind, type ErrorOptions } from '../core/errors.js';

export type HclErrorKind = ErrorKind;

export class HclExportError extends EdgeFailoverError {
  constructor(kind: HclErrorKind, message: string, options?: ErrorOptions) {
    super(kind, message, options);
    this.name = 'HclExportError';
  }
}
