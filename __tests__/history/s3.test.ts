/**
 * The S3 history through the real AWS CLI v2 against moto's S3 (moto_server): `run --history`'s
 * append (`<prefix>/<runId>/run.json`) and `dr-drill history s3://bucket/prefix`, read-only.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { main, type CliIo } from '../../harness/cli.js';
import { appendRun, parseHistoryLocation } from '../../harness/history/store.js';
import { checkMoto, MotoServer } from '../../emulator/moto/moto-server.js';
import { AWS_CLI_V2 } from '../../emulator/aws-cli.js';
import { FAKE_CREDENTIALS } from '../../emulator/world.js';
import { clampLag, generatedHistory, noise } from '../support/history.js';
import { describeUnless } from '../support/skip.js';

const AWS = AWS_CLI_V2;
const moto = checkMoto();
const missing = !existsSync(AWS) ? `the AWS CLI v2 is not at ${AWS} (apt-get install awscli)` : 'reason' in moto ? moto.reason : undefined;
const ENV = {
  ...FAKE_CREDENTIALS,
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_DEFAULT_REGION: 'us-east-1',
};

describeUnless(missing, 'S3 history through the AWS CLI and moto', () => {
  let server: MotoServer;
  let work: string;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    server = await MotoServer.start();
    work = mkdtempSync(join(tmpdir(), 'history-s3-'));
    // The CLI is a child of this process: it inherits the fake credentials.
    for (const [k, v] of Object.entries(ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    await execa(AWS, ['s3api', 'create-bucket', '--bucket', 'drill-history', '--endpoint-url', server.url], { timeout: 60_000 });
  }, 60_000);
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const io = (): CliIo & { out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: work };
  };

  test('appended runs are listed as <prefix>/<runId>/run.json; history reads them back, skipping a corrupt one', async () => {
    const records = generatedHistory(
      Array.from({ length: 12 }, (_, i) => ({ failoverLagS: clampLag(0.4 + noise(i, 0.1)), failbackLagS: 0.3 })),
    );
    const to = await parseHistoryLocation('--history', 's3://drill-history/nightly/edge', work);
    for (const r of records) {
      const file = join(work, 'run.json');
      writeFileSync(file, JSON.stringify(r));
      expect(await appendRun(to, file, r.runId, { binary: AWS, endpointUrl: server.url })).toBe(
        `s3://drill-history/nightly/edge/${r.runId}/run.json`,
      );
    }
    writeFileSync(join(work, 'bad.json'), '{ not json');
    await execa(
      AWS,
      ['s3', 'cp', join(work, 'bad.json'), 's3://drill-history/nightly/edge/broken/run.json', '--endpoint-url', server.url],
      { timeout: 60_000 },
    );
    const listed = await execa(
      AWS,
      ['s3api', 'list-objects-v2', '--bucket', 'drill-history', '--prefix', 'nightly/', '--endpoint-url', server.url, '--output', 'json'],
      { timeout: 60_000 },
    );
    const keys = (JSON.parse(listed.stdout).Contents as { Key: string }[]).map((c) => c.Key).sort();
    expect(keys).toEqual([...records.map((r) => `nightly/edge/${r.runId}/run.json`), 'nightly/edge/broken/run.json'].sort());

    const o = io();
    expect(
      await main(['history', 's3://drill-history/nightly/edge', '--out', 'out', '--endpoint-url', server.url, '--aws-cli', AWS], o),
    ).toBe(0);
    expect(o.out.join('')).toContain('History of 12 runs');
    expect(o.out.join('')).toContain('Skipped s3://drill-history/nightly/edge/broken/run.json: ');
    expect(JSON.parse(readFileSync(join(work, 'out', 'history.json'), 'utf8')).runs[0].source).toBe(
      `s3://drill-history/nightly/edge/${records[0]!.runId}/run.json`,
    );
  }, 120_000);

  test('an S3 prefix the CLI cannot read (no such bucket) is an error naming the command, exit 3', async () => {
    const o = io();
    const code = await main(['history', 's3://no-such-bucket-here/x', '--out', 'out2', '--endpoint-url', server.url, '--aws-cli', AWS], o);
    expect(code).toBe(3);
    expect(o.err.join('')).toContain('aws s3 cp');
  }, 120_000);

  test('an upload to a bucket that does not exist is an error naming the command', async () => {
    const to = await parseHistoryLocation('--history', 's3://no-such-bucket-here/nightly', work);
    writeFileSync(join(work, 'one.json'), '{}');
    await expect(appendRun(to, join(work, 'one.json'), 'r1', { binary: AWS, endpointUrl: server.url })).rejects.toThrow(/aws s3 cp/);
  }, 120_000);
});
