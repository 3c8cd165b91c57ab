/**
 * Processes of this project, told apart from every other process on the machine before one is
 * signalled. A process is identified by its pid, its start time (field 22 of /proc/<pid>/stat, in
 * clock ticks since boot, so a recycled pid never matches) and its command line
 * (/proc/<pid>/cmdline). Nothing here signals pid 0, 1 or a negative pid.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The argument an origin process of this project carries after the app's path: `<marker>=<owner pid>:<owner start time>`. */
export const ORIGIN_MARKER = '--edge-failover-origin-of';

export interface ProcessIdentity {
  readonly pid: number;
  /** Clock ticks since boot (field 22 of /proc/<pid>/stat). */
  readonly startTime: string;
  readonly argv: readonly string[];
}

/** Whether a pid is one that may ever be signalled: an integer above 1. */
export const signallablePid = (pid: unknown): pid is number => typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1;

/** The pid's start time, parent pid and command line, or undefined when it is gone (or /proc is missing). */
export function readProcess(pid: number): (ProcessIdentity & { readonly ppid: number }) | undefined {
  if (!signallablePid(pid)) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    // fields[0] is field 3 (state): field n is fields[n - 3].
    if (fields[0] === 'Z') return undefined;
    return { pid, ppid: Number(fields[1]), startTime: fields[19]!, argv };
  } catch {
    return undefined;
  }
}

/** The identity of this process, for a state file. */
export function selfIdentity(): ProcessIdentity {
  const me = readProcess(process.pid);
  return me ? { pid: me.pid, startTime: me.startTime, argv: me.argv } : { pid: process.pid, startTime: 'unknown', argv: process.argv };
}

/** Why `live` is not the process `recorded` names (undefined when it is the same process). */
export function mismatch(recorded: ProcessIdentity): string | undefined {
  if (!signallablePid(recorded.pid)) return `pid ${recorded.pid} is never signalled`;
  const live = readProcess(recorded.pid);
  if (!live) return `no process ${recorded.pid} is running`;
  if (live.startTime !== recorded.startTime)
    return `pid ${recorded.pid} started at tick ${live.startTime}, not ${recorded.startTime}: another process`;
  if (live.argv.join('\0') !== recorded.argv.join('\0')) {
    return `pid ${recorded.pid} runs ${JSON.stringify(live.argv.join(' ').slice(0, 200))}, not the recorded command line`;
  }
  return undefined;
}

/** The marker an origin process carries on its command line, with its owner's pid and start time. */
export interface OriginOwner {
  readonly pid: number;
  readonly startTime: string;
}

/** The owner named on an origin's command line (`<ORIGIN_MARKER>=<pid>:<startTime>`), if it is one of ours. */
export function ownerOf(argv: readonly string[]): OriginOwner | undefined {
  const arg = argv.find((a) => a.startsWith(`${ORIGIN_MARKER}=`));
  const m = arg ? /^(\d+):(\d+)$/.exec(arg.slice(ORIGIN_MARKER.length + 1)) : null;
  return m ? { pid: Number(m[1]), startTime: m[2]! } : undefined;
}

/**
 * Origin processes of this project whose owner (the drill or `up` that started them) is gone:
 * the marker is on their command line and no process with the owner's pid and start time runs.
 */
export function findOrphanOrigins(): ProcessIdentity[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const orphans: ProcessIdentity[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProcess(Number(name));
    const owner = p && ownerOf(p.argv);
    if (!p || !owner || p.pid === process.pid) continue;
    if (readProcess(owner.pid)?.startTime === owner.startTime) continue; // its owner is alive
    orphans.push({ pid: p.pid, startTime: p.startTime, argv: p.argv });
  }
  return orphans;
}

/** Sends `sig` to the process `who` names, only if it is still that process. Returns why not, or undefined. */
export function signalVerified(who: ProcessIdentity, sig: NodeJS.Signals): string | undefined {
  const why = mismatch(who);
  if (why) return why;
  try {
    process.kill(who.pid, sig);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
