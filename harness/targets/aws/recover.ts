/**
 * `dr-drill recover --target aws`: finishes a run that did not finish (a crash, a kill, a
 * timeout), from its journal. It undoes every fault the journal says is owed (through the backend
 * that made it: a paused service resumed, a listener rule restored) and destroys an ephemeral stack,
 * then sweeps for leftovers, exactly as teardown would have.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveWaits } from './tools/waits.js';
import { verifyAwsCli } from './tools/aws-cli.js';
import { BACKENDS, type BackendRegistry } from './backends/registry.js';
import { finishRun } from './safety/finish.js';
import type { Journal } from './wire.js';
import { RunLedger } from './safety/ledger.js';
import { type AwsToolOptions, createTools } from './tools/tool-options.js';

export interface RecoverOptions extends AwsToolOptions {
  /** The journal name: the stack name, or for ephemeral runs the config's base name prefix. */
  readonly stack: string;
  /** @default <cwd>/.drill */
  readonly stateDir?: string;
  /** Where aws.log and terraform.log of the recovery go. @default stateDir */
  readonly logDir?: string;
  /** The backends that undo the journaled faults. @default BACKENDS */
  readonly backends?: BackendRegistry;
  /**
   * Asked with the unfinished journal before anything changes: false leaves everything as it is
   * (a dry run). @default go ahead
   */
  readonly decide?: (journal: Journal) => Promise<boolean>;
}

export interface RecoverResult {
  /** False when there was no unfinished run to recover. */
  readonly found: boolean;
  /** True when nothing is left to do. */
  readonly ok: boolean;
  readonly detail: string;
  /** The journal as it stands after recovery. */
  readonly journal?: Journal;
}

/**
 * The tools of a recovery: what the caller gave, else what the run recorded in its journal
 * (endpoint, AWS CLI, profile, terraform), so the journal alone is enough.
 */
export function recoveryToolOptions(options: AwsToolOptions, j: Journal): AwsToolOptions {
  const r = j.options;
  return {
    ...options,
    ...(options.endpointUrl === undefined && r.endpointUrl !== undefined ? { endpointUrl: r.endpointUrl } : {}),
    ...(options.awsCli === undefined && r.awsCli !== undefined ? { awsCli: r.awsCli } : {}),
    ...(options.profile === undefined && r.profile !== undefined ? { profile: r.profile } : {}),
    ...(options.terraform === undefined && r.terraform !== undefined ? { terraform: r.terraform } : {}),
  };
}

export async function recover(options: RecoverOptions, signal: AbortSignal): Promise<RecoverResult> {
  const stateDir = resolve(options.stateDir ?? '.drill');
  const { ledger, journal } = await RunLedger.reopen(stateDir, options.stack);
  if (!ledger) {
    return { found: false, ok: true, detail: `No unfinished run on stack "${options.stack}" (journals in ${stateDir}).`, journal };
  }
  try {
    const j = ledger.journal;
    if (options.decide && !(await options.decide(j))) {
      return { found: true, ok: true, detail: `Dry run: run ${j.runId} on stack "${options.stack}" is left unfinished.`, journal: j };
    }
    const logDir = options.logDir ?? stateDir;
    await mkdir(logDir, { recursive: true });
    const log = options.log;
    log?.(`recovering run ${j.runId} (${j.command}, ${j.mode}) started ${j.startedAt}`);
    const tools = createTools(recoveryToolOptions(options, j), { stackDir: j.stackDir, varFiles: j.varFiles, logDir });
    // As `run` does: the AWS CLI must be v2 before anything is attempted (v1 fails on --no-cli-pager).
    await verifyAwsCli(tools.cli.binary, signal);
    const result = await finishRun(ledger, {
      ...tools,
      waits: resolveWaits(options.waits),
      leakSettleMs: options.leakSettleMs ?? 60_000,
      signal,
      log,
      backends: options.backends ?? BACKENDS,
    });
    return { found: true, ok: result.ok, detail: result.detail, journal: ledger.journal };
  } finally {
    await ledger.release(options.log);
  }
}
