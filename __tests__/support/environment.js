/**
 * The jest test environment of every suite: jest's node environment, plus
 * - the offline environment (./offline.js), set on the real process.env before jest copies it
 *   into the test's sandbox, so child processes spawned with or without an explicit env get it;
 * - a check that the test file left nothing open: child processes, servers, sockets, pipes and
 *   timers that keep the event loop alive after the file's last hook. What remains fails the
 *   file with a list of what it is, so a leak never turns into "Jest did not exit" later.
 *
 * The check compares process.getActiveResourcesInfo() after the file with what was active
 * before it, and gives closing handles a short time to finish closing. Its cost is a few
 * microseconds per file when nothing is left open. Plain JavaScript: jest loads test
 * environments outside the TypeScript transform.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { applyOfflineEnvironment } from './offline.js';

applyOfflineEnvironment(process.env);

/**
 * The environment's own settings: read once per worker, then taken out of process.env, so the CLIs the
 * tests start (edge-failover warns of an EDGE_FAILOVER_* variable it does not read) never see them.
 */
const OWN = (globalThis.__edgeFailoverTestEnvironment ??= Object.fromEntries(
  ['EDGE_FAILOVER_TEST_CLOSE_GRACE_MS', 'EDGE_FAILOVER_TEST_CPU_LOG', 'EDGE_FAILOVER_TEST_AWS_FORK_CALLERS'].map((name) => {
    const value = process.env[name];
    delete process.env[name];
    return [name, value];
  }),
));

/** How long handles that are closing get to close before they count as left open. */
const CLOSE_GRACE_MS = Number(OWN['EDGE_FAILOVER_TEST_CLOSE_GRACE_MS'] ?? 2_000);
const POLL_MS = 20;
/**
 * EDGE_FAILOVER_TEST_CPU_LOG=<file>: each file's CPU seconds (this worker's, and of the child
 * processes it waited for: terraform, the AWS CLI, drills, moto) are appended to <file> as one
 * JSON line. Read with `node __tests__/support/cpu-ledger.mjs <file>` (see docs/testing.md).
 */
const CPU_LOG = OWN['EDGE_FAILOVER_TEST_CPU_LOG'];

/**
 * The AWS CLI fork server's folder of callers (./aws-cli-fork/global-setup.js): while a file runs,
 * a file there named by this process's id holds its path, so the server counts the AWS CLI calls
 * of this process and its descendants for it in the CPU ledger.
 */
const AWS_FORK_CALLERS = OWN['EDGE_FAILOVER_TEST_AWS_FORK_CALLERS'];

/** Resource kinds that are jest's own or transient (file-system requests), never a test's leak. */
const IGNORED = new Set(['TTYWrap', 'FSReqCallback', 'FSReqPromise', 'FileHandle', 'FileHandleCloseReq', 'StatWatcher']);

/**
 * This process's own stdin, stdout or stderr. Node creates each the first time something reads
 * `process.stdin` (etc.), so a file can be the first to: in a jest worker they are pipes to jest,
 * which would look like a pipe the file left open (and releasing it would cut the worker's
 * output). Told apart by fd, since reading `process.stdin` to compare would create it.
 */
function isOwnStdio(h) {
  const fd = h?._handle?.fd;
  return h?.constructor?.name === 'Socket' && (fd === 0 || fd === 1 || fd === 2);
}

function countResources() {
  const counts = new Map();
  for (const kind of process.getActiveResourcesInfo()) {
    if (IGNORED.has(kind)) continue;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  // Each active stdio stream is one of the PipeWrap (or TCPWrap) entries above.
  for (const h of process._getActiveHandles().filter(isOwnStdio)) {
    const kind = h._handle.constructor.name === 'Pipe' ? 'PipeWrap' : 'TCPWrap';
    counts.set(kind, (counts.get(kind) ?? 1) - 1);
  }
  return counts;
}

function excess(now, before) {
  const out = [];
  for (const [kind, n] of now) {
    const extra = n - (before.get(kind) ?? 0);
    if (extra > 0) out.push(`${extra} × ${kind}`);
  }
  return out;
}

/** Says what a handle is, for the failure message. */
function describeHandle(h) {
  const name = h?.constructor?.name ?? typeof h;
  if (name === 'ChildProcess') return `child process ${h.pid}: ${(h.spawnargs ?? []).join(' ').slice(0, 200)}`;
  if (name === 'Server') {
    const a = h.address?.();
    return `server listening on ${typeof a === 'string' ? a : a ? `${a.address}:${a.port}` : '?'}`;
  }
  if (name === 'Socket') {
    if (h.remotePort !== undefined) return `socket ${h.localAddress}:${h.localPort} -> ${h.remoteAddress}:${h.remotePort}`;
    return h._handle?.constructor?.name === 'Pipe' ? 'pipe (a child process stdio, or a unix socket)' : 'socket (not connected)';
  }
  return name;
}

function release(h) {
  try {
    if (h?.constructor?.name === 'ChildProcess') h.kill('SIGKILL');
    else if (typeof h?.destroy === 'function') h.destroy();
    else if (typeof h?.close === 'function') h.close();
  } catch {
    // Already closed.
  }
}

/**
 * CPU seconds so far of this process and of its waited-for children, from /proc/self/stat
 * (utime, stime, cutime, cstime: fields 14 to 17, in clock ticks of 1/100 s on Linux).
 */
function cpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = (i) => Number(f[i - 3]) / 100;
  return { self: tick(14) + tick(15), children: tick(16) + tick(17) };
}

export default class LeakCheckingEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  async setup() {
    await super.setup();
    if (AWS_FORK_CALLERS) writeFileSync(join(AWS_FORK_CALLERS, String(process.pid)), this.testPath);
    if (CPU_LOG) this.cpuBefore = { at: Date.now(), ...cpuSeconds() };
    this.resourcesBefore = countResources();
    this.handlesBefore = new Set(process._getActiveHandles());
  }

  async teardown() {
    let left = excess(countResources(), this.resourcesBefore);
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
      left = excess(countResources(), this.resourcesBefore);
    }
    const handles = left.length > 0 ? process._getActiveHandles().filter((h) => !this.handlesBefore.has(h) && !isOwnStdio(h)) : [];
    await super.teardown();
    if (AWS_FORK_CALLERS) rmSync(join(AWS_FORK_CALLERS, String(process.pid)), { force: true });
    if (CPU_LOG) {
      const now = cpuSeconds();
      const b = this.cpuBefore;
      const line = {
        file: this.testPath,
        wallS: (Date.now() - b.at) / 1000,
        selfS: now.self - b.self,
        childrenS: now.children - b.children,
      };
      appendFileSync(CPU_LOG, `${JSON.stringify(line)}\n`);
    }
    if (left.length === 0) return;
    // A timer alone is reported, not failed: libraries loaded by a test (the Go runtime of
    // @cdktf/hcl2json's WebAssembly, for one) may keep a short timer past the file's end.
    // It cannot be closed or awaited from a test: the Go runtimes of @cdktf/hcl2json and
    // @cdktf/hcl-tools keep their timers (runtime.scheduleTimeoutEvent) in a `Go` instance that
    // is a local of the package's bridge (lib/bridge.js, src/bridge.js), and the Go side exports
    // only parse, parseExpression and getExpressionAst (format for hcl-tools): no exit, no
    // handle. Once a parse or format has resolved, neither leaves a timer (node alone: none
    // pending 10 ms to 3 s later; hcl/export.test.ts under load: none reported), so what this
    // allows is a timer the Go scheduler sets while a call is still running.
    if (handles.length === 0 && left.every((l) => l.endsWith('× Timeout'))) {
      process.stderr.write(`${this.testPath}: a timer was still pending ${CLOSE_GRACE_MS} ms after its last hook (${left.join(', ')})\n`);
      return;
    }
    const detail = handles.map((h) => `  - ${describeHandle(h)}`).join('\n');
    // Reported; now closed, so that jest still exits (with this file failed).
    for (const h of handles) release(h);
    throw new Error(
      `${this.testPath} left open after its last hook (${CLOSE_GRACE_MS} ms later): ${left.join(', ')}\n` +
        (detail ? `${detail}\n` : '') +
        'Close what the file starts in an afterAll/afterEach (servers, child processes, sockets, timers); ' +
        'run the file with --detectOpenHandles to see where each was created.',
    );
  }
}
