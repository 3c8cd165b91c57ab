import { InputError, formatProblem as formatCoreProblem, type Problem } from '../core/errors.js';

/** One rejected configuration value: the core error model's Problem. */
export type ConfigProblem = Problem;

/**
 * A configuration value was rejected. Raised before anything is written or applied: a usage
 * error (exit 2) in the house format `field (from SOURCE) = VALUE: allowed: …`.
 */
export class ConfigError extends InputError {
  constructor(
    /** One entry per rejected value. `allowed` is the text after "allowed: ". */
    problems: readonly ConfigProblem[],
  ) {
    super(problems, { heading: 'Invalid configuration' });
    this.name = 'ConfigError';
  }
}

/** `field (from SOURCE) = VALUE: allowed: …`. */
export const formatProblem = formatCoreProblem;
