/**
 * Errors raised by the local world: the project's one error model (core/errors.ts), under the
 * world's own class name. Kinds: usage (a bad or missing input, a call out of order), external (a process or socket failed), internal (a bug here).
 */
import { EdgeFailoverError, type ErrorKind, type ErrorOptions } from '../../../core/errors.js';

export type { ErrorKind } from '../../../core/errors.js';

export class LocalTargetError extends EdgeFailoverError {
  constructor(kind: ErrorKind, message: string, options: ErrorOptions = {}) {
    super(kind, message, options);
    this.name = 'LocalTargetError';
  }
}
