/**
 * The local `dr-drill up`, `down` and `recover`. `up` takes the state dir's lock, starts the
 * world, records its own identity in `local-up.json` and stays until a signal. `down` and
 * `recover` signal that process only after checking it is still the recorded `up` (pid, start
 * time, command line); `recover` also stops origin processes of this project whose owner is gone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EdgeFailoverError, EXIT } from '../../../core/errors.js';
import { newRunId } from '../../run-id.js';
import type { CliIo, CommandContext } from '../../commands/context.js';
import {
  type CommonOptions,
  type TargetDriver,
  loadCommandConfig,
  stateDirOf,
  timestampedLog,
} from '../driver.js';
import type { Endpoints } from '../target.js';
import { findOrphanOrigins, mismatch, readProcess, selfIdentity, signalVerified, type ProcessIdentity } from './processes.js';
import { identityOf, lockUp, readUpState, removeIfEmpty, removeUpState, upRunDir, writeUpState } from './up-state.js';

const STOP_WAIT_MS = 30_000;

export async function upLocal(driver: TargetDriver, opts: CommonOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const stateDir = stateDirOf(opts, io);
  const config = await loadCommandConfig(opts, io);
  const release = await lockUp(stateDir);
  let started = false;
  try {
    const prior = readUpState(stateDir);
    if (prior && mismatch(identityOf(prior)) === undefined) {
      throw new EdgeFailoverError(
        'usage',
        `a local world is already up (pid ${prior.pid}, edge ${prior.edgeUrl}); run \`dr-drill down\` first`,
      );
    }
    if (prior) removeUpState(stateDir);
    const runDir = upRunDir(stateDir);
    started = true;
    mkdirSync(runDir, { recursive: true });
    const { target, tfJsonPath } = await driver.prepare(opts, config, { ...ctx, runId: newRunId(), runDir, log: timestampedLog(io) });
    const trap = ctx.trapSignals();
    const teardownMs = driver.defaults.teardownTimeoutSeconds * 1000;
    try {
      await target.preflight(trap.signal);
      let endpoints: Endpoints;
      try {
        endpoints = await target.provision(trap.signal);
      } catch (err) {
        const t = await target.teardown(AbortSignal.timeout(teardownMs));
        io.stderr(`dr-drill: provision failed; teardown: ${t.detail}\n`);
        throw err;
      }
      io.stdout(
        `edge:      ${endpoints.edgeUrl}\nprimary:   ${endpoints.origins.primary.url}\nsecondary: ${endpoints.origins.secondary.url}\n`,
      );
      if (endpoints.edgeCa) {
        // The certificate only (public): its key stays in the edge.
        const caFile = join(runDir, 'edge-ca.pem');
        writeFileSync(caFile, endpoints.edgeCa);
        io.stdout(`edge HTTP: ${endpoints.edgeHttpUrl}\nedge CA:   ${caFile} (e.g. curl --cacert ${caFile} ${endpoints.edgeUrl}/)\n`);
      }
      writeUpState(stateDir, {
        version: 1,
        ...selfIdentity(),
        argv: [...selfIdentity().argv],
        startedAt: new Date().toISOString(),
        edgeUrl: endpoints.edgeUrl,
        primaryUrl: endpoints.origins.primary.url,
        secondaryUrl: endpoints.origins.secondary.url,
        tfJsonPath,
      });
      io.stdout('The local world is up. Ctrl-C or `dr-drill down` tears it down.\n');
      if (!trap.signal.aborted) await new Promise<void>((res) => trap.signal.addEventListener('abort', () => res(), { once: true }));
      const t = await target.teardown(AbortSignal.timeout(teardownMs));
      io.stdout(`teardown: ${t.detail}\n`);
      return t.ok ? EXIT.passed : EXIT.infrastructure;
    } finally {
      trap.release();
    }
  } finally {
    // Nothing of this `up` stays: its state file, stack and CA certificate, and the state dir when that leaves it empty.
    if (started) removeUpState(stateDir);
    await release().catch(() => undefined);
    if (started) removeIfEmpty(stateDir);
  }
}

/** `down` and `recover`: stops the recorded `up` if it is still that process; `recover` also stops orphaned origins. */
export async function stopLocalUp(opts: CommonOptions, io: CliIo, verb: 'down' | 'recover'): Promise<number> {
  const stateDir = stateDirOf(opts, io);
  const state = readUpState(stateDir);
  let code: number = EXIT.passed;
  if (!state) {
    io.stdout('local: no world is up (nothing to do).\n');
  } else {
    const who = identityOf(state);
    const why = mismatch(who);
    if (why) {
      removeUpState(stateDir);
      removeIfEmpty(stateDir);
      io.stdout(
        `local: the recorded \`dr-drill up\` (pid ${state.pid}) is not running (${why}); not signalled; removed its stale state file.\n`,
      );
    } else {
      code = await stopVerified(who, `the world (pid ${state.pid}, edge ${state.edgeUrl})`, io);
    }
  }
  if (verb === 'recover') code = Math.max(code, await stopOrphans(io));
  return code;
}

/** SIGTERM to a verified process, then waits for it to go (its start time tells a recycled pid apart). */
async function stopVerified(who: ProcessIdentity, what: string, io: CliIo): Promise<number> {
  const refused = signalVerified(who, 'SIGTERM');
  if (refused) {
    io.stderr(`dr-drill: ${what}: not signalled: ${refused}\n`);
    return EXIT.infrastructure;
  }
  const deadline = Date.now() + STOP_WAIT_MS;
  const sameProcess = () => readProcess(who.pid)?.startTime === who.startTime;
  while (sameProcess() && Date.now() < deadline) await sleep(100);
  if (sameProcess()) {
    io.stderr(`dr-drill: ${what} did not stop within ${STOP_WAIT_MS / 1000} s\n`);
    return EXIT.infrastructure;
  }
  io.stdout(`local: stopped ${what}.\n`);
  return EXIT.passed;
}

/** Stops every origin process of this project whose owner is gone; nothing else. */
async function stopOrphans(io: CliIo): Promise<number> {
  const orphans = findOrphanOrigins();
  if (orphans.length === 0) {
    io.stdout('local: no orphaned origin processes.\n');
    return EXIT.passed;
  }
  const codes = await Promise.all(orphans.map((o) => stopVerified(o, `orphaned origin pid ${o.pid}`, io)));
  return Math.max(...codes);
}
