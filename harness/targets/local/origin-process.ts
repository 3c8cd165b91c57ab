/**
 * One probe-app process: `node app/probe-app.mjs` on a free port of 127.0.0.1, started
 * with execa (argument array, no shell). It is ready when it logs the port it listens on.
 *
 * It dies with the process that started it: node loads origin-watchdog.mjs first, which exits
 * when its stdin (a pipe this process holds and never writes) closes, as it does on `kill -9`.
 * Its command line names its owner (ORIGIN_MARKER=<pid>:<start time>), so `dr-drill recover`
 * can find an origin whose owner is gone, and only such an origin.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { LocalTargetError } from './errors.js';
import type { TargetLog } from '../target.js';
import { ORIGIN_MARKER, selfIdentity } from './processes.js';

/** The probe app's source file. */
export const PROBE_APP_FILE = fileURLToPath(new URL('../../../app/probe-app.mjs', import.meta.url));
/** Exits the origin when the pipe from its owner closes. */
export const ORIGIN_WATCHDOG_URL = pathToFileURL(fileURLToPath(new URL('./origin-watchdog.mjs', import.meta.url))).href;

let ownerMarker: string | undefined;
/** `<ORIGIN_MARKER>=<this pid>:<this start time>`, read once. */
export function originMarker(): string {
  ownerMarker ??= `${ORIGIN_MARKER}=${process.pid}:${selfIdentity().startTime}`;
  return ownerMarker;
}

export interface OriginProcessProps {
  /** A name for messages, e.g. "primary". */
  readonly name: string;
  /** The environment of the process (nothing else is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** @default process.execPath */
  readonly nodePath?: string;
  /** @default PROBE_APP_FILE */
  readonly appPath?: string;
  /** How long to wait for the app to listen. @default 10000 */
  readonly startTimeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL. @default 2000 */
  readonly killGraceMs?: number;
  /** Aborts the start (not the running process). */
  readonly signal?: AbortSignal;
  readonly log?: TargetLog;
}

export class OriginProcess {
  private exitedFlag = false;

  private constructor(
    readonly name: string,
    readonly pid: number,
    readonly port: number,
    private readonly child: ResultPromise,
  ) {
    void child.then(() => {
      this.exitedFlag = true;
    });
  }

  get exited(): boolean {
    return this.exitedFlag;
  }

  static async start(props: OriginProcessProps): Promise<OriginProcess> {
    const file = props.nodePath ?? process.execPath;
    const args = ['--import', ORIGIN_WATCHDOG_URL, props.appPath ?? PROBE_APP_FILE, originMarker()];
    const child = execa(file, args, {
      env: { ...props.env },
      extendEnv: false,
      // Never written: its closing (this process gone) is what ends the origin.
      stdin: 'pipe',
      // Its own process group: a signal to the drill's group (Ctrl-C, a CI runner cancelling)
      // reaches the drill, which resumes and stops the origin itself.
      detached: true,
      reject: false,
      cleanup: true,
      forceKillAfterDelay: props.killGraceMs ?? 2_000,
    });
    const log = props.log ?? (() => undefined);
    const pid = child.pid;
    if (pid === undefined) {
      const result = await child;
      throw new LocalTargetError('external', `could not start the ${props.name} origin (${file} ${args.join(' ')}): ${result.message}`);
    }

    const lines = createInterface({ input: child.stdout! });
    const errLines = createInterface({ input: child.stderr! });
    errLines.on('line', (l) => log(`${props.name} origin: ${l}`));

    const timeoutMs = props.startTimeoutMs ?? 10_000;
    const port = await new Promise<number>((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        cleanup();
        child.kill('SIGKILL');
        reject(new LocalTargetError('external', `the ${props.name} origin (pid ${pid}) did not start: ${why}`));
      };
      const timer = setTimeout(() => fail(`no "listening" line within ${timeoutMs} ms`), timeoutMs);
      const onAbort = () => fail('aborted');
      const onLine = (line: string) => {
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          return;
        }
        const port = (msg as { port?: unknown }).port;
        if ((msg as { msg?: unknown }).msg === 'probe app listening' && typeof port === 'number') {
          cleanup();
          resolve(port);
        }
      };
      const cleanup = () => {
        settled = true;
        clearTimeout(timer);
        props.signal?.removeEventListener('abort', onAbort);
        lines.off('line', onLine);
      };
      if (props.signal?.aborted) return fail('aborted');
      props.signal?.addEventListener('abort', onAbort, { once: true });
      lines.on('line', onLine);
      void child.then((r) =>
        fail(`it exited (${r.signal ?? `exit code ${String(r.exitCode)}`}): ${r.stderr.toString().trim().slice(-2000)}`),
      );
    });
    // Keep reading stdout so the app never blocks on a full pipe.
    lines.on('line', () => undefined);
    log(`${props.name} origin: pid ${pid}, app port ${port}`);
    return new OriginProcess(props.name, pid, port, child);
  }

  /** Stops the process: SIGTERM, then SIGKILL after the grace period. Idempotent. */
  async stop(): Promise<void> {
    if (!this.exitedFlag) this.child.kill('SIGTERM');
    await this.child;
  }
}
