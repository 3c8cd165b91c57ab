/**
 * The RunLedger: the one owner of an AWS run's journal file and of the stack lock.
 *
 * Every event has its own method, and each writes the journal before the side effect it
 * announces (apply started before `terraform apply`, a fault owed before the call that makes it,
 * destroy owed before `terraform destroy`), so a run that dies at any point leaves a journal that says
 * what is owed. recoverySteps() prints the commands that finish the run by hand, carrying every
 * option the run was started with; the journal records those options, so `dr-drill recover`
 * finds the tools and endpoints from the journal alone.
 *
 * The lock (proper-lockfile, <stateDir>/<name>.lock) keeps two drills off one stack. It is
 * refreshed while held and goes stale 30 s after its holder dies.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { AwsTargetError } from '../tools/errors.js';
import { recoverySteps } from './recovery-steps.js';
import { isUnfinished, newJournal, readJournal, writeJournal } from './journal.js';
import type { Journal, JournalFault, LedgerCommand, LifecycleMode, RecordedOptions } from '../wire.js';

const STALE_MS = 30_000;

export interface LedgerInit {
  readonly stateDir: string;
  /** The journal and lock name. */
  readonly name: string;
  readonly runId: string;
  readonly mode: LifecycleMode;
  readonly command: LedgerCommand;
  readonly stackDir: string;
  readonly varFiles: readonly string[];
  readonly regions: readonly string[];
  readonly options: Omit<RecordedOptions, 'stateDir'>;
}

const lockPathOf = (stateDir: string, name: string) => join(stateDir, `${name}.lock`);
/** Who holds the lock: written beside it once it is taken, removed before it is released. */
const holderPathOf = (stateDir: string, name: string) => join(stateDir, `${name}.lock.holder.json`);

/** The drill holding a stack's lock. */
interface LockHolder {
  readonly runId: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly command: string;
}

async function readHolder(stateDir: string, name: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(holderPathOf(stateDir, name), 'utf8')) as LockHolder;
    return typeof h.runId === 'string' && typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Whether another process holds the stack's lock (a stale lock does not count). */
async function isLocked(stateDir: string, name: string): Promise<boolean> {
  return lockfile
    .check(join(stateDir, name), { realpath: false, lockfilePath: lockPathOf(stateDir, name), stale: STALE_MS })
    .catch(() => false);
}

async function lockedError(stateDir: string, name: string, cause?: unknown): Promise<AwsTargetError> {
  const h = await readHolder(stateDir, name);
  const j = h ? undefined : await readJournal(stateDir, name).catch(() => undefined);
  const holder = h
    ? `another drill (run ${h.runId}, pid ${h.pid}, started at ${h.startedAt}, \`${h.command}\`)`
    : j && isUnfinished(j)
      ? `another drill (run ${j.runId}, started at ${j.startedAt})`
      : 'another drill';
  return new AwsTargetError('usage', `Stack "${name}" is busy: ${holder} holds the lock ${lockPathOf(stateDir, name)}`, {
    cause,
    recovery: `Wait for it to finish. If no drill is running, the lock goes stale 30 s after its holder died; then run dr-drill recover --target aws --stack ${name} --state-dir ${stateDir}.`,
  });
}

function unfinishedError(j: Journal): AwsTargetError {
  return new AwsTargetError('usage', `An earlier run (${j.runId}, started ${j.startedAt}) on stack "${j.stack}" did not finish`, {
    recovery: recoverySteps(j),
  });
}

async function takeLock(stateDir: string, name: string, holder: Omit<LockHolder, 'pid' | 'startedAt'>): Promise<() => Promise<void>> {
  await mkdir(stateDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(join(stateDir, name), {
      realpath: false,
      lockfilePath: lockPathOf(stateDir, name),
      stale: STALE_MS,
      retries: 0,
      onCompromised: () => {
        // Another process took the lock after ours went stale; the journal still guards the run.
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw await lockedError(stateDir, name, error);
    throw error;
  }
  const me: LockHolder = { ...holder, pid: process.pid, startedAt: new Date().toISOString() };
  await writeFile(holderPathOf(stateDir, name), `${JSON.stringify(me)}\n`);
  return async () => {
    await rm(holderPathOf(stateDir, name), { force: true });
    await release();
  };
}

export class RunLedger {
  private constructor(
    private readonly stateDir: string,
    private j: Journal,
    private releaseLock: (() => Promise<void>) | undefined,
  ) {}

  /**
   * Refuses to start when another drill holds the stack's lock or an earlier run did not
   * finish. Read-only: preflight uses it; open() makes the same checks under the lock.
   */
  static async refuseToStart(stateDir: string, name: string): Promise<void> {
    const dir = resolve(stateDir);
    if (await isLocked(dir, name)) throw await lockedError(dir, name);
    const previous = await readJournal(dir, name);
    if (previous && isUnfinished(previous)) throw unfinishedError(previous);
  }

  /** Takes the lock, refuses an unfinished earlier run, and writes the new run's journal: "opened". */
  static async open(init: LedgerInit): Promise<RunLedger> {
    const stateDir = resolve(init.stateDir);
    const release = await takeLock(stateDir, init.name, { runId: init.runId, command: `dr-drill ${init.command}` });
    try {
      const previous = await readJournal(stateDir, init.name);
      if (previous && isUnfinished(previous)) throw unfinishedError(previous);
      const j = newJournal({
        stack: init.name,
        runId: init.runId,
        mode: init.mode,
        command: init.command,
        options: { ...init.options, stateDir },
        stackDir: resolve(init.stackDir),
        varFiles: init.varFiles.map((f) => resolve(f)),
        regions: init.regions,
      });
      const ledger = new RunLedger(stateDir, j, release);
      await ledger.record(`run started (${init.command}, ${init.mode})`);
      return ledger;
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** For `recover`: takes the lock and returns the unfinished run's ledger, or undefined (lock released). */
  static async reopen(
    stateDir: string,
    name: string,
    runId = `recover-${process.pid}`,
  ): Promise<{ ledger?: RunLedger; journal?: Journal }> {
    const dir = resolve(stateDir);
    const release = await takeLock(dir, name, { runId, command: 'dr-drill recover' });
    try {
      const j = await readJournal(dir, name);
      if (!j || !isUnfinished(j)) {
        await release();
        return { journal: j };
      }
      return { ledger: new RunLedger(dir, j, release), journal: j };
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** The journal as it stands (a copy: only the ledger's methods change it). */
  get journal(): Journal {
    return structuredClone(this.j);
  }

  get finished(): boolean {
    return !isUnfinished(this.j);
  }

  /** When the run began: an operation started before it is not this run's. */
  get startedAt(): string {
    return this.j.startedAt;
  }

  /** The faults this run made (or may have made) that still owe an undo, in the order they were journaled. */
  get owedFaults(): readonly JournalFault[] {
    return structuredClone(this.j.faults);
  }

  get owesDestroy(): boolean {
    return this.j.destroyOwed && !this.j.destroyed;
  }

  /** Whether an undo of a fault on `resource` (a service, a listener rule) is owed. */
  owes(resource: string): boolean {
    return this.j.faults.some((f) => f.resource === resource);
  }

  private async record(what: string, change: (j: Journal) => void = () => {}): Promise<void> {
    const next = structuredClone(this.j);
    change(next);
    next.events.push({ at: new Date().toISOString(), what });
    await writeJournal(this.stateDir, next);
    this.j = next;
  }

  /** Before `terraform apply`: in ephemeral mode a destroy is owed from here on. */
  applyStarted(): Promise<void> {
    return this.record('apply started', (j) => {
      j.applyStarted = true;
      if (j.mode === 'ephemeral') j.destroyOwed = true;
    });
  }

  applyFinished(): Promise<void> {
    return this.record('apply finished', (j) => {
      j.applyFinished = true;
    });
  }

  /** Before the call that makes a fault (`was`: the state it is made from): its undo is owed from here on. */
  faultOwed(f: JournalFault, was: string): Promise<void> {
    return this.record(`${f.backend} fault on the ${f.role} (${f.resource}) requested (was ${was})`, (j) => {
      if (!j.faults.some((x) => x.resource === f.resource)) j.faults.push(structuredClone(f) as JournalFault);
    });
  }

  /** The fault never started (AWS refused it at once, or its real state proves it): no undo is owed. */
  faultNotStarted(resource: string, why: string): Promise<void> {
    const f = this.j.faults.find((x) => x.resource === resource);
    return this.record(`${f?.backend ?? ''} fault on the ${f?.role ?? ''} (${resource}) not started, nothing to undo: ${why}`, (j) => {
      j.faults = j.faults.filter((x) => x.resource !== resource);
    });
  }

  /** The fault is in place (the service reads PAUSED, the rule reads back its fault). */
  faultInPlace(resource: string, what: string): Promise<void> {
    return this.record(`${resource}: ${what}`);
  }

  /** After the undo was seen in place (the service RUNNING again, the rule reading back its original actions). */
  faultUndone(resource: string, how: string): Promise<void> {
    return this.record(`${resource}: ${how}`, (j) => {
      j.faults = j.faults.filter((x) => x.resource !== resource);
    });
  }

  /** Before `terraform destroy` of a stack this run did not apply (`dr-drill down`). */
  destroyStarted(): Promise<void> {
    return this.record('destroy started', (j) => {
      j.destroyOwed = true;
    });
  }

  /** After a destroy: the faults that could not be undone went with the stack. */
  destroyed(): Promise<void> {
    return this.record('destroyed', (j) => {
      j.destroyed = true;
      j.faults = [];
    });
  }

  leakSweep(arns: readonly string[]): Promise<void> {
    return this.record(`leak sweep: ${arns.length} left`, (j) => {
      j.leaks = [...arns];
    });
  }

  /** A step that failed, for the record. */
  failed(what: string): Promise<void> {
    return this.record(what);
  }

  /** Closes the journal if nothing is owed; returns whether it closed. */
  async finish(what = 'finished'): Promise<boolean> {
    if (this.finished) return true;
    if (this.j.faults.length > 0 || this.owesDestroy) return false;
    await this.record(what, (j) => {
      j.finishedAt = new Date().toISOString();
    });
    return true;
  }

  /** The steps that finish this run by hand, with `extra` faults counted as owed. */
  recoverySteps(extra: readonly JournalFault[] = []): string {
    return recoverySteps({ ...this.j, faults: [...this.j.faults, ...extra.filter((e) => !this.owes(e.resource))] });
  }

  async release(log?: (m: string) => void): Promise<void> {
    const release = this.releaseLock;
    this.releaseLock = undefined;
    await release?.().catch((error: unknown) => log?.(`could not release the lock: ${(error as Error).message}`));
  }
}
