/**
 * The suite's AWS CLI fork (__tests__/support/aws-cli-fork) behaves as /usr/bin/aws does: the same
 * exit code, stdout and stderr for each call below, run once through each, and the same end when
 * the call is signalled. Each case reaches what the fork must carry over: arguments, environment
 * (credentials, config and credentials files, profile, region, output format), working directory,
 * exit codes of each kind and signals; and what its server reads ahead for every call (the CLI's
 * data files: the list of services, the models; the OS release) must never stand in for what a
 * caller changes: a data folder of its own (AWS_DATA_PATH), models in ~/.aws/models, a service
 * whose model is not read ahead, a home directory other than the server's. Settings that differ
 * from one call to the next go through the same server, one after the other, so that a setting
 * kept from an earlier call would show. (The drill never writes to the CLI's stdin; the fork
 * passes it on all the same.) The API answers come from small local endpoints here (query
 * protocol, XML): STS, IAM (a list in pages) and SQS.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { startAwsCliFork, type AwsCliFork } from '../support/aws-cli-fork/global-setup.js';
import { DENIED_XML, identityXml } from '../support/aws-cli-fork/sts-answers.js';
import { describeUnless } from '../support/skip.js';

const REAL = '/usr/bin/aws';
const missing = existsSync(REAL) ? undefined : `the AWS CLI v2 is not at ${REAL} (apt-get install awscli)`;
const SERVER_PY = join(dirname(fileURLToPath(import.meta.url)), '../support/aws-cli-fork/server.py');
/** The STS model the CLI ships (the folder of its one API version). */
const STS_MODELS = '/usr/lib/python3/dist-packages/awscli/botocore/data/sts';

/** The accounts an endpoint answers, by the region the request was signed for; each endpoint its own. */
const ACCOUNTS = [
  { 'us-east-1': '111111111111', 'eu-west-1': '222222222222', other: '999999999999' },
  { 'us-east-1': '333333333333', 'eu-west-1': '444444444444', other: '888888888888' },
] as const;

/** IAM ListUsers, two pages: the first says there is more (Marker), the second ends the list. */
function listUsersXml(marker: string | undefined): string {
  const [names, next] = marker === 'page-2' ? [['carol'], undefined] : [['alice', 'bob'], 'page-2'];
  const users = names
    .map(
      (n) =>
        `<member><Path>/</Path><UserName>${n}</UserName><UserId>AIDA${n.toUpperCase()}</UserId>` +
        `<Arn>arn:aws:iam::111111111111:user/${n}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></member>`,
    )
    .join('');
  return (
    '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult>' +
    `<Users>${users}</Users><IsTruncated>${next !== undefined}</IsTruncated>${next ? `<Marker>${next}</Marker>` : ''}` +
    '</ListUsersResult><ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></ListUsersResponse>'
  );
}

const LIST_QUEUES_XML =
  '<ListQueuesResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ListQueuesResult>' +
  '<QueueUrl>http://127.0.0.1/111111111111/drill</QueueUrl></ListQueuesResult>' +
  '<ResponseMetadata><RequestId>r-4</RequestId></ResponseMetadata></ListQueuesResponse>';

/** The names PRELOADED_SERVICES lists in server.py: the services whose models the server reads ahead. */
function preloadedServices(): string[] {
  const m = /^PRELOADED_SERVICES = \(([^)]*)\)/m.exec(readFileSync(SERVER_PY, 'utf8'));
  if (!m) throw new Error(`${SERVER_PY}: no PRELOADED_SERVICES = (...)`);
  return [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!);
}

/** The CLI's STS model with one more operation, `name`, that asks what GetCallerIdentity asks. */
function stsModelWith(name: string): string {
  const [version] = readdirSync(STS_MODELS);
  const model = JSON.parse(readFileSync(join(STS_MODELS, version!, 'service-2.json'), 'utf8'));
  model.operations[name] = { ...model.operations.GetCallerIdentity, name };
  return JSON.stringify(model);
}

describeUnless(missing, 'the AWS CLI fork runs each call as /usr/bin/aws does', () => {
  let fork: AwsCliFork;
  const endpoints: Server[] = [];
  const urls: string[] = [];
  let dir: string;
  /** Calls made through the fork's client, and of those the ones the server must leave to /usr/bin/aws. */
  let clientCalls = 0;
  let leftToReal = 0;
  /** Requests of the key HANG are held; each one's socket, to see when the CLI lets go of it. */
  const held: Socket[] = [];
  const arrived: Array<() => void> = [];

  const endpoint = (accounts: (typeof ACCOUNTS)[number]) =>
    createServer((req: IncomingMessage, res: ServerResponse) => {
      const auth = String(req.headers.authorization ?? '');
      const [, key = 'none', region = 'none'] = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(auth) ?? [];
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = new URLSearchParams(Buffer.concat(chunks).toString());
        if (key === 'HANG') {
          held.push(req.socket);
          arrived.shift()?.();
          return;
        }
        const xml = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(text);
        if (key === 'DENIED') return xml(403, DENIED_XML);
        if (body.get('Action') === 'ListUsers') return xml(200, listUsersXml(body.get('Marker') ?? undefined));
        if (body.get('Action') === 'ListQueues') return xml(200, LIST_QUEUES_XML);
        // Any other action is answered as GetCallerIdentity: the account tells the region the
        // request was signed for and the endpoint, the user the access key that signed it.
        const account = accounts[region as keyof typeof accounts] ?? accounts.other;
        return xml(200, identityXml(account, key));
      });
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aws-cli-fork-'));
    // The server's home is the callers' (env() below): calls of another home are not forked.
    fork = await startAwsCliFork(REAL, { env: { ...process.env, HOME: dir } });
    writeFileSync(
      join(dir, 'config'),
      '[profile drill]\nregion = eu-west-1\n\n[profile text]\nregion = us-east-1\noutput = text\n\n[profile table]\nregion = eu-west-1\noutput = table\n',
    );
    writeFileSync(join(dir, 'config-2'), '[profile drill]\nregion = us-east-1\noutput = yaml\n');
    writeFileSync(
      join(dir, 'credentials'),
      '[default]\naws_access_key_id = FILEDEFAULT\naws_secret_access_key = s1\n\n[drill]\naws_access_key_id = FILEDRILL\naws_secret_access_key = s2\n',
    );
    writeFileSync(join(dir, 'input.json'), '{}');
    mkdirSync(join(dir, 'data', 'sts', '2011-06-15'), { recursive: true });
    writeFileSync(join(dir, 'data', 'sts', '2011-06-15', 'service-2.json'), stsModelWith('WhoAmIFromDataPath'));
    for (const accounts of ACCOUNTS) {
      const s = endpoint(accounts);
      endpoints.push(s);
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    for (const s of endpoints) await new Promise((resolve) => s.close(resolve));
    await fork?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string | undefined> = {}): Record<string, string> => {
    const all: Record<string, string | undefined> = {
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
    };
    return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  };
  const run = (binary: string, args: string[], o: { env?: Record<string, string | undefined> } = {}) => {
    if (binary === fork.client) clientCalls += 1;
    return execa(binary, args, { env: env(o.env), extendEnv: false, cwd: dir, reject: false, timeout: 60_000 });
  };
  const seen = (r: Awaited<ReturnType<typeof run>>) => ({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr });
  /** One call each way, real first: what each gave. */
  async function both(args: string[], o: { env?: Record<string, string | undefined> } = {}) {
    const real = seen(await run(REAL, args, o));
    const forked = seen(await run(fork.client, args, o));
    return { real, forked };
  }

  const at = (i: number) => ['--endpoint-url', urls[i]!];
  const sts_ = (...more: string[]) => ['sts', 'get-caller-identity', ...at(0), '--output', 'json', ...more];
  const iam = (...more: string[]) => ['iam', 'list-users', ...at(0), '--region', 'us-east-1', ...more];
  const NO_KEYS = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };
  type Case = { name: string; args: () => string[]; env?: Record<string, string | undefined>; exit: number };
  // Each case costs a /usr/bin/aws start (about a CPU-second). The settings of the sequence test
  // below (a profile's region and output, another config file, another endpoint, the region and
  // output from the environment, the credentials file, --query) are compared there, not again here.
  const CASES: Case[] = [
    { name: '--version', args: () => ['--version'], exit: 0 },
    { name: 'an operation the service does not have (usage error)', args: () => ['sts', 'no-such-operation'], exit: 252 },
    { name: 'a service the CLI does not have (usage error)', args: () => ['no-such-service', 'list'], exit: 252 },
    { name: 'a call answered', args: () => sts_('--region', 'us-east-1'), exit: 0 },
    // AWS_PROFILE, not --profile: a profile named on the command line takes no credentials from the environment.
    {
      name: 'the output format of a profile (text)',
      args: () => ['sts', 'get-caller-identity', ...at(0)],
      env: { AWS_CONFIG_FILE: 'config', AWS_PROFILE: 'text' },
      exit: 0,
    },
    {
      name: 'a profile named on the command line: no credentials from the environment',
      args: () => ['sts', 'get-caller-identity', ...at(0), '--profile', 'table'],
      env: { AWS_CONFIG_FILE: 'config' },
      exit: 253,
    },
    {
      name: 'AWS_REGION over AWS_DEFAULT_REGION',
      args: () => sts_(),
      env: { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-1' },
      exit: 0,
    },
    { name: 'no region anywhere', args: () => sts_(), exit: 253 },
    { name: '--query that selects nothing', args: () => sts_('--region', 'eu-west-1', '--query', 'NoSuchKey'), exit: 0 },
    {
      // 2.9.19 reads no endpoint URL from the environment (AWS_ENDPOINT_URL came with 2.13):
      // the answer must come from the --endpoint-url one, each way.
      name: 'AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS, which 2.9.19 does not read',
      args: () => sts_('--region', 'us-east-1'),
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' },
      exit: 0,
    },
    {
      name: "credentials of the credentials file's profile",
      args: () => sts_('--region', 'us-east-1', '--profile', 'drill'),
      env: { ...NO_KEYS, AWS_SHARED_CREDENTIALS_FILE: 'credentials' },
      exit: 0,
    },
    {
      name: 'credentials from the environment over those of the file',
      args: () => sts_('--region', 'us-east-1'),
      env: { AWS_SHARED_CREDENTIALS_FILE: 'credentials' },
      exit: 0,
    },
    { name: 'no credentials anywhere', args: () => sts_('--region', 'us-east-1'), env: NO_KEYS, exit: 253 },
    { name: 'an error answer', args: () => sts_('--region', 'us-east-1'), env: { AWS_ACCESS_KEY_ID: 'DENIED' }, exit: 254 },
    {
      name: 'a file:// parameter relative to the working directory',
      args: () => sts_('--region', 'us-east-1', '--cli-input-json', 'file://input.json'),
      exit: 0,
    },
    {
      name: 'a file:// parameter that is not there',
      args: () => sts_('--region', 'us-east-1', '--cli-input-json', 'file://nothing.json'),
      exit: 252,
    },
    { name: 'a list in pages, all of it', args: () => iam(), exit: 0 },
    { name: 'a list in pages, --max-items 1 (a NextToken)', args: () => iam('--max-items', '1'), exit: 0 },
    {
      name: 'a service whose model the server does not read ahead (sqs)',
      args: () => ['sqs', 'list-queues', ...at(0), '--region', 'us-east-1'],
      exit: 0,
    },
    {
      name: 'a data folder of its own (AWS_DATA_PATH) whose STS model has one more operation',
      args: () => ['sts', 'who-am-i-from-data-path', ...at(0), '--region', 'us-east-1'],
      env: { AWS_DATA_PATH: 'data' },
      exit: 0,
    },
    {
      name: 'that operation without the data folder (usage error)',
      args: () => ['sts', 'who-am-i-from-data-path', ...at(0), '--region', 'us-east-1'],
      exit: 252,
    },
  ];

  test.each(CASES)('$name: same exit code, stdout and stderr', async (c) => {
    const { real, forked } = await both(c.args(), c);
    expect(real.exitCode).toBe(c.exit);
    expect(forked).toEqual(real);
  });

  test('the profile case reads the profile: its region signs the request, not the default', async () => {
    const r = await run(fork.client, sts_(), { env: { AWS_CONFIG_FILE: 'config', AWS_PROFILE: 'drill' } });
    expect(JSON.parse(r.stdout).Account).toBe(ACCOUNTS[0]['eu-west-1']);
  });

  test('the sqs case is of a service the server does not read ahead', () => {
    expect(preloadedServices()).toContain('sts');
    expect(preloadedServices()).not.toContain('sqs');
  });

  test('settings that change from call to call: each call through the same server answers as /usr/bin/aws, with its own', async () => {
    // Each setting changes the answer (account, user, format), so one kept from the call before would show.
    const settings: Array<{ args: string[]; env?: Record<string, string | undefined> }> = [
      { args: ['sts', 'get-caller-identity', ...at(0)], env: { AWS_CONFIG_FILE: 'config', AWS_PROFILE: 'drill' } },
      { args: ['sts', 'get-caller-identity', ...at(0)], env: { AWS_CONFIG_FILE: 'config-2', AWS_PROFILE: 'drill' } },
      { args: ['sts', 'get-caller-identity', ...at(0)], env: { AWS_CONFIG_FILE: 'config', AWS_PROFILE: 'table' } },
      { args: ['sts', 'get-caller-identity', ...at(1), '--region', 'eu-west-1'] },
      { args: ['sts', 'get-caller-identity', ...at(0)], env: { AWS_DEFAULT_REGION: 'us-east-1', AWS_DEFAULT_OUTPUT: 'text' } },
      { args: sts_('--region', 'us-east-1'), env: { ...NO_KEYS, AWS_SHARED_CREDENTIALS_FILE: 'credentials' } },
      { args: sts_('--region', 'us-east-1', '--query', 'Arn') },
    ];
    // /usr/bin/aws once for each; through the fork forwards, then backwards, so that each setting
    // follows a different one each time.
    const real = [];
    for (const setting of settings) real.push(seen(await run(REAL, setting.args, setting)));
    for (const i of [...settings.keys(), ...[...settings.keys()].reverse()]) {
      const forked = seen(await run(fork.client, settings[i]!.args, settings[i]!));
      expect({ setting: i, ...forked }).toEqual({ setting: i, ...real[i] });
    }
    expect(real.map((r) => r.exitCode)).toEqual(settings.map(() => 0));
    expect(new Set(real.map((r) => r.stdout)).size).toBe(settings.length);
  }, 300_000);

  test("models in ~/.aws/models (the caller's home) are read, as /usr/bin/aws reads them", async () => {
    const models = join(dir, '.aws', 'models');
    mkdirSync(join(models, 'sts', '2011-06-15'), { recursive: true });
    try {
      writeFileSync(join(models, 'sts', '2011-06-15', 'service-2.json'), stsModelWith('WhoAmIFromHome'));
      const { real, forked } = await both(['sts', 'who-am-i-from-home', ...at(0), '--region', 'us-east-1', '--output', 'json']);
      expect(real.exitCode).toBe(0);
      expect(forked).toEqual(real);
    } finally {
      rmSync(join(dir, '.aws'), { recursive: true, force: true });
    }
    // And once they are gone, the operation is unknown again, each way.
    const { real, forked } = await both(['sts', 'who-am-i-from-home', ...at(0), '--region', 'us-east-1']);
    expect(real.exitCode).toBe(252);
    expect(forked).toEqual(real);
  }, 60_000);

  test('a caller of another home directory: the same answer, its own aliases (the client runs /usr/bin/aws)', async () => {
    // The alias file is read from the home the CLI's modules saw when imported (awscli/alias.py):
    // the caller's for /usr/bin/aws, the server's for a forked call.
    const home = join(dir, 'elsewhere');
    mkdirSync(join(home, '.aws', 'cli'), { recursive: true });
    writeFileSync(join(home, '.aws', 'cli', 'alias'), '[toplevel]\nwhoami = sts get-caller-identity\n');
    const { real, forked } = await both(['whoami', ...at(0), '--region', 'us-east-1', '--output', 'json'], { env: { HOME: home } });
    leftToReal += 1;
    expect(real.exitCode).toBe(0);
    expect(forked).toEqual(real);
  });

  /** Starts a call the endpoint holds, and waits until its request has arrived. */
  async function heldCall(binary: string): Promise<{ call: ResultPromise; socket: Socket }> {
    const came = new Promise<void>((resolve) => arrived.push(resolve));
    if (binary === fork.client) clientCalls += 1;
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

  // Last: it ends the server.
  test('the server forked every call made through it, but those of another home directory', async () => {
    const { calls, notForked } = await fork.stop();
    expect({ calls, notForked }).toEqual({ calls: clientCalls - leftToReal, notForked: leftToReal });
  }, 60_000);
});
