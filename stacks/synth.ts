/**
 * In-process synthesis, for tools that need the synthesized stack (the drill, the HCL
 * export, tests) without shelling out to `cdktf synth`, and the one place that knows where a
 * synthesized stack lives (`<outdir>/stacks/<name>/cdk.tf.json`).
 */
import { join } from 'node:path';
import { App } from 'cdktf';
import type { EdgeFailoverConfig } from '../config/index.js';
import { EdgeFailoverStack } from './edge-failover-stack.js';

export interface StackPaths {
  readonly stackName: string;
  /** cdktf.out/stacks/<stack>: the directory terraform runs in. */
  readonly stackDir: string;
  /** The synthesized configuration: the single source of truth for the stack's settings. */
  readonly tfJsonPath: string;
}

export interface SynthResult extends StackPaths {
  readonly stack: EdgeFailoverStack;
}

/** Where cdktf writes the stack named `stackName` under `outdir` (a cdktf.out directory). */
export function stackPaths(outdir: string, stackName: string): StackPaths {
  const stackDir = join(outdir, 'stacks', stackName);
  return { stackName, stackDir, tfJsonPath: join(stackDir, 'cdk.tf.json') };
}

export function synthesize(config: EdgeFailoverConfig, outdir: string): SynthResult {
  const app = new App({ outdir, skipValidation: false });
  const stack = new EdgeFailoverStack(app, config.namePrefix, { config });
  app.synth();
  return { ...stackPaths(outdir, config.namePrefix), stack };
}
