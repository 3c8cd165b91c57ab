/**
 * Ephemeral runs: a unique run id, and the config overrides that put it into every name and
 * tag, so a run's resources never collide with another's and the leak sweep can find them.
 */
import type { EdgeFailoverConfig, EdgeFailoverConfigInput } from '../../../config/index.js';
import { newRunId } from '../../run-id.js';
import { RUN_ID_TAG } from '../../../stacks/contract.js';

export interface EphemeralRunPlan {
  readonly runId: string;
  /** Apply these on top of the user's config (loadConfig's `overrides`) before synthesis. */
  readonly overrides: EdgeFailoverConfigInput;
  /** The synthesized stack's name (the new name prefix). */
  readonly stackName: string;
  /** The journal and lock name: the user's name prefix, shared by all ephemeral runs of one config. */
  readonly journalName: string;
}

/**
 * The overrides for an ephemeral run: namePrefix gets "-<6 chars of the run id>" (the base is
 * cut so the result fits the 24-character limit) and every resource gets the EdgeFailoverRunId tag.
 */
export function planEphemeralRun(config: EdgeFailoverConfig, runId = newRunId()): EphemeralRunPlan {
  const suffix = runId.replace(/[^a-z0-9]/g, '').slice(-6);
  if (suffix.length < 4) throw new Error(`runId = ${JSON.stringify(runId)}: allowed: at least 4 lowercase letters or digits`);
  const base = config.namePrefix.slice(0, 24 - suffix.length - 1).replace(/-+$/, '');
  const namePrefix = `${base}-${suffix}`;
  return {
    runId,
    overrides: { namePrefix, tags: { ...config.tags, [RUN_ID_TAG]: runId } },
    stackName: namePrefix,
    journalName: config.namePrefix,
  };
}
