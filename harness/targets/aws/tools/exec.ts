/**
 * Runs one external command the way both tool wrappers need it: an argument array (never a
 * shell string), a timeout, an AbortSignal, and a CommandError that carries the command line,
 * the exit code and stderr. Used only by terraform.ts and aws-cli.ts.
 *
 * The command runs in its own process group, and a timeout or an abort signals the whole group
 * (SIGTERM, then SIGKILL after a grace period): terraform's provider plugins and the CLI's
 * helpers would otherwise keep the output pipes open and the call would never return.
 */
import { execa } from 'execa';
import { CommandError, formatCommand } from './errors.js';

/** Time a stopped command gets to exit after SIGTERM before SIGKILL (terraform saves state on SIGTERM). */
const KILL_GRACE_MS = 10_000;

export interface RunOptions {
  readonly tool: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Variables added to the parent's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Also append stdout and stderr to this file as they arrive. */
  readonly logFile?: string;
  /** Shown instead of the real arguments in messages (e.g. to hide a secret). */
  readonly displayArgs?: readonly string[];
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly commandLine: string;
}

export async function runCommand(o: RunOptions): Promise<RunResult> {
  const commandLine = formatCommand(o.file, o.displayArgs ?? o.args);
  const sink = o.logFile ? [{ file: o.logFile, append: true } as const] : [];
  const subprocess = execa(o.file, [...o.args], {
    env: o.env,
    extendEnv: true,
    detached: true,
    reject: false,
    stdin: 'ignore',
    stdout: ['pipe', ...sink],
    stderr: ['pipe', ...sink],
    stripFinalNewline: false,
  });
  let stopped: string | undefined;
  let hardKill: NodeJS.Timeout | undefined;
  const signalGroup = (sig: NodeJS.Signals) => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  const stop = (why: string) => {
    if (stopped !== undefined) return;
    stopped = why;
    signalGroup('SIGTERM');
    hardKill = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => stop(`timed out after ${o.timeoutMs} ms`), o.timeoutMs);
  const onAbort = () => stop('aborted');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();
  let result: Awaited<typeof subprocess>;
  try {
    result = await subprocess;
  } finally {
    clearTimeout(timer);
    clearTimeout(hardKill);
    o.signal?.removeEventListener('abort', onAbort);
  }
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  if (!result.failed) return { stdout, stderr, commandLine };
  let reason: string;
  if (stopped !== undefined) reason = stopped;
  else if (result.exitCode !== undefined) reason = `exit code ${result.exitCode}`;
  else if ((result as { code?: string }).code === 'ENOENT') reason = `${o.file} not found`;
  else reason = result.signal ? `killed by ${result.signal}` : (result.shortMessage ?? 'failed to start');
  throw new CommandError(o.tool, commandLine, result.exitCode, stderr, reason, { cause: result.cause });
}
