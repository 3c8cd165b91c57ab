/**
 * An unreachable port: connecting to it hangs until the client's connect timeout, as to a
 * host that is down or behind a firewall that drops SYNs. Real socket behaviour on 127.0.0.1:
 *
 * - a helper process (the same node binary) binds the port, listens with a backlog of 1 and
 *   then blocks its own event loop, so it never calls accept();
 * - this process connects "filler" connections until the listener's accept queue is full,
 *   read back from the kernel (/proc/net/tcp lists a listener's accept queue length);
 * - from then on, Linux drops every SYN to the port (the accept queue is full), so a
 *   connect() neither completes nor is refused: the client retransmits its SYN until it
 *   gives up.
 *
 * `release` closes the fillers and kills the helper; the port is free again at once. The
 * helper also exits on its own when this process goes away (it checks its parent once a
 * second), so it never outlives the world that started it.
 */
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { LocalTargetError } from './errors.js';

const HOST = '127.0.0.1';
/** Where Linux lists the IPv4 TCP sockets of this network namespace. */
const PROC_NET_TCP = '/proc/net/tcp';
/** More fillers than this means the kernel does not behave as expected. */
const MAX_FILLERS = 8;
/** The helper's listen backlog (Node turns a backlog of 0 into its default of 511). */
const BACKLOG = 1;

/**
 * The helper: listens with the backlog it is given and never returns to its event loop, so
 * libuv never accepts. It reports "listening" or "error <code> <message>" on stdout.
 */
const HELPER_SOURCE = `
const net = require('node:net');
const fs = require('node:fs');
const [port, host, backlog] = process.argv.slice(1);
const parent = process.ppid;
const server = net.createServer();
server.on('error', (e) => {
  fs.writeSync(1, 'error ' + (e.code || 'EUNKNOWN') + ' ' + e.message + '\\n');
  process.exit(3);
});
server.listen({ port: Number(port), host, backlog: Number(backlog) }, () => {
  fs.writeSync(1, 'listening\\n');
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    Atomics.wait(cell, 0, 0, 1000);
    if (process.ppid !== parent) process.exit(0);
  }
});
`;

export interface UnreachablePortProps {
  /** The port to make unreachable; nothing may listen on it. */
  readonly port: number;
  /** The node binary for the helper. @default process.execPath */
  readonly nodePath?: string;
  /** How long binding the port may take, EADDRINUSE retries included. @default 5000 */
  readonly startTimeoutMs?: number;
}

export class UnreachablePort {
  private released = false;

  private constructor(
    readonly port: number,
    private readonly child: ResultPromise,
    private readonly fillers: readonly Socket[],
  ) {}

  /** The helper's process id (for diagnostics and tests). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Makes the port unreachable; returns once SYNs to it are dropped. */
  static async hold(props: UnreachablePortProps): Promise<UnreachablePort> {
    await assertProcNetTcp();
    const deadline = Date.now() + (props.startTimeoutMs ?? 5_000);
    for (;;) {
      const started = await startHelper(props, deadline);
      if (started.kind === 'listening') {
        const fillers: Socket[] = [];
        const held = new UnreachablePort(props.port, started.child, fillers);
        try {
          await fillAcceptQueue(props.port, fillers, deadline);
          return held;
        } catch (e) {
          await held.release();
          throw e;
        }
      }
      // The port was closed a moment ago: retry briefly in case the kernel has not released it.
      if (started.code !== 'EADDRINUSE' || Date.now() > deadline) {
        throw new LocalTargetError('external', `could not hold 127.0.0.1:${props.port} for the unreachable fault: ${started.message}`);
      }
      await sleep(50);
    }
  }

  /** Closes the fillers and kills the helper; the port is free when this returns. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const s of this.fillers) s.destroy();
    this.child.kill('SIGKILL');
    await this.child;
  }
}

type Started = { kind: 'listening'; child: ResultPromise } | { kind: 'failed'; code: string; message: string };

async function startHelper(props: UnreachablePortProps, deadline: number): Promise<Started> {
  const file = props.nodePath ?? process.execPath;
  const child = execa(file, ['-e', HELPER_SOURCE, String(props.port), HOST, String(BACKLOG)], {
    env: {},
    extendEnv: false,
    stdin: 'ignore',
    stderr: 'pipe',
    reject: false,
    cleanup: true,
  });
  if (child.pid === undefined) {
    const r = await child;
    return { kind: 'failed', code: 'ESPAWN', message: `could not start ${file}: ${r.message}` };
  }
  const lines = createInterface({ input: child.stdout! });
  const waiting = new AbortController();
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    child.then((r) => `exited (${r.signal ?? `exit code ${String(r.exitCode)}`}): ${String(r.stderr).trim().slice(-500)}`),
    sleep(Math.max(1_000, deadline - Date.now()), 'timed out before it listened', { signal: waiting.signal }).catch(() => ''),
  ]);
  waiting.abort();
  if (first === 'listening') {
    lines.on('line', () => undefined); // nothing more comes; keep the pipe drained anyway
    return { kind: 'listening', child };
  }
  lines.close();
  child.kill('SIGKILL');
  await child;
  const m = /^error (\S+) (.*)$/.exec(first);
  return m ? { kind: 'failed', code: m[1]!, message: m[2]! } : { kind: 'failed', code: 'EHELPER', message: `the helper ${first}` };
}

/** Connects fillers until the kernel reports the listener's accept queue as full. */
async function fillAcceptQueue(port: number, fillers: Socket[], deadline: number): Promise<void> {
  for (;;) {
    const queued = await acceptQueueLength(port);
    if (queued === undefined)
      throw new LocalTargetError('external', `the helper's listener on 127.0.0.1:${port} is not in ${PROC_NET_TCP}`);
    // Linux drops SYNs once the queue holds more than the backlog.
    if (queued > BACKLOG) return;
    if (fillers.length >= MAX_FILLERS || Date.now() > deadline) {
      throw new LocalTargetError(
        'external',
        `the accept queue of 127.0.0.1:${port} is not full after ${fillers.length} connections (${queued} queued, backlog ${BACKLOG})`,
      );
    }
    const connected = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host: HOST });
      fillers.push(s);
      s.on('error', () => resolve(false));
      s.once('connect', () => {
        s.setTimeout(0);
        resolve(true);
      });
      s.setTimeout(2_000, () => resolve(false));
    });
    if (!connected) await sleep(10); // read the queue again: a filler that hangs means it is full
  }
}

/** How many connections wait in the accept queue of the listener on 127.0.0.1:port. */
async function acceptQueueLength(port: number): Promise<number | undefined> {
  const table = await readFile(PROC_NET_TCP, 'utf8');
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of table.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue ...; for a listener (st 0A),
    // rx_queue is the accept queue's length.
    const f = line.trim().split(/\s+/);
    if (f[1] !== local || f[3] !== '0A') continue;
    return parseInt(f[4]!.split(':')[1]!, 16);
  }
  return undefined;
}

async function assertProcNetTcp(): Promise<void> {
  try {
    await readFile(PROC_NET_TCP, 'utf8');
  } catch (e) {
    throw new LocalTargetError(
      'usage',
      `fault unreachable: needs Linux (it reads the listener's accept queue from ${PROC_NET_TCP}, which is not readable here: ${(e as Error).message})`,
      { cause: e },
    );
  }
}
