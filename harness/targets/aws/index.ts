/**
 * What driver.ts loads lazily (`await import('./index.js')`), so that `--target local` never loads
 * execa, the wrappers or the backends: the target (either compute backend, chosen by config
 * service.backend through backends/registry.ts), `down`, `recover` and the ephemeral run's plan.
 * Everything else imports the module it needs directly.
 */
import { AwsTarget } from './aws-target.js';
import type { AwsTargetOptions } from './target-options.js';

export function createAwsTarget(options: AwsTargetOptions): AwsTarget {
  return new AwsTarget(options);
}

export { destroyStack } from './down.js';
export { recover, recoveryToolOptions } from './recover.js';
export { planEphemeralRun } from './ephemeral.js';
