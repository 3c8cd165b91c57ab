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
 * The helper is started first (`prepare`) and takes the port when told to (`hold`), so the
 * port is closed, and connections refused, for only a moment in between. `release` closes
 * the fillers and kills the helper; the port is free again at once. The helper also exits on
 * its own when this process goes away (its stdin closes, or it checks its parent once a
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
 * The helper: waits for a line on stdin, then listens with the backlog it is given (retrying
 * briefly while the port is still being released) and never returns to its event loop, so
 * libuv never accepts. It reports "ready", then "listening" or "error <code> <message>", on
 * stdout. Started ahead of time, it takes the port within a millisecond or two of the origin
 * letting go of it.
 */
const HELPER_SOURCE = `
const net = require('node:net');
const fs = require('node:fs');
const [port, host, backlog] = process.argv.slice(1);
const parent = process.ppid;
const server = net.createServer();
let tries = 0;
server.on('error', (e) => {
  if (e.code === 'EADDRINUSE' && ++tries < 100) return setTimeout(listen, 20);
  fs.writeSync(1, 'error ' + (e.code || 'EUNKNOWN') + ' ' + e.message + '\\n');
  process.exit(3);
});
function listen() {
  server.listen({ port: Number(port), host, backlog: Number(backlog) }, () => {
    fs.writeSync(1, 'listening\\n');
    const cell = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      Atomics.wait(cell, 0, 0, 1000);
      if (process.ppid !== parent) process.exit(0);
    }
  });
}
process.stdin.once('data', listen);
process.stdin.on('end', () => process.exit(0));
fs.writeSync(1, 'ready\\n');
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

  constructor(
    readonly port: number,
    private readonly child: ResultPromise,
    private readonly fillers: readonly Socket[],
  ) {}

  /** The helper's process id (for diagnostics and tests). */
  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Starts the helper without touching the port. Call `hold` on the result once the port is
   * free; `cancel` if it is not needed after all.
   */
  static async prepare(props: UnreachablePortProps): Promise<PreparedPort> {
    await assertProcNetTcp();
    const deadline = Date.now() + (props.startTimeoutMs ?? 5_000);
    return new PreparedPort(props.port, await startHelper(props, deadline), deadline);
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

/** A helper that is running and waiting to take the port. */
export class PreparedPort {
  private used = false;

  constructor(
    private readonly port: number,
    private readonly helper: Helper,
    private readonly deadline: number,
  ) {}

  /** Makes the (now free) port unreachable; returns once SYNs to it are dropped. */
  async hold(): Promise<UnreachablePort> {
    if (this.used) throw new LocalTargetError('internal', 'a prepared port can be held once');
    this.used = true;
    this.helper.child.stdin!.write('bind\n');
    const answer = await this.helper.next(this.deadline);
    const fillers: Socket[] = [];
    const held = new UnreachablePort(this.port, this.helper.child, fillers);
    if (answer !== 'listening') {
      await held.release();
      const m = /^error (\S+) (.*)$/.exec(answer);
      throw new LocalTargetError(
        'external',
        `could not hold 127.0.0.1:${this.port} for the unreachable fault: ${m ? m[2] : `the helper ${answer}`}`,
      );
    }
    try {
      await fillAcceptQueue(this.port, fillers, this.deadline);
      return held;
    } catch (e) {
      await held.release();
      throw e;
    }
  }

  /** Stops the helper unused. Idempotent. */
  async cancel(): Promise<void> {
    if (this.used) return;
    this.used = true;
    this.helper.child.kill('SIGKILL');
    await this.helper.child;
  }
}

interface Helper {
  readonly child: ResultPromise;
  /** The helper's next line on stdout, or why there is none. */
  next(deadline: number): Promise<string>;
}

async function startHelper(props: UnreachablePortProps, deadline: number): Promise<Helper> {
  const file = props.nodePath ?? process.execPath;
  const child = execa(file, ['-e', HELPER_SOURCE, String(props.port), HOST, String(BACKLOG)], {
    env: {},
    extendEnv: false,
    stdin: 'pipe',
    stderr: 'pipe',
    reject: false,
    cleanup: true,
    // Out of the drill's process group, as the origins are: the drill stops it, and its stdin closing ends it.
    detached: true,
  });
  if (child.pid === undefined) {
    const r = await child;
    throw new LocalTargetError('external', `unreachable fault: could not start ${file}: ${r.message}`);
  }
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  let waiter: ((line: string) => void) | undefined;
  lines.on('line', (line) => (waiter ? (waiter(line), (waiter = undefined)) : queue.push(line)));
  const exited = child.then((r) => `exited (${r.signal ?? `exit code ${String(r.exitCode)}`}): ${String(r.stderr).trim().slice(-500)}`);
  const helper: Helper = {
    child,
    async next(until) {
      if (queue.length > 0) return queue.shift()!;
      const waiting = new AbortController();
      try {
        return await Promise.race([
          new Promise<string>((resolve) => (waiter = resolve)),
          exited,
          sleep(Math.max(1_000, until - Date.now()), 'timed out', { signal: waiting.signal }),
        ]);
      } finally {
        waiting.abort();
      }
    },
  };
  const first = await helper.next(deadline).catch(() => 'timed out');
  if (first !== 'ready') {
    child.kill('SIGKILL');
    await child;
    throw new LocalTargetError('external', `unreachable fault: the port helper did not start: ${first}`);
  }
  return helper;
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
