/**
 * The run journal's shape and its file (<stateDir>/<stack>.journal.json), rewritten atomically
 * (temp file, fsync, rename). Only the RunLedger (ledger.ts) changes a journal; it writes one
 * before every side effect it announces. A run that ends in any way other than a finished
 * teardown leaves it unfinished, and `recover` reads it to finish the job.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsTargetError } from '../tools/errors.js';
import type { Journal, JournalFault, LedgerCommand, LifecycleMode, RecordedOptions, Role } from '../wire.js';

/** A fault as a version 1 journal recorded it: `paused` (App Runner) or `ruleFaults` (ECS Express). */
interface V1Journal {
  readonly paused?: readonly { readonly role: Role; readonly serviceArn: string; readonly region: string }[];
  readonly ruleFaults?: readonly { readonly role: Role; readonly ruleArn: string; readonly region: string; readonly originalActions: readonly unknown[] }[];
}

/** A version 1 journal's owed faults, as version 2 records them (the backends' own entries: backends/*.ts). */
function v1Faults(j: V1Journal): JournalFault[] {
  return [
    ...(j.ruleFaults ?? []).map((f) => ({
      backend: 'ecs-express',
      role: f.role,
      region: f.region,
      serviceArn: '',
      resource: f.ruleArn,
      undo: f.originalActions,
      undoCommands: [{ region: f.region, args: ['elbv2', 'modify-rule', '--rule-arn', f.ruleArn, '--actions', JSON.stringify(f.originalActions)] }],
    })),
    ...(j.paused ?? []).map((p) => ({
      backend: 'apprunner',
      role: p.role,
      region: p.region,
      serviceArn: p.serviceArn,
      resource: p.serviceArn,
      undoCommands: [{ region: p.region, args: ['apprunner', 'resume-service', '--service-arn', p.serviceArn] }],
    })),
  ];
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
    const raw = JSON.parse(text) as Omit<Journal, 'version' | 'faults'> & V1Journal & { version: number; faults?: JournalFault[] };
    const v1 = raw.version === 1 && Array.isArray(raw.paused);
    if (!(v1 || (raw.version === 2 && Array.isArray(raw.faults))) || typeof raw.stack !== 'string') throw new Error('unexpected shape');
    const { paused: _paused, ruleFaults: _ruleFaults, ...j } = raw;
    // Version 1 journals, and those written before commands and options were recorded.
    return {
      ...j,
      version: 2,
      faults: v1 ? v1Faults(raw) : raw.faults!,
      command: j.command ?? 'run',
      options: j.options ?? { stateDir, terraformOverrides: [] },
      destroyOwed: j.destroyOwed ?? (j.mode === 'ephemeral' && j.applyStarted),
    };
  } catch (error) {
    throw new AwsTargetError('external', `The run journal ${path} is unreadable (${(error as Error).message})`, {
      cause: error,
      recovery: `Inspect ${path}; undo any fault the run made (resume a paused App Runner service, restore a listener rule) and destroy any ephemeral stack by hand, then delete the file.`,
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
    version: 2,
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
    faults: [],
    leaks: [],
    events: [],
  };
}
