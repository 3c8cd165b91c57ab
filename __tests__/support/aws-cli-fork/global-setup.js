/**
 * jest's globalSetup: starts the AWS CLI fork server (./server.py) for the test run and points
 * AWS_CLI_V2 at a client (./client.py) that runs each `aws` call through it, so the suite's
 * thousand-odd calls do not each pay the CLI's Python start and its reading of its data files
 * (about a CPU-second; forked, about a fifth of it). The tests take the CLI from AWS_CLI_V2
 * (__tests__/support/aws/world.ts, emulator/aws-cli.ts); each call is still the CLI's own entry
 * point in its own process.
 *
 * Nothing is started when AWS_CLI_V2 is already set, when /usr/bin/aws is not there (the AWS
 * suites skip themselves), or with EDGE_FAILOVER_TEST_AWS_FORK=off (every call starts /usr/bin/aws).
 * globalTeardown (./global-teardown.js) stops it and adds its children's CPU to the CPU log.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REAL = '/usr/bin/aws';
const READY_TIMEOUT_MS = 30_000;

/** The interpreter /usr/bin/aws names in its #! line: the server must import the same CLI. */
function interpreterOf(script) {
  const first = readFileSync(script, 'utf8').split('\n', 1)[0];
  const m = /^#!\s*(\/\S+)\s*$/.exec(first);
  if (!m) throw new Error(`${script}: expected a "#!/path/to/python3" first line, found ${JSON.stringify(first)}`);
  return m[1];
}

/**
 * Starts a fork server and writes its client: `client` is an executable that runs like `real`.
 * `stop()` ends the server and gives what its forked CLIs used: { calls, notForked, childrenS, selfS }
 * (notForked: the calls it left to `real`, made by a caller of another home directory; selfS: the
 * server's own CPU, its import of the CLI and its reading of the data files ahead included).
 * `env` is the server's environment (default: this process's); its HOME is the one it forks for.
 * `callers`: the result has a folder `callers` where a process writes, in a file named by its pid,
 * the test file it runs; the server counts the calls of that process and its descendants for it
 * (stop() gives byFile: { [test file]: { calls, cpuS } }, '' for calls of no such process).
 */
export async function startAwsCliFork(real = REAL, { env = process.env, callers = false } = {}) {
  const python = interpreterOf(real);
  const dir = mkdtempSync(join(tmpdir(), 'edge-failover-aws-fork-'));
  const socketPath = join(dir, 'socket');
  const callersDir = callers ? join(dir, 'callers') : undefined;
  if (callersDir) mkdirSync(callersDir);
  const client = join(dir, 'aws');
  const source = readFileSync(join(HERE, 'client.py'), 'utf8')
    .replace("'@SOCKET@'", JSON.stringify(socketPath))
    .replace("'@REAL@'", JSON.stringify(real));
  writeFileSync(client, `#!${python} -SE\n${source}`);
  chmodSync(client, 0o755);

  const server = spawn(python, [join(HERE, 'server.py'), socketPath, ...(callersDir ? [callersDir] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  let out = '';
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  server.stdout.setEncoding('utf8');
  server.stdout.on('data', (t) => {
    out += t;
    if (out.startsWith('ready\n')) markReady(true);
  });
  const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('late'), READY_TIMEOUT_MS)));
  const first = await Promise.race([ready, exited, late]);
  clearTimeout(timer);
  if (first !== true) {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
    const why = first === 'late' ? `gave no "ready" in ${READY_TIMEOUT_MS} ms` : `exited first (${first.signal ?? `exit ${first.code}`})`;
    throw new Error(`the AWS CLI fork server (${python} ${join(HERE, 'server.py')}) ${why}`);
  }
  return {
    client,
    callers: callersDir,
    async stop() {
      server.stdin.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
      const last = out.trim().split('\n').at(-1);
      return last && last !== 'ready' ? JSON.parse(last) : { calls: 0, notForked: 0, childrenS: 0, selfS: 0, byFile: {} };
    },
  };
}

export default async function globalSetup() {
  const setting = process.env['EDGE_FAILOVER_TEST_AWS_FORK'];
  // What this run changes in process.env, which globalTeardown puts back: a process that runs jest
  // again (Stryker's runner, once per mutant) must not find AWS_CLI_V2 naming a stopped fork's
  // client (every AWS CLI suite would skip itself) nor the setting gone.
  globalThis.__edgeFailoverAwsForkEnv = {
    EDGE_FAILOVER_TEST_AWS_FORK: setting,
    AWS_CLI_V2: process.env['AWS_CLI_V2'],
    EDGE_FAILOVER_TEST_AWS_FORK_CALLERS: process.env['EDGE_FAILOVER_TEST_AWS_FORK_CALLERS'],
  };
  delete process.env['EDGE_FAILOVER_TEST_AWS_FORK'];
  if (setting !== undefined && setting !== 'on' && setting !== 'off') {
    throw new Error(`EDGE_FAILOVER_TEST_AWS_FORK=${JSON.stringify(setting)}: expected on or off`);
  }
  if (setting === 'off' || process.env['AWS_CLI_V2'] !== undefined || !existsSync(REAL)) return;
  // Read now: in a run of one file the test environment, in this process, takes it out of process.env.
  const cpuLog = process.env['EDGE_FAILOVER_TEST_CPU_LOG'];
  // The calls are counted by test file for the CPU ledger alone.
  const fork = await startAwsCliFork(REAL, { callers: cpuLog !== undefined });
  globalThis.__edgeFailoverAwsFork = { stop: fork.stop, cpuLog };
  process.env['AWS_CLI_V2'] = fork.client;
  // For the test environment (../environment.js), which writes there the test file each worker runs.
  if (fork.callers) process.env['EDGE_FAILOVER_TEST_AWS_FORK_CALLERS'] = fork.callers;
}
