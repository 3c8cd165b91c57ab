/**
 * jest's globalSetup: starts the AWS CLI fork server (./server.py) for the test run and points
 * AWS_CLI_V2 at a client (./client.py) that runs each `aws` call through it, so the suite's
 * thousand-odd calls do not each pay the CLI's Python start (about a CPU-second; forked, about a
 * third of it). The tests take the CLI from AWS_CLI_V2 (__tests__/support/aws/world.ts,
 * emulator/aws-cli.ts); each call is still the CLI's own entry point in its own process.
 *
 * Nothing is started when AWS_CLI_V2 is already set, when /usr/bin/aws is not there (the AWS
 * suites skip themselves), or with EDGE_FAILOVER_TEST_AWS_FORK=off (every call starts /usr/bin/aws).
 * globalTeardown (./global-teardown.js) stops it and adds its children's CPU to the CPU log.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
 * `stop()` ends the server and gives what its forked CLIs used: { calls, childrenS }.
 */
export async function startAwsCliFork(real = REAL) {
  const python = interpreterOf(real);
  const dir = mkdtempSync(join(tmpdir(), 'edge-failover-aws-fork-'));
  const socketPath = join(dir, 'socket');
  const client = join(dir, 'aws');
  const source = readFileSync(join(HERE, 'client.py'), 'utf8')
    .replace("'@SOCKET@'", JSON.stringify(socketPath))
    .replace("'@REAL@'", JSON.stringify(real));
  writeFileSync(client, `#!${python} -SE\n${source}`);
  chmodSync(client, 0o755);

  const server = spawn(python, [join(HERE, 'server.py'), socketPath], { stdio: ['pipe', 'pipe', 'inherit'] });
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
    async stop() {
      server.stdin.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
      const last = out.trim().split('\n').at(-1);
      return last && last !== 'ready' ? JSON.parse(last) : { calls: 0, childrenS: 0 };
    },
  };
}

export default async function globalSetup() {
  const setting = process.env['EDGE_FAILOVER_TEST_AWS_FORK'];
  // What this run changes in process.env, which globalTeardown puts back: a process that runs jest
  // again (Stryker's runner, once per mutant) must not find AWS_CLI_V2 naming a stopped fork's
  // client (every AWS CLI suite would skip itself) nor the setting gone.
  globalThis.__edgeFailoverAwsForkEnv = { EDGE_FAILOVER_TEST_AWS_FORK: setting, AWS_CLI_V2: process.env['AWS_CLI_V2'] };
  delete process.env['EDGE_FAILOVER_TEST_AWS_FORK'];
  if (setting !== undefined && setting !== 'on' && setting !== 'off') {
    throw new Error(`EDGE_FAILOVER_TEST_AWS_FORK=${JSON.stringify(setting)}: expected on or off`);
  }
  if (setting === 'off' || process.env['AWS_CLI_V2'] !== undefined || !existsSync(REAL)) return;
  const fork = await startAwsCliFork();
  // Read now: in a run of one file the test environment, in this process, takes it out of process.env.
  globalThis.__edgeFailoverAwsFork = { stop: fork.stop, cpuLog: process.env['EDGE_FAILOVER_TEST_CPU_LOG'] };
  process.env['AWS_CLI_V2'] = fork.client;
}
