/** The RunLedger: journal file and lock, one event per method, and recovery steps with every option. */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { recoverySteps } from '../../../harness/targets/aws/safety/recovery-steps.js';
import type { LedgerInit } from '../../../harness/targets/aws/safety/ledger.js';

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
