/**
 * The run journal and the stack lock.
 *
 * The journal is a JSON file per stack (<stateDir>/<stack>.journal.json), rewritten
 * atomically (temp file, fsync, rename) before and after every side effect: what was applied,
 * what was paused, what was resumed and destroyed. A run that ends in any way other than a
 * finished teardown leaves it unfinished, and `recover` reads it to finish the job.
 *
 * The lock (proper-lockfile, <stateDir>/<stack>.lock) keeps two drills off one stack. It is
 * refreshed while held and goes stale if its holder dies.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { AwsTargetError } from './errors.js';

export type LifecycleMode = 'ephemeral' | 'existing';

export interface JournalService {
  readonly role: 'primary' | 'secondary';
  readonly serviceArn: string;
  readonly region: string;
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
  destroyed: boolean;
  /** Services the run asked to pause and has not yet seen RUNNING again. A resume is owed for each. */
  paused: JournalService[];
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
    return j;
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
  stackDir: string;
  varFiles: readonly string[];
  regions: readonly string[];
}): Journal {
  return {
    version: 1,
    stack: o.stack,
    runId: o.runId,
    mode: o.mode,
    stackDir: o.stackDir,
    varFiles: [...o.varFiles],
    regions: [...new Set(o.regions)],
    startedAt: new Date().toISOString(),
    applyStarted: false,
    applyFinished: false,
    destroyed: false,
    paused: [],
    leaks: [],
    events: [],
  };
}

/** The steps that would finish an unfinished run by hand. */
export function manualRecoverySteps(j: Journal, awsProfileArgs = ''): string {
  const steps = [`dr-drill recover --target aws --stack ${j.stack}   # does all of the below`];
  for (const s of j.paused) {
    steps.push(`aws apprunner resume-service --service-arn ${s.serviceArn} --region ${s.region}${awsProfileArgs}`);
  }
  if (j.mode === 'ephemeral' && j.applyStarted && !j.destroyed) {
    steps.push(`terraform -chdir=${j.stackDir} destroy -auto-approve${j.varFiles.map((f) => ` -var-file=${f}`).join('')}`);
  }
  return steps.join('\n');
}

export interface StackLock {
  release(): Promise<void>;
}

/** Takes the stack's lock, or throws naming the lock file if another drill holds it. */
export async function lockStack(stateDir: string, stack: string): Promise<StackLock> {
  await mkdir(stateDir, { recursive: true });
  const target = join(stateDir, stack);
  const lockPath = `${target}.lock`;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      lockfilePath: lockPath,
      stale: 30_000,
      retries: 0,
      onCompromised: () => {
        // Another process took the lock after ours went stale; the journal still guards the run.
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new AwsTargetError('usage', `Another drill is running on stack "${stack}" (lock ${lockPath} is held)`, {
        cause: error,
        recovery: `Wait for it to finish. If no drill is running, the lock goes stale 30 s after its holder died; then run dr-drill recover --target aws --stack ${stack}.`,
      });
    }
    throw error;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await release();
    },
  };
}
