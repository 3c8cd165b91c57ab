/**
 * `dr-drill switch-writes`: the real Debian AWS CLI 2.9.19 is refused with a clear error (it
 * has no cloudfront-keyvaluestore), and the switch-then-wait loop is exercised with a
 * recording stand-in for a newer CLI and an edge on 127.0.0.1 that follows the key.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../harness/cli.js';
import { testUnless } from '../support/skip.js';
import { findTerraform, TERRAFORM_ENV } from '../support/terraform.js';

const ARN = 'arn:aws:cloudfront::123456789012:key-value-store/0a1b2c3d-0000-4000-8000-000000000000';
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'switch-writes-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: work };
}

const real = await findTerraform();
const withTerraform = testUnless(real.found ? undefined : real.reason);

/** A directory with a deployed stack: cdktf.out/stacks/edge-failover with a local state holding `outputs`. */
function deployedProject(outputs: Record<string, string>): string {
  const cwd = mkdtempSync(join(work, 'project-'));
  const stackDir = join(cwd, 'cdktf.out', 'stacks', 'edge-failover');
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'terraform.tfstate' } } } }));
  const state = Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value, type: 'string' }]));
  writeFileSync(
    join(stackDir, 'terraform.tfstate'),
    JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'switch-writes', outputs: state, resources: [] }),
  );
  return cwd;
}

const debianCli = existsSync('/usr/bin/aws') ? undefined : 'the Debian AWS CLI v2 (/usr/bin/aws) is not installed';

testUnless(debianCli)('an AWS CLI without cloudfront-keyvaluestore is a usage error that says so', async () => {
  const o = io();
  const code = await main(
    [
      'switch-writes',
      '--to',
      'secondary',
      '--kvs-arn',
      ARN,
      '--edge-url',
      'http://127.0.0.1:9',
      '--write-path',
      '/api/x',
      '--aws-cli',
      '/usr/bin/aws',
    ],
    o,
  );
  expect(code).toBe(2);
  expect(o.err.join('')).toMatch(/has no cloudfront-keyvaluestore commands .*install a current AWS CLI v2 and pass it with --aws-cli/);
});

test('a bad --to is refused naming the value and what is allowed', async () => {
  const o = io();
  expect(
    await main(['switch-writes', '--to', 'us-west-2', '--kvs-arn', ARN, '--edge-url', 'http://127.0.0.1:9', '--write-path', '/a'], o),
  ).toBe(2);
  expect(o.err.join('')).toMatch(/--to = "us-west-2": allowed: primary, secondary/);
});

test('a malformed --kvs-arn is refused before any call', async () => {
  const o = io();
  expect(
    await main(
      [
        'switch-writes',
        '--to',
        'secondary',
        '--kvs-arn',
        'nope',
        '--edge-url',
        'http://127.0.0.1:9',
        '--write-path',
        '/a',
        '--aws-cli',
        '/nonexistent',
      ],
      o,
    ),
  ).toBe(2);
  expect(o.err.join('')).toMatch(/--kvs-arn = "nope": allowed: a KeyValueStore ARN/);
});

describe('with a CLI that has the KeyValueStore commands', () => {
  let server: Server;
  let edgeUrl: string;
  let cli: string;
  let state: string;
  let log: string;
  let etag: string;
  let control: string;

  beforeAll(async () => {
    state = join(work, 'kvs-value');
    log = join(work, 'cli-calls');
    writeFileSync(state, 'primary');
    writeFileSync(log, '');
    cli = join(work, 'aws');
    etag = join(work, 'kvs-etag');
    control = join(work, 'kvs-control');
    writeFileSync(etag, 'ETAG1');
    writeFileSync(control, '');
    // The stand-in answers the three operations the switch uses, as the AWS CLI prints them, and records its arguments.
    // PutKey follows the API: If-Match must be the store's current ETag (else ConflictException), and a put changes it.
    // Its control file can lose the next put's answer after the key is set ("lose"), or change the store first ("conflict").
    writeFileSync(
      cli,
      `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, args.join(' ') + '\\n');
const op = args[1];
const etag = () => fs.readFileSync(${JSON.stringify(etag)}, 'utf8');
const fail = (code, what) => { console.error('\\nAn error occurred (' + code + ') when calling the PutKey operation: ' + what); process.exit(254); };
if (op === 'get-key') console.log(JSON.stringify({ Key: 'active-region', Value: fs.readFileSync(${JSON.stringify(state)}, 'utf8') }));
else if (op === 'describe-key-value-store') console.log(JSON.stringify({ ETag: etag(), KvsARN: args[3] }));
else if (op === 'put-key') {
  const control = fs.readFileSync(${JSON.stringify(control)}, 'utf8');
  fs.writeFileSync(${JSON.stringify(control)}, '');
  if (control === 'conflict') fs.writeFileSync(${JSON.stringify(etag)}, etag() + 'x');
  if (args[args.indexOf('--if-match') + 1] !== etag()) fail('ConflictException', 'Resource is not in expected state.');
  fs.writeFileSync(${JSON.stringify(state)}, args[args.indexOf('--value') + 1]);
  fs.writeFileSync(${JSON.stringify(etag)}, etag() + '+');
  if (control === 'lose') fail('InternalServerException', 'Internal server error.');
  console.log(JSON.stringify({ ETag: etag(), ItemCount: 1 }));
}
else if (op === 'get-caller-identity') console.log(JSON.stringify({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:role/ci', UserId: 'AID' }));
else { console.error('unexpected ' + op); process.exit(1); }
`,
    );
    chmodSync(cli, 0o755);
    let sinceSwitch = 0;
    // The edge follows the key after two more writes, as a propagation delay would make it.
    server = createServer((req, res) => {
      const active = readFileSync(state, 'utf8');
      const serving = active === 'secondary' && ++sinceSwitch > 2 ? 'secondary' : 'primary';
      req.resume();
      res.writeHead(201, { 'x-served-by': `${serving}/local` }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    edgeUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('sets the key with the ETag, then waits for consecutive writes from the region', async () => {
    const o = io();
    const code = await main(
      [
        'switch-writes',
        '--to',
        'secondary',
        '--kvs-arn',
        ARN,
        '--edge-url',
        edgeUrl,
        '--write-path',
        '/api/x',
        '--aws-cli',
        cli,
        '--interval',
        '0.1',
        '--confirmations',
        '2',
        '--timeout',
        '20',
        '--yes',
      ],
      o,
    );
    expect(code).toBe(0);
    // The plan, with the account the CLI acts as, comes first (stderr); the switch goes ahead on --yes.
    expect(o.err.join('')).toMatch(
      /^About to switch the write router to secondary \(active-region = secondary\)\n {2}account: {2}123456789012 as arn:aws:iam::123456789012:role\/ci\n/,
    );
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .filter((c) => !c.startsWith('sts '));
    expect(calls[0]).toMatch(/^cloudfront-keyvaluestore get-key --kvs-arn \S+ --key active-region --output json --region us-east-1/);
    expect(calls[1]).toMatch(/^cloudfront-keyvaluestore describe-key-value-store --kvs-arn /);
    expect(calls[2]).toMatch(/^cloudfront-keyvaluestore put-key --kvs-arn \S+ --key active-region --value secondary --if-match ETAG1 /);
    const out = o.out.join('');
    expect(out).toMatch(/active-region is primary; setting it to secondary/);
    expect(out).toMatch(/write 1: 201 from primary \(0\/2\)/);
    expect(out).toMatch(
      /the edge serves writes from the secondary \d+\.\d s after the key was set \(KeyValueStore propagation, measured\)/,
    );
  }, 30_000);

  test('asks first: without a terminal it needs --yes, --dry-run and a "no" on the terminal change nothing', async () => {
    writeFileSync(state, 'primary');
    writeFileSync(log, '');
    const args = [
      'switch-writes',
      '--to',
      'secondary',
      '--kvs-arn',
      ARN,
      '--edge-url',
      edgeUrl,
      '--write-path',
      '/api/x',
      '--aws-cli',
      cli,
    ];
    const noTerminal = io();
    expect(await main(args, noTerminal)).toBe(2);
    expect(noTerminal.err.join('')).toMatch(
      /dr-drill: refusing to switch the write router to secondary without a terminal to confirm on: pass --yes to go ahead, or --dry-run to see the plan only\n$/,
    );
    const dry = io();
    expect(await main([...args, '--dry-run'], dry)).toBe(0);
    expect(dry.err.join('')).toMatch(/^Dry run: would switch the write router to secondary[^]*Dry run: nothing was changed\.\n$/);
    const asked: string[] = [];
    const no = { ...io(), ask: async (q: string) => (asked.push(q), 'n') };
    expect(await main(args, no)).toBe(2);
    expect(asked).toEqual(['Go ahead? [y/N] ']);
    expect(no.err.join('')).toMatch(/not confirmed \(answer "n"\): nothing was changed/);
    expect(readFileSync(log, 'utf8')).not.toMatch(/put-key|describe-key-value-store/);
    expect(readFileSync(state, 'utf8')).toBe('primary');
  }, 30_000);

  test('gives up after its bound with exit 3 when the edge never follows', async () => {
    writeFileSync(state, 'primary');
    const o = io();
    const code = await main(
      [
        'switch-writes',
        '--to',
        'primary',
        '--kvs-arn',
        ARN,
        '--edge-url',
        edgeUrl,
        '--write-path',
        '/api/x',
        '--aws-cli',
        cli,
        '--interval',
        '0.1',
        '--timeout',
        '1',
        '--confirmations',
        '100',
        '--yes',
      ],
      o,
    );
    expect(code).toBe(3);
    expect(o.err.join('')).toMatch(/did not serve 100 consecutive writes from the primary within 1 s/);
  }, 30_000);

  const switchTo = (to: string, o: ReturnType<typeof io>) =>
    main(
      ['switch-writes', '--to', to, '--kvs-arn', ARN, '--edge-url', edgeUrl, '--write-path', '/api/x', '--aws-cli', cli].concat([
        '--interval',
        '0.1',
        '--confirmations',
        '1',
        '--timeout',
        '20',
        '--yes',
      ]),
      o,
    );

  test('a put-key whose answer is lost after the key was set: the retry is refused on the stale ETag, and get-key decides', async () => {
    writeFileSync(state, 'primary');
    writeFileSync(log, '');
    writeFileSync(control, 'lose');
    const o = io();
    const code = await switchTo('secondary', o);
    expect({ code, state: readFileSync(state, 'utf8') }).toEqual({ code: 0, state: 'secondary' });
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((c) => c.split(' ')[1])
      .filter((op) => op !== 'get-caller-identity'); // the plan's account, before the switch
    expect(calls).toEqual(['get-key', 'describe-key-value-store', 'put-key', 'put-key', 'get-key']);
    const err = o.err.join('');
    expect(err).toMatch(/put-key active-region=secondary failed \(2 attempts, the last: .*ConflictException.*\); reading the key back/);
    expect(err).toMatch(/get-key reads active-region=secondary: the put took effect although its answer was lost/);
    expect(o.out.join('')).toMatch(/the edge serves writes from the secondary/);
  }, 30_000);

  test('a put-key refused because another writer changed the store: get-key reads the old region, and the switch fails saying so', async () => {
    writeFileSync(state, 'primary');
    writeFileSync(control, 'conflict');
    const o = io();
    const code = await switchTo('secondary', o);
    expect(code).not.toBe(0);
    expect(readFileSync(state, 'utf8')).toBe('primary');
    expect(o.err.join('')).toMatch(
      /put-key active-region=secondary failed \(1 attempt, the last: .*ConflictException.*\), and get-key reads primary: the key is not set/,
    );
  }, 30_000);

  describe('what is not given is read from the deployed stack', () => {
    const OUTPUT_ARN = 'arn:aws:cloudfront::123456789012:key-value-store/ffffffff-0000-4000-8000-000000000000';
    const projectIo = (cwd: string) => ({ ...io(), cwd, env: { TF_CLI_CONFIG_FILE: TERRAFORM_ENV['TF_CLI_CONFIG_FILE'] } });

    withTerraform(
      'without --kvs-arn and --domain, both come from the terraform outputs; an explicit --kvs-arn still wins',
      async () => {
        const cwd = deployedProject({ write_router_kvs_arn: OUTPUT_ARN, distribution_domain_name: 'd111111abcdef8.cloudfront.net' });
        const before = readdirSync(cwd, { recursive: true }).sort();
        writeFileSync(state, 'primary');
        writeFileSync(log, '');
        const fromOutputs = projectIo(cwd);
        const args = ['switch-writes', '--to', 'secondary', '--write-path', '/api/x', '--aws-cli', cli, '--dry-run'];
        expect(await main(args, fromOutputs)).toBe(0);
        expect(fromOutputs.err.join('')).toContain(
          `switch-writes: the write router's KeyValueStore from the stack edge-failover's outputs: ${OUTPUT_ARN}\n`,
        );
        expect(fromOutputs.out.join('')).toContain(
          'setting it to secondary, then confirming with writes to https://d111111abcdef8.cloudfront.net/api/x\n',
        );
        expect(readFileSync(log, 'utf8')).toMatch(new RegExp(`^cloudfront-keyvaluestore get-key --kvs-arn ${OUTPUT_ARN} `, 'm'));

        writeFileSync(log, '');
        const explicit = projectIo(cwd);
        expect(await main([...args, '--kvs-arn', ARN], explicit)).toBe(0);
        expect(explicit.err.join('')).not.toContain('from the stack');
        expect(explicit.out.join('')).toContain('confirming with writes to https://d111111abcdef8.cloudfront.net/api/x');
        expect(readFileSync(log, 'utf8')).toMatch(new RegExp(`^cloudfront-keyvaluestore get-key --kvs-arn ${ARN} `, 'm'));
        expect(readFileSync(state, 'utf8')).toBe('primary');
        // Read-only in the project: no .terraform, no lock file next to the stack.
        expect(readdirSync(cwd, { recursive: true }).sort()).toEqual(before);
      },
      30_000,
    );

    withTerraform(
      'a stack deployed without the write router: exit 2 naming --kvs-arn and the missing output, before any AWS call',
      async () => {
        const cwd = deployedProject({ distribution_domain_name: 'd111111abcdef8.cloudfront.net' });
        writeFileSync(log, '');
        const o = projectIo(cwd);
        expect(await main(['switch-writes', '--to', 'secondary', '--write-path', '/api/x', '--aws-cli', cli, '--yes'], o)).toBe(2);
        expect(o.err.join('')).toContain(
          "--kvs-arn = (missing): allowed: the write router's KeyValueStore ARN: the stack edge-failover as deployed has no output write_router_kvs_arn",
        );
        expect(readFileSync(log, 'utf8')).toBe('');
      },
      30_000,
    );
  });
});
