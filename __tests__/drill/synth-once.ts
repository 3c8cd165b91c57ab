import type { EdgeFailoverConfig } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';

/** Synthesizes the stack into outdir and returns its cdk.tf.json. */
export function stacksynth(config: EdgeFailoverConfig, outdir: string): string {
  return synthesize(config, outdir).tfJsonPath;
}
