/** Preflight: the fault is one the target can inject, and the target has what it needs. Nothing is changed. */
import { EdgeFailoverError } from '../../../core/errors.js';
import { formatFault } from '../../targets/target.js';
import type { DrillPhase } from './phase.js';

export const preflight: DrillPhase = {
  name: 'preflight',
  async run({ target, settings, signal }) {
    if (!target.supportedFaults.includes(settings.fault.kind)) {
      throw new EdgeFailoverError(
        'usage',
        `fault "${formatFault(settings.fault)}" is not supported by the ${target.name} target; allowed: ${target.supportedFaults.join(', ')}`,
      );
    }
    await target.preflight(signal);
    return { value: 'next', summary: `${target.name} target ready` };
  },
};
