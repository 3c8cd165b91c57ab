/**
 * `dr-drill recover --target aws`: finishes a run that did not finish (a crash, a kill, a
 * timeout), from its journal. It resumes every service the journal says is paused and destroys
 * an ephemeral stack, then sweeps for leftovers, exactly as teardown would have.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AwsCli } from './aws-cli.js';
import { resolveWaits } from './app-runner.js';
import { finishRun } from './finish.js';
import { type Journal, isUnfinished, lockStack, readJournal } from './journal.js';
import { Terraform } from './terraform.js';
import type { AwsToolOptions } from './tool-options.js';

export interface RecoverOptions extends AwsToolOptions {
  /** The journal name: the stack name, or for ephemeral runs the config's base name prefix. */
  readonly stack: string;
  /** @default <cwd>/.drill */
  readonly stateDir?: string;
  /** Where aws.log and terraform.log of the recovery go. @default stateDir */
  readonly logDir?: string;
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

export async function recover(options: RecoverOptions, signal: AbortSignal): Promise<RecoverResult> {
  const stateDir = resolve(options.stateDir ?? '.drill');
  const lock = await lockStack(stateDir, options.stack);
  try {
    const j = await readJournal(stateDir, options.stack);
    if (!j || !isUnfinished(j)) {
      return { found: false, ok: true, detail: `No unfinished run on stack "${options.stack}" (journals in ${stateDir}).`, journal: j };
    }
    const logDir = options.logDir ?? stateDir;
    await mkdir(logDir, { recursive: true });
    const env = { ...(options.profile !== undefined ? { AWS_PROFILE: options.profile } : {}), ...options.env };
    const log = options.log;
    log?.(`recovering run ${j.runId} (${j.mode}) started ${j.startedAt}`);
    const result = await finishRun(j, {
      cli: new AwsCli({
        binary: options.awsCli,
        profile: options.profile,
        endpointUrl: options.endpointUrl,
        env: options.env,
        attempts: options.awsAttempts,
        retryDelayMs: options.awsRetryDelayMs,
        logFile: join(logDir, 'aws.log'),
        log,
      }),
      terraform: new Terraform({
        stackDir: j.stackDir,
        binary: options.terraform,
        varFiles: j.varFiles,
        env,
        logFile: join(logDir, 'terraform.log'),
        timeouts: options.terraformTimeouts,
        attempts: options.terraformAttempts,
        retryDelayMs: options.terraformRetryDelayMs,
        log,
      }),
      stateDir,
      waits: resolveWaits(options.waits),
      leakSettleMs: options.leakSettleMs ?? 60_000,
      signal,
      log,
    });
    return { found: true, ok: result.ok, detail: result.detail, journal: j };
  } finally {
    await lock.release();
  }
}
