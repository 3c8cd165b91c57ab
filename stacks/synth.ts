/**
 * In-process synthesis, for tools that need the synthesized stack (the drill, the HCL
 * export, tests) without shelling out to `cdktf synth`.
 */
import { join } from 'node:path';
import { App } from 'cdktf';
import type { EdgeFailoverConfig } from '../config/index.js';
import { EdgeFailoverStack } from './edge-failover-stack.js';

export interface SynthResult {
  readonly stackName: string;
  /** cdktf.out/stacks/<stack>: the directory terraform runs in. */
  readonly stackDir: string;
  /** The synthesized configuration: the single source of truth for the stack's settings. */
  readonly tfJsonPath: string;
  readonly stack: EdgeFailoverStack;
}

export function synthesize(config: EdgeFailoverConfig, outdir: string): SynthResult {
  const app = new App({ outdir, skipValidation: false });
  const stack = new EdgeFailoverStack(app, config.namePrefix, { config });
  app.synth();
  const stackDir = join(outdir, 'stacks', config.namePrefix);
  return { stackName: config.namePrefix, stackDir, tfJsonPath: join(stackDir, 'cdk.tf.json'), stack };
}
