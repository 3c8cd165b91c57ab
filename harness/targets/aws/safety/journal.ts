/**
 * The run journal's shape and its file (<stateDir>/<stack>.journal.json), rewritten atomically
 * (temp file, fsync, rename). Only the RunLedger (ledger.ts) changes a journal; it writes one
 * before every side effect it announces. A run that ends in any way other than a finished
 * teardown leaves it unfinished, and `recover` reads it to finish the job.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsTargetError } from '../tools/errors.js';

/**
 * ephemeral: apply, drill, destroy. existing: drill a deployed stack, never destroy it.
 * deploy: apply the stack and leave it deployed (`dr-drill up`; `dr-drill down` destroys it).
 */
export type LifecycleMode = 'ephemeral' | 'existing' | 'deploy';

/** The command that opened the journal. */
export type LedgerCommand = 'run' | 'up' | 'down';

/**
 * The options a run was started with that a recovery needs to reach the same tools, endpoints
 * and state: recoverySteps() prints them, and `recover` falls back to them.
 */
export interface RecordedOptions {
  readonly stateDir: string;
  readonly endpointUrl?: string;
  readonly awsCli?: string;
  readonly profile?: string;
  readonly terraform?: string;
  /** Override files copied into the stack directory before init (they stay there). */
  readonly terraformOverrides: readonly string[];
}

export interface JournalService {
  readonly role: 'primary' | 'secondary';
  readonly serviceArn: string;
  readonly region: string;
}

export interface JournalRuleFault {
  readonly role: 'primary' | 'secondary';
  readonly ruleArn: string;
  readonly region: string;
  readonly originalActions: readonly unknown[];
}

export interface JournalEvent {
  readonly at: string;
  readonly what: string;
}

export interface Journal {
  readonly version: 1;
  readonly stack: string;
  readonly runId: string;
  readonly mode: LifecycleMode;
  readonly command: LedgerCommand;
  readonly options: RecordedOptions;
  /** The directory terraform runs in. */
  readonly stackDir: string;
  /** Var files the run applied with; destroy needs the same. */
  readonly varFiles: readonly string[];
  /** Regions the run's resources live in (both App Runner regions and us-east-1): the leak sweep's scope. */
  readonly regions: readonly string[];
  readonly startedAt: string;
  /** True from just before `terraform apply` starts: a destroy is owed (ephemeral mode only). */
  applyStarted: boolean;
  applyFinished: boolean;
  /** True from just before a destroy of the stack is owed (ephemeral apply started, or `down` began). */
  destroyOwed: boolean;
  destroyed: boolean;
  /** Services the run asked to pause and has not yet seen RUNNING again. A resume is owed for each. */
  paused: JournalService[];
  /**
   * ECS Express listener rules the run changed to a fixed-response 503, with their original actions as
   * describe-rules returned them: a restore of each is owed (alb-fault.ts).
   */
  ruleFaults?: JournalRuleFault[];
  /** Set once teardown completed: the journal is then history, not a to-do list. */
  finishedAt?: string;
  /** Leftovers the leak sweep found, by ARN. */
  leaks: string[];
  events: JournalEvent[];
}

export function journalPath(stateDir: string, stack: string): string {
  return join(stateDir, `${stack}.journal.json`);
}

export function isUnfinished(j: Journal): boolean {
  return j.finishedAt === undefined;
}

export async function readJournal(stateDir: string, stack: string): Promise<Journal | undefined> {
  const path = journalPath(stateDir, stack);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const j = JSON.parse(text) as Journal;
    if (j.version !== 1 || typeof j.stack !== 'string' || !Array.isArray(j.paused)) throw new Error('unexpected shape');
    // Journals written before commands and options were recorded.
    return {
      ...j,
      command: j.command ?? 'run',
      options: j.options ?? { stateDir, terraformOverrides: [] },
      destroyOwed: j.destroyOwed ?? (j.mode === 'ephemeral' && j.applyStarted),
    };
  } catch (error) {
    throw new AwsTargetError('external', `The run journal ${path} is unreadable (${(error as Error).message})`, {
      cause: error,
      recovery: `Inspect ${path}; resume any paused App Runner service and destroy any ephemeral stack by hand, then delete the file.`,
    });
  }
}

/** Writes the journal atomically: a reader sees the old or the new content, never a mix. */
export async function writeJournal(stateDir: string, j: Journal): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const path = journalPath(stateDir, j.stack);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(j, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

export async function deleteJournal(stateDir: string, stack: string): Promise<void> {
  await rm(journalPath(stateDir, stack), { force: true });
}

export function newJournal(o: {
  stack: string;
  runId: string;
  mode: LifecycleMode;
  command?: LedgerCommand;
  options?: RecordedOptions;
  stackDir: string;
  varFiles: readonly string[];
  regions: readonly string[];
}): Journal {
  return {
    version: 1,
    stack: o.stack,
    runId: o.runId,
    mode: o.mode,
    command: o.command ?? 'run',
    options: o.options ?? { stateDir: '.drill', terraformOverrides: [] },
    stackDir: o.stackDir,
    varFiles: [...o.varFiles],
    regions: [...new Set(o.regions)],
    startedAt: new Date().toISOString(),
    applyStarted: false,
    applyFinished: false,
    destroyOwed: false,
    destroyed: false,
    paused: [],
    leaks: [],
    events: [],
  };
}
