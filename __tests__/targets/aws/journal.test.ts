/**
 * The run journal's file: what an older journal owes is read as the current version owes it (so
 * `recover` prints and runs the same undo), a file that is not a journal is refused naming it, and
 * a write leaves either the old or the new journal, never a temporary file.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalPath, newJournal, readJournal, writeJournal } from '../../../harness/targets/aws/safety/journal.js';
import { recoverySteps } from '../../../harness/targets/aws/safety/recovery-steps.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';

const root = mkdtempSync(join(tmpdir(), 'journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `state${(dirs += 1)}`);

const service = 'arn:aws:apprunner:us-east-1:123456789012:service/p/1';
const rule = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/a/1/2/3';
const actions = [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1' }];

/** A version 1 journal as a drill of that version wrote it (no command, options, destroyOwed or faults). */
const v1 = (o: Record<string, unknown> = {}) => ({
  version: 1,
  stack: 'prod',
  runId: 'r1',
  mode: 'ephemeral',
  stackDir: '/stacks/prod',
  varFiles: [],
  regions: ['us-east-1'],
  startedAt: '2026-01-01T00:00:00.000Z',
  applyStarted: true,
  applyFinished: true,
  destroyed: false,
  paused: [{ role: 'primary', serviceArn: service, region: 'us-east-1' }],
  ruleFaults: [{ role: 'primary', ruleArn: rule, region: 'us-east-1', originalActions: actions }],
  leaks: [],
  events: [],
  ...o,
});

function put(dir: string, content: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(journalPath(dir, 'prod'), typeof content === 'string' ? content : JSON.stringify(content));
}

describe('the run journal', () => {
  test('no file: no journal', async () => {
    await expect(readJournal(freshDir(), 'prod')).resolves.toBeUndefined();
  });

  test('a version 1 journal owes what it owed: each pause and listener rule, undone as their backends undo them, and the destroy', async () => {
    const dir = freshDir();
    put(dir, v1());
    const j = (await readJournal(dir, 'prod'))!;
    expect(j).toMatchObject({ version: 2, command: 'run', options: { stateDir: dir, terraformOverrides: [] }, destroyOwed: true });
    expect(j).not.toHaveProperty('paused');
    expect(j).not.toHaveProperty('ruleFaults');
    expect(j.faults).toEqual([
      expect.objectContaining({ backend: 'ecs-express', role: 'primary', region: 'us-east-1', resource: rule, undo: actions }),
      expect.objectContaining({ backend: 'apprunner', role: 'primary', region: 'us-east-1', serviceArn: service, resource: service }),
    ]);
    const steps = recoverySteps(j).split('\n');
    // Recorded no options: the commands name none.
    expect(steps[0]).toBe(`dr-drill recover --target aws --stack prod --state-dir ${dir}   # does all of the below`);
    expect(steps.slice(1)).toEqual([
      `aws elbv2 modify-rule --rule-arn ${rule} --actions '${JSON.stringify(actions)}' --region us-east-1`,
      `aws apprunner resume-service --service-arn ${service} --region us-east-1`,
      'terraform -chdir=/stacks/prod destroy -auto-approve',
    ]);
  });

  test('an older journal owes a destroy only when it was ephemeral and its apply started', async () => {
    for (const [mode, applyStarted, owed] of [
      ['ephemeral', true, true],
      ['ephemeral', false, false],
      ['existing', true, false],
      ['deploy', true, false],
    ] as const) {
      const dir = freshDir();
      put(dir, v1({ mode, applyStarted, paused: [], ruleFaults: undefined }));
      const j = (await readJournal(dir, 'prod'))!;
      expect({ mode, applyStarted, destroyOwed: j.destroyOwed, faults: j.faults }).toEqual({
        mode,
        applyStarted,
        destroyOwed: owed,
        faults: [],
      });
      const destroyStep = recoverySteps(j).includes(' destroy -auto-approve');
      expect({ mode, applyStarted, destroyStep }).toEqual({ mode, applyStarted, destroyStep: owed });
    }
  });

  test('a destroy that happened is printed no more', async () => {
    const dir = freshDir();
    put(dir, v1({ paused: [], ruleFaults: undefined, destroyed: true }));
    const j = (await readJournal(dir, 'prod'))!;
    expect(j.destroyOwed).toBe(true);
    expect(recoverySteps(j).split('\n')).toHaveLength(1);
  });

  test('a version 2 journal keeps what it recorded', async () => {
    const dir = freshDir();
    const j = {
      ...newJournal({
        stack: 'prod',
        runId: 'r2',
        mode: 'existing',
        command: 'down',
        stackDir: '/s',
        varFiles: ['/v'],
        regions: ['us-east-1'],
      }),
    };
    j.destroyOwed = true;
    j.options = { stateDir: '/elsewhere', profile: 'p', terraformOverrides: ['/o.tf'] };
    await writeJournal(dir, j);
    expect(await readJournal(dir, 'prod')).toEqual(j);
  });

  test('a file that is not a journal is refused, naming the file and the way back by hand', async () => {
    const cases: [string, unknown][] = [
      ['not JSON', '{"version": 2,'],
      ['no version', { ...v1(), version: undefined }],
      ['version 1 without its pauses', { ...v1(), paused: undefined }],
      ['version 2 without faults', { ...v1(), version: 2 }],
      ['a later version', { ...v1(), version: 3, faults: [] }],
      ['no stack', { ...v1(), stack: 7 }],
    ];
    for (const [what, content] of cases) {
      const dir = freshDir();
      put(dir, content);
      const e = await readJournal(dir, 'prod').then(
        () => undefined,
        (x: unknown) => x as AwsTargetError,
      );
      expect({ what, error: e instanceof AwsTargetError, kind: e?.kind }).toEqual({ what, error: true, kind: 'external' });
      expect(e!.message).toContain(`The run journal ${journalPath(dir, 'prod')} is unreadable`);
      expect(e!.recovery).toMatch(/resume a paused App Runner service.*delete the file/);
    }
  });

  test('a journal that cannot be read (not a file) is an I/O error, not a journal of nothing', async () => {
    const dir = freshDir();
    mkdirSync(journalPath(dir, 'prod'), { recursive: true });
    await expect(readJournal(dir, 'prod')).rejects.toMatchObject({ code: 'EISDIR' });
  });

  test('a write makes the state directory, replaces the journal whole and leaves no temporary file', async () => {
    const dir = join(freshDir(), 'nested', 'state');
    const j = newJournal({ stack: 'prod', runId: 'r3', mode: 'ephemeral', stackDir: '/s', varFiles: [], regions: [] });
    await writeJournal(dir, j);
    await writeJournal(dir, { ...j, applyStarted: true });
    expect(readdirSync(dir)).toEqual(['prod.journal.json']);
    expect((await readJournal(dir, 'prod'))?.applyStarted).toBe(true);
  });

  test('a new journal owes nothing and lists each region once', () => {
    const j = newJournal({
      stack: 'prod',
      runId: 'r4',
      mode: 'ephemeral',
      stackDir: '/s',
      varFiles: ['/a'],
      regions: ['us-east-1', 'eu-west-1', 'us-east-1'],
    });
    expect(j).toMatchObject({ version: 2, command: 'run', options: { stateDir: '.drill', terraformOverrides: [] } });
    expect([j.regions, j.varFiles]).toEqual([['us-east-1', 'eu-west-1'], ['/a']]);
    // Nothing done, nothing owed, nothing recorded, not finished.
    expect([j.applyStarted, j.applyFinished, j.destroyOwed, j.destroyed, j.finishedAt]).toEqual([false, false, false, false, undefined]);
    expect([j.faults, j.leaks, j.events]).toEqual([[], [], []]);
    expect(Date.parse(j.startedAt)).not.toBeNaN();
  });
});
