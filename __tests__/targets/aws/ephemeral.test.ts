import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, loadConfig } from '../../../config/index.js';
import { synthesize } from '../../../stacks/synth.js';
import { newRunId } from '../../../harness/run-id.js';
import { planEphemeralRun } from '../../../harness/targets/aws/ephemeral.js';
import { journalPath, newJournal, readJournal, writeJournal } from '../../../harness/targets/aws/safety/journal.js';

const out = mkdtempSync(join(tmpdir(), 'ephemeral-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('planEphemeralRun', () => {
  test('a run id is unique and fits tag values', () => {
    const a = newRunId(new Date('2026-01-02T03:04:05.678Z'));
    expect(a).toMatch(/^20260102t030405z-[a-z0-9]{6}$/);
    expect(newRunId()).not.toBe(newRunId());
  });

  test('the overrides put the run into the synthesized names and every provider default tag', () => {
    const base = configSchema.parse({ namePrefix: 'a-very-long-name-prefix', tags: { Team: 'sre' } });
    const plan = planEphemeralRun(base, '20260102t030405z-k3x9qa');
    expect(plan.overrides).toEqual({
      namePrefix: 'a-very-long-name-k3x9qa',
      tags: { Team: 'sre', EdgeFailoverRunId: '20260102t030405z-k3x9qa' },
    });
    expect(plan.journalName).toBe('a-very-long-name-prefix');
    const config = loadConfig({ env: {}, overrides: { namePrefix: base.namePrefix, tags: base.tags, ...plan.overrides } });
    const synth = synthesize(config, out);
    expect(synth.stackName).toBe(plan.stackName);
    const tf = JSON.parse(readFileSync(synth.tfJsonPath, 'utf8')) as {
      provider: { aws: { default_tags: { tags: Record<string, string> }[]; alias: string }[] };
      resource: { aws_apprunner_service: Record<string, { service_name: string }> };
    };
    for (const p of tf.provider.aws) {
      expect(p.default_tags[0]!.tags).toMatchObject({
        EdgeFailoverRunId: plan.runId,
        EdgeFailoverStack: plan.stackName,
        ManagedBy: 'edge-failover',
        Team: 'sre',
      });
    }
    expect(
      Object.values(tf.resource.aws_apprunner_service)
        .map((s) => s.service_name)
        .sort(),
    ).toEqual(['a-very-long-name-k3x9qa-primary', 'a-very-long-name-k3x9qa-secondary']);
  });
});

describe('journal', () => {
  test('is written atomically and read back; no temp files remain', async () => {
    const dir = join(out, 'state');
    const j = newJournal({
      stack: 's1',
      runId: 'r1',
      mode: 'ephemeral',
      stackDir: '/x',
      varFiles: [],
      regions: ['us-east-1', 'us-east-1', 'us-west-2'],
    });
    const arn = 'arn:aws:apprunner:us-east-1:1:service/a/b';
    j.faults.push({ backend: 'apprunner', role: 'primary', serviceArn: arn, region: 'us-east-1', resource: arn, undoCommands: [] });
    await writeJournal(dir, j);
    await writeJournal(dir, { ...j, applyStarted: true });
    expect(await readJournal(dir, 's1')).toMatchObject({
      applyStarted: true,
      regions: ['us-east-1', 'us-west-2'],
      faults: [{ role: 'primary', resource: arn }],
    });
    expect(readdirSync(dir)).toEqual(['s1.journal.json']);
    expect(journalPath(dir, 's1')).toBe(join(dir, 's1.journal.json'));
    expect(await readJournal(dir, 'none')).toBeUndefined();
  });
});
