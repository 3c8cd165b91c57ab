/**
 * The local world's driver: `--target local` (the default). It has no options of its own; a
 * drill synthesizes the stack into the run directory (or reads --cdktf-out) and runs the world
 * on 127.0.0.1. `up` keeps a world running until Ctrl-C or `down`; `recover` stops a leftover `up`.
 */
import { join, resolve } from 'node:path';
import type { CommandContext } from '../../commands/context.js';
import { type PrepareContext, type TargetDriver, locateStack, synthesizeStack } from '../driver.js';
import { LOCAL_FAULTS } from './faults.js';
import { stopLocalUp, upLocal } from './up.js';

export const localDriver: TargetDriver = {
  name: 'local',
  options: () => [],
  faults: LOCAL_FAULTS,
  defaults: { teardownTimeoutSeconds: 60, alarms: 'off' },
  leftBehind: () => 'running (then run `dr-drill recover`)',
  validate: () => {},

  /** The world reads the stack through the CloudFront model: it must hold everything the edge decides with. */
  async checkStack(stack) {
    const { loadEdgeRules } = await import('../../cloudfront/stack-rules.js');
    await loadEdgeRules(stack);
  },

  async prepare(opts, config, ctx: PrepareContext) {
    const stack = opts.cdktfOut
      ? await locateStack(config, opts.cdktfOut, ctx.io.cwd)
      : await synthesizeStack(config, join(ctx.runDir, 'cdktf.out'), ctx.synthesizedOut);
    const { createLocalTarget } = await import('./index.js');
    const varFile = opts.varFile ? resolve(ctx.io.cwd, opts.varFile) : undefined;
    const target = createLocalTarget({
      tfJsonPath: stack.tfJsonPath,
      // Only a run that reads the alarms gets the health checkers and the metrics.
      ...(ctx.readsAlarms ? { namePrefix: config.namePrefix } : {}),
      ...(varFile ? { tfvarsPath: varFile } : {}),
      log: ctx.log,
    });
    return { target, runId: ctx.runId, config, tfJsonPath: stack.tfJsonPath, synthesized: !opts.cdktfOut };
  },

  up: (opts, ctx: CommandContext) => upLocal(localDriver, opts, ctx),

  down: (opts, ctx) => stopLocalUp(opts, ctx.io, 'down'),

  async recover(opts, ctx) {
    ctx.io.stdout(
      "local: a drill's world lives only as long as its process; checking for a leftover `dr-drill up` and orphaned origins.\n",
    );
    return stopLocalUp(opts, ctx.io, 'recover');
  },
};
