/**
 * The local world's driver: `--target local` (the default). It has no options of its own; a
 * drill synthesizes the stack into the run directory (or reads --cdktf-out) and runs the world
 * on 127.0.0.1. `up` keeps a world running until Ctrl-C or `down`; `recover` stops a leftover `up`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EdgeFailoverError, EXIT } from '../../../core/errors.js';
import { newRunId } from '../../run-id.js';
import {
  type CliIo,
  type CommandContext,
  type CommonOptions,
  type PrepareContext,
  type TargetDriver,
  loadCommandConfig,
  locateStack,
  stateDirOf,
  synthesizeStack,
  timestampedLog,
} from '../driver.js';
import type { Endpoints } from '../target.js';

interface UpState {
  readonly pid: number;
  readonly startedAt: string;
  readonly endpoints: Endpoints;
  readonly tfJsonPath: string;
}

const upStateFile = (opts: CommonOptions, io: CliIo) => join(stateDirOf(opts, io), 'local-up.json');

export const localDriver: TargetDriver = {
  name: 'local',
  options: () => [],
  defaults: { teardownTimeoutSeconds: 60 },
  leftBehind: () => 'running (then run `dr-drill recover`)',
  validate: () => {},

  async prepare(opts, config, ctx: PrepareContext) {
    const stack = opts.cdktfOut
      ? await locateStack(config, opts.cdktfOut, ctx.io.cwd)
      : await synthesizeStack(config, join(ctx.runDir, 'cdktf.out'));
    const { createLocalTarget } = await import('./index.js');
    const varFile = opts.varFile ? resolve(ctx.io.cwd, opts.varFile) : undefined;
    const target = createLocalTarget({ tfJsonPath: stack.tfJsonPath, ...(varFile ? { tfvarsPath: varFile } : {}), log: ctx.log });
    return { target, runId: ctx.runId, config, tfJsonPath: stack.tfJsonPath, synthesized: !opts.cdktfOut };
  },

  async up(opts, ctx: CommandContext) {
    const { io } = ctx;
    const config = await loadCommandConfig(opts, io);
    const stateFile = upStateFile(opts, io);
    if (existsSync(stateFile)) {
      const prior = JSON.parse(readFileSync(stateFile, 'utf8')) as UpState;
      if (isAlive(prior.pid))
        throw new EdgeFailoverError(
          'usage',
          `a local world is already up (pid ${prior.pid}, edge ${prior.endpoints.edgeUrl}); run \`dr-drill down\` first`,
        );
    }
    const runDir = join(stateDirOf(opts, io), 'local-up');
    mkdirSync(runDir, { recursive: true });
    const { target, tfJsonPath } = await this.prepare(opts, config, { ...ctx, runId: newRunId(), runDir, log: timestampedLog(io) });
    const trap = ctx.trapSignals();
    try {
      await target.preflight(trap.signal);
      let endpoints: Endpoints;
      try {
        endpoints = await target.provision(trap.signal);
      } catch (err) {
        const t = await target.teardown(AbortSignal.timeout(this.defaults.teardownTimeoutSeconds * 1000));
        io.stderr(`dr-drill: provision failed; teardown: ${t.detail}\n`);
        throw err;
      }
      io.stdout(
        `edge:      ${endpoints.edgeUrl}\nprimary:   ${endpoints.origins.primary.url}\nsecondary: ${endpoints.origins.secondary.url}\n`,
      );
      // The probe headers carry the origin-verify secret: the state file keeps their names only, and is the owner's alone.
      const origins = Object.fromEntries(
        Object.entries(endpoints.origins).map(([role, o]) => [
          role,
          { ...o, headers: Object.fromEntries(Object.keys(o.headers).map((h) => [h, '(redacted)'])) },
        ]),
      ) as unknown as Endpoints['origins'];
      const state: UpState = { pid: process.pid, startedAt: new Date().toISOString(), endpoints: { ...endpoints, origins }, tfJsonPath };
      writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      io.stdout('The local world is up. Ctrl-C or `dr-drill down` tears it down.\n');
      await new Promise<void>((res) => trap.signal.addEventListener('abort', () => res(), { once: true }));
      const t = await target.teardown(AbortSignal.timeout(this.defaults.teardownTimeoutSeconds * 1000));
      rmSync(stateFile, { force: true });
      io.stdout(`teardown: ${t.detail}\n`);
      return t.ok ? EXIT.passed : EXIT.infrastructure;
    } finally {
      trap.release();
    }
  },

  down: (opts, ctx) => stopLocalUp(opts, ctx.io),

  async recover(opts, ctx) {
    ctx.io.stdout("local: a drill's world lives only as long as its process; checking for a leftover `dr-drill up`.\n");
    return stopLocalUp(opts, ctx.io);
  },
};

async function stopLocalUp(opts: CommonOptions, io: CliIo): Promise<number> {
  const stateFile = upStateFile(opts, io);
  if (!existsSync(stateFile)) {
    io.stdout('local: no world is up (nothing to do).\n');
    return EXIT.passed;
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as UpState;
  if (!isAlive(state.pid)) {
    rmSync(stateFile, { force: true });
    io.stdout(`local: the world's process (pid ${state.pid}) is gone; removed its stale state file.\n`);
    return EXIT.passed;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(state.pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(state.pid)) {
    io.stderr(`dr-drill: the local world (pid ${state.pid}) did not stop within 30 s\n`);
    return EXIT.infrastructure;
  }
  io.stdout(`local: stopped the world (pid ${state.pid}, edge ${state.endpoints.edgeUrl}).\n`);
  return EXIT.passed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
