/**
 * The suite's AWS CLI fork (__tests__/support/aws-cli-fork) behaves as /usr/bin/aws does: the same
 * exit code, stdout and stderr for each call below, run once through each, and the same end when
 * the call is signalled. Each case reaches what the fork must carry over: arguments, environment
 * (credentials, config file, profile, region), working directory, exit codes of each kind and
 * signals. (The drill never writes to the CLI's stdin; the fork passes it on all the same.) The API answers come from a small STS endpoint here (query protocol, XML).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { startAwsCliFork, type AwsCliFork } from '../support/aws-cli-fork/global-setup.js';
import { DENIED_XML, identityXml } from '../support/aws-cli-fork/sts-answers.js';
import { describeUnless } from '../support/skip.js';

const REAL = '/usr/bin/aws';
const missing = existsSync(REAL) ? undefined : `the AWS CLI v2 is not at ${REAL} (apt-get install awscli)`;

describeUnless(missing, 'the AWS CLI fork runs each call as /usr/bin/aws does', () => {
  let fork: AwsCliFork;
  let sts: Server;
  let url: string;
  let dir: string;
  /** Requests of the key HANG are held; each one's socket, to see when the CLI lets go of it. */
  const held: Socket[] = [];
  const arrived: Array<() => void> = [];

  beforeAll(async () => {
    fork = await startAwsCliFork(REAL);
    dir = mkdtempSync(join(tmpdir(), 'aws-cli-fork-'));
    writeFileSync(join(dir, 'config'), '[profile drill]\nregion = eu-west-1\n');
    writeFileSync(join(dir, 'input.json'), '{}');
    sts = createServer((req: IncomingMessage, res: ServerResponse) => {
      const auth = String(req.headers.authorization ?? '');
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(auth)?.[1] ?? 'none';
      req.resume();
      req.on('end', () => {
        if (auth.includes('Credential=HANG/')) {
          held.push(req.socket);
          arrived.shift()?.();
          return;
        }
        if (auth.includes('Credential=DENIED/')) {
          res.writeHead(403, { 'content-type': 'text/xml' }).end(DENIED_XML);
          return;
        }
        // The account tells the region the request was signed for, so a test sees the profile's region.
        const account = { 'us-east-1': '111111111111', 'eu-west-1': '222222222222' }[region] ?? '999999999999';
        res.writeHead(200, { 'content-type': 'text/xml' }).end(identityXml(account));
      });
    });
    await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => sts?.close(resolve));
    await fork?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    PATH: '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  });
  const run = (binary: string, args: string[], o: { env?: Record<string, string> } = {}) =>
    execa(binary, args, { env: env(o.env), extendEnv: false, cwd: dir, reject: false, timeout: 60_000 });
  const seen = (r: Awaited<ReturnType<typeof run>>) => ({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr });

  const sts_ = (...more: string[]) => ['sts', 'get-caller-identity', '--endpoint-url', url, '--output', 'json', ...more];
  const CASES: Array<{ name: string; args: () => string[]; env?: Record<string, string>; exit: number }> = [
    { name: '--version', args: () => ['--version'], exit: 0 },
    { name: 'an operation the service does not have (usage error)', args: () => ['sts', 'no-such-operation'], exit: 252 },
    { name: 'a call answered', args: () => sts_('--region', 'us-east-1'), exit: 0 },
    {
      name: 'the region from the profile of the config file the environment names',
      args: () => sts_(),
      env: { AWS_CONFIG_FILE: 'config', AWS_PROFILE: 'drill' },
      exit: 0,
    },
    { name: 'no region anywhere', args: () => sts_(), exit: 253 },
    { name: 'an error answer', args: () => sts_('--region', 'us-east-1'), env: { AWS_ACCESS_KEY_ID: 'DENIED' }, exit: 254 },
    {
      name: 'a file:// parameter relative to the working directory',
      args: () => sts_('--region', 'us-east-1', '--cli-input-json', 'file://input.json'),
      exit: 0,
    },
  ];

  test.each(CASES)('$name: same exit code, stdout and stderr', async (c) => {
    const real = await run(REAL, c.args(), c);
    const forked = await run(fork.client, c.args(), c);
    expect(real.exitCode).toBe(c.exit);
    expect(seen(forked)).toEqual(seen(real));
  });

  test('the profile case reads the profile: its region signs the request, not the default', async () => {
    const r = await run(fork.client, sts_(), { env: { AWS_CONFIG_FILE: 'config', AWS_PROFILE: 'drill' } });
    expect(JSON.parse(r.stdout).Account).toBe('222222222222');
  });

  /** Starts a call the endpoint holds, and waits until its request has arrived. */
  async function heldCall(binary: string): Promise<{ call: ResultPromise; socket: Socket }> {
    const came = new Promise<void>((resolve) => arrived.push(resolve));
    const call = execa(binary, sts_('--region', 'us-east-1', '--cli-read-timeout', '0'), {
      env: env({ AWS_ACCESS_KEY_ID: 'HANG' }),
      extendEnv: false,
      cwd: dir,
      reject: false,
    });
    await came;
    return { call, socket: held.at(-1)! };
  }
  const closed = (socket: Socket) =>
    socket.closed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve()));

  test.each(['SIGTERM', 'SIGINT'] as const)(
    '%s during a call: the same end as the real CLI, and the call is let go',
    async (sig) => {
      const ends = [];
      for (const binary of [REAL, fork.client]) {
        const { call, socket } = await heldCall(binary);
        call.kill(sig);
        const r = await call;
        await closed(socket);
        ends.push({ exitCode: r.exitCode, signal: r.signal, stdout: r.stdout });
      }
      expect(ends[1]).toEqual(ends[0]);
    },
    60_000,
  );

  test('SIGKILL of the client: the forked CLI goes too (its connection to the endpoint closes)', async () => {
    const { call, socket } = await heldCall(fork.client);
    call.kill('SIGKILL');
    expect((await call).signal).toBe('SIGKILL');
    await closed(socket);
    expect(socket.closed).toBe(true);
  }, 60_000);
});
