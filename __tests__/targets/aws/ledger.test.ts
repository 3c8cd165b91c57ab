/** The RunLedger: journal file and lock, one event per method, and recovery steps with every option. */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { recoverySteps } from '../../../harness/targets/aws/safety/recovery-steps.js';
import type { LedgerInit } from '../../../harness/targets/aws/safety/ledger.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';
import type { JournalFault } from '../../../harness/targets/aws/wire.js';
import lockfile from 'proper-lockfile';

const root = mkdtempSync(join(tmpdir(), 'ledger-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const arn = 'arn:aws:apprunner:us-east-1:123456789012:service/p/1';
const primary = {
  backend: 'apprunner',
  role: 'primary' as const,
  serviceArn: arn,
  region: 'us-east-1',
  resource: arn,
  undoCommands: [{ region: 'us-east-1', args: ['apprunner', 'resume-service', '--service-arn', arn] }],
};

function init(name: string, o: Partial<LedgerInit> = {}): LedgerInit {
  return {
    stateDir: join(root, 'state dir'),
    name,
    runId: `run-${name}`,
    mode: 'ephemeral',
    command: 'run',
    stackDir: join(root, 'stack'),
    varFiles: [],
    regions: ['us-east-1', 'us-west-2', 'us-east-1'],
    options: {
      endpointUrl: 'http://127.0.0.1:4566',
      awsCli: '/usr/bin/aws',
      profile: 'drill',
      terraform: '/opt/tf/terraform',
      terraformOverrides: ['/x/a_override.tf.json', '/x/b_override.tf'],
    },
    ...o,
  };
}

describe('RunLedger', () => {
  test('each event is in the journal file when its method returns; the journal closes only when nothing is owed', async () => {
    const ledger = await RunLedger.open(init('s1'));
    const dir = join(root, 'state dir');
    const file = () => readJournal(dir, 's1');
    expect(await file()).toMatchObject({ command: 'run', mode: 'ephemeral', regions: ['us-east-1', 'us-west-2'], destroyOwed: false });
    await ledger.applyStarted();
    expect(await file()).toMatchObject({ applyStarted: true, destroyOwed: true });
    await ledger.applyFinished();
    await ledger.faultOwed(primary, 'RUNNING');
    expect((await file())?.faults).toEqual([primary]);
    expect(await ledger.finish()).toBe(false); // a resume and a destroy are owed
    await ledger.faultUndone(arn, 'primary resumed');
    expect((await file())?.faults).toEqual([]);
    expect(await ledger.finish()).toBe(false);
    await ledger.destroyed();
    expect(await ledger.finish()).toBe(true);
    const done = await file();
    expect(done?.finishedAt).toEqual(expect.any(String));
    expect(done?.events.map((e) => e.what)).toEqual([
      'run started (run, ephemeral)',
      'apply started',
      'apply finished',
      `apprunner fault on the primary (${arn}) requested (was RUNNING)`,
      `${arn}: primary resumed`,
      'destroyed',
      'finished',
    ]);
    await ledger.release();
  });

  test('the lock keeps a second run off the stack; refuseToStart says who holds it without taking it', async () => {
    const first = await RunLedger.open(init('s2'));
    const holder = new RegExp(
      `Stack "s2" is busy: another drill \\(run run-s2, pid ${process.pid}, started at \\d{4}-\\d\\d-\\d\\dT[^,]+, \`dr-drill run\`\\) holds the lock`,
    );
    await expect(RunLedger.open(init('s2', { runId: 'other' }))).rejects.toThrow(holder);
    // A drill that is running is not "an earlier run that did not finish".
    await expect(RunLedger.refuseToStart(join(root, 'state dir'), 's2')).rejects.toThrow(holder);
    await expect(RunLedger.refuseToStart(join(root, 'state dir'), 's2')).rejects.not.toThrow(/did not finish/);
    await first.release();
    // Released but unfinished: the next run is told to recover.
    await expect(RunLedger.refuseToStart(join(root, 'state dir'), 's2')).rejects.toThrow(/An earlier run \(run-s2, .*did not finish/);
  });

  test('recoverySteps carry every option the run was started with, quoted for a shell', async () => {
    const ledger = await RunLedger.open(init('s3', { varFiles: [join(root, 'prod.tfvars')] }));
    await ledger.applyStarted();
    const steps = ledger.recoverySteps([primary]).split('\n');
    const stateDir = join(root, 'state dir');
    expect(steps[0]).toBe(
      `dr-drill recover --target aws --stack s3 --state-dir '${stateDir}' --endpoint-url http://127.0.0.1:4566 --aws-cli /usr/bin/aws ` +
        '--profile drill --terraform /opt/tf/terraform --terraform-override /x/a_override.tf.json --terraform-override /x/b_override.tf' +
        '   # does all of the below',
    );
    expect(steps[1]).toBe(
      `/usr/bin/aws apprunner resume-service --service-arn ${primary.serviceArn} --region us-east-1 --profile drill --endpoint-url http://127.0.0.1:4566`,
    );
    expect(steps[2]).toBe(`/opt/tf/terraform -chdir=${join(root, 'stack')} destroy -auto-approve -var-file=${join(root, 'prod.tfvars')}`);
    expect(recoverySteps((await readJournal(stateDir, 's3'))!)).toBe([steps[0], steps[2]].join('\n'));
    await ledger.release();
  });
});

describe('RunLedger: what is owed', () => {
  const second = {
    ...primary,
    role: 'secondary' as const,
    serviceArn: `${arn}2`,
    resource: `${arn}2`,
    region: 'us-west-2',
    undoCommands: [{ region: 'us-west-2', args: ['apprunner', 'resume-service', '--service-arn', `${arn}2`] }],
  };
  const file = (name: string) => readJournal(join(root, 'state dir'), name);

  test('a fault journaled twice (a retried inject) is owed once; letting one go keeps the others', async () => {
    const ledger = await RunLedger.open(init('o1', { mode: 'existing' }));
    await ledger.faultOwed(primary, 'RUNNING');
    await ledger.faultOwed(second, 'RUNNING');
    await ledger.faultOwed(primary, 'RUNNING');
    expect(ledger.owedFaults.map((f) => f.resource)).toEqual([arn, second.resource]);
    await ledger.faultNotStarted(arn, 'refused');
    expect([ledger.owes(arn), ledger.owes(second.resource)]).toEqual([false, true]);
    expect((await file('o1'))?.faults).toEqual([second]);
    expect((await file('o1'))?.events.at(-1)?.what).toBe(`apprunner fault on the primary (${arn}) not started, nothing to undo: refused`);
    await ledger.faultInPlace(second.resource, 'paused');
    expect(ledger.owes(second.resource)).toBe(true);
    await ledger.faultUndone(second.resource, 'resumed');
    expect(await ledger.finish()).toBe(true);
    await ledger.release();
  });

  test('an existing stack owes no destroy after its apply; `down` owes one once its destroy started; a destroy takes the faults with it', async () => {
    const ledger = await RunLedger.open(init('o2', { mode: 'existing' }));
    await ledger.applyStarted();
    expect(ledger.owesDestroy).toBe(false);
    await ledger.destroyStarted();
    expect(ledger.owesDestroy).toBe(true);
    await ledger.faultOwed(primary, 'RUNNING');
    expect(await ledger.finish()).toBe(false);
    await ledger.destroyed();
    expect([ledger.owesDestroy, ledger.owedFaults]).toEqual([false, []]);
    await ledger.leakSweep(['arn:aws:s3:::left']);
    expect((await file('o2'))?.leaks).toEqual(['arn:aws:s3:::left']);
    expect(await ledger.finish('closed')).toBe(true);
    expect(ledger.finished).toBe(true);
    const events = (await file('o2'))!.events.length;
    // Finishing again changes nothing.
    expect(await ledger.finish()).toBe(true);
    expect((await file('o2'))!.events).toHaveLength(events);
    expect((await file('o2'))!.events.at(-1)?.what).toBe('closed');
    await ledger.release();
  });

  test('what the ledger hands out is a copy: changing it changes nothing owed', async () => {
    const ledger = await RunLedger.open(init('o3', { mode: 'existing' }));
    await ledger.faultOwed(primary, 'RUNNING');
    (ledger.owedFaults as JournalFault[]).length = 0;
    ledger.journal.faults.length = 0;
    expect(ledger.owes(arn)).toBe(true);
    expect(await ledger.finish()).toBe(false);
    await ledger.release();
  });

  test('recoverySteps print each owed undo once, however often it is passed as extra', async () => {
    const ledger = await RunLedger.open(init('o4', { mode: 'existing' }));
    await ledger.faultOwed(primary, 'RUNNING');
    const steps = ledger.recoverySteps([primary, second]).split('\n');
    expect(steps.filter((s) => s.includes('resume-service'))).toEqual([
      expect.stringContaining(`--service-arn ${arn} `),
      expect.stringContaining(`--service-arn ${second.resource} `),
    ]);
    await ledger.release();
  });

  test('reopen: an unfinished run is handed back under the lock; a finished run or none only reported, the lock let go', async () => {
    const dir = join(root, 'state dir');
    expect(await RunLedger.reopen(dir, 'o5')).toEqual({ journal: undefined });
    // The lock was let go: a run can start.
    const run = await RunLedger.open(init('o5', { mode: 'existing' }));
    await run.faultOwed(primary, 'RUNNING');
    await run.release();
    const back = await RunLedger.reopen(dir, 'o5', 'rec-1');
    expect(back.journal?.runId).toBe('run-o5');
    expect(back.ledger?.owes(arn)).toBe(true);
    await expect(RunLedger.refuseToStart(dir, 'o5')).rejects.toThrow(/busy: another drill \(run rec-1, .*`dr-drill recover`\)/);
    await back.ledger!.faultUndone(arn, 'resumed');
    expect(await back.ledger!.finish()).toBe(true);
    await back.ledger!.release();
    await back.ledger!.release(); // a second release is harmless
    const done = await RunLedger.reopen(dir, 'o5');
    expect(done.ledger).toBeUndefined();
    expect(done.journal?.finishedAt).toEqual(expect.any(String));
    await expect(RunLedger.refuseToStart(dir, 'o5')).resolves.toBeUndefined();
  });

  test('open refuses an unfinished earlier run with its steps, and lets the lock go', async () => {
    const dir = join(root, 'state dir');
    const first = await RunLedger.open(init('o6', { mode: 'existing' }));
    await first.faultOwed(primary, 'RUNNING');
    await first.release();
    const refusal = await RunLedger.open(init('o6', { runId: 'second' })).then(
      () => undefined,
      (e: unknown) => e as AwsTargetError,
    );
    expect(refusal?.message).toMatch(/^An earlier run \(run-o6, started \d{4}-.*\) on stack "o6" did not finish/);
    expect(refusal?.kind).toBe('usage');
    expect(refusal?.recovery).toContain(`resume-service --service-arn ${arn}`);
    // Not left holding the lock: the refusal is the same, not "busy".
    await expect(RunLedger.refuseToStart(dir, 'o6')).rejects.toThrow(/did not finish/);
  });

  test('a lock whose holder left no note names the unfinished run the journal records', async () => {
    const dir = join(root, 'state dir');
    const earlier = await RunLedger.open(init('o7', { mode: 'existing' }));
    await earlier.faultOwed(primary, 'RUNNING');
    await earlier.release();
    const release = await lockfile.lock(join(dir, 'o7'), { realpath: false, lockfilePath: join(dir, 'o7.lock') });
    try {
      await expect(RunLedger.refuseToStart(dir, 'o7')).rejects.toThrow(
        /^Stack "o7" is busy: another drill \(run run-o7, started at \d{4}-[^)]+\) holds the lock/,
      );
    } finally {
      await release();
    }
    // A holder note that is not one (no run id, or no pid) names no holder.
    for (const [name, note] of [
      ['o8', {}],
      ['o9', { runId: 'r' }],
      ['o10', { pid: 1 }],
    ] as const) {
      const held = await lockfile.lock(join(dir, name), { realpath: false, lockfilePath: join(dir, `${name}.lock`) });
      writeFileSync(join(dir, `${name}.lock.holder.json`), JSON.stringify(note));
      try {
        const busy = await RunLedger.refuseToStart(dir, name).then(
          () => undefined,
          (e: unknown) => e as AwsTargetError,
        );
        expect(busy?.message).toMatch(new RegExp(`^Stack "${name}" is busy: another drill holds the lock .*${name}\\.lock\n`));
        expect(busy?.kind).toBe('usage');
        expect(busy?.recovery).toContain(`dr-drill recover --target aws --stack ${name} --state-dir ${dir}`);
      } finally {
        await held();
      }
    }
  });

  test('an error taking the lock other than its being held is not reported as a busy stack', async () => {
    await expect(RunLedger.open(init('no such dir/o11'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('the lock is let go even when its holder note was removed by hand', async () => {
    const dir = join(root, 'state dir');
    const ledger = await RunLedger.open(init('o12', { mode: 'existing' }));
    rmSync(join(dir, 'o12.lock.holder.json'));
    const logged: string[] = [];
    await ledger.release((m) => logged.push(m));
    expect(logged).toEqual([]);
    const again = await RunLedger.reopen(dir, 'o12');
    expect(again.ledger).toBeInstanceOf(RunLedger);
    await again.ledger!.release();
  });
});

describe('RunLedger: the record', () => {
  const dir = join(root, 'state dir');

  test('each event is journaled with its flags; undoing one fault keeps the others owed', async () => {
    const ledger = await RunLedger.open(init('r1', { mode: 'existing' }));
    expect(ledger.startedAt).toBe((await readJournal(dir, 'r1'))?.startedAt);
    await ledger.applyStarted();
    await ledger.applyFinished();
    await ledger.faultOwed(primary, 'RUNNING');
    await ledger.faultOwed({ ...primary, resource: 'rule-2' }, 'forward');
    await ledger.faultUndone(arn, 'resumed');
    expect(ledger.owedFaults.map((f) => f.resource)).toEqual(['rule-2']);
    await ledger.faultNotStarted('never-owed', 'refused');
    await ledger.failed('undo failed: x');
    await ledger.destroyStarted();
    await ledger.leakSweep(['a', 'b']);
    const j = (await readJournal(dir, 'r1'))!;
    expect(j).toMatchObject({ applyStarted: true, applyFinished: true, destroyOwed: true, leaks: ['a', 'b'] });
    expect(j.events.slice(-4).map((e) => e.what)).toEqual([
      ' fault on the  (never-owed) not started, nothing to undo: refused',
      'undo failed: x',
      'destroy started',
      'leak sweep: 2 left',
    ]);
    await ledger.release();
  });

  test('recover holds the lock under its own run id; an unreadable journal lets the lock go', async () => {
    const first = await RunLedger.open(init('r2', { mode: 'existing' }));
    await first.faultOwed(primary, 'RUNNING');
    await first.release();
    const back = await RunLedger.reopen(dir, 'r2');
    await expect(RunLedger.refuseToStart(dir, 'r2')).rejects.toThrow(`run recover-${process.pid}, `);
    await back.ledger!.release();
    writeFileSync(join(dir, 'r2.journal.json'), 'not json');
    await expect(RunLedger.reopen(dir, 'r2')).rejects.toThrow(/is unreadable/);
    await expect(RunLedger.reopen(dir, 'r2')).rejects.toThrow(/is unreadable/); // not "busy"
  });
});
