/**
 * makeFault, the one rule for the call that makes a fault: the fault is owed from before the call,
 * and only a refusal of the first attempt, or the service's real state, lets it go. Anything else
 * leaves it owed, for teardown or `recover` to undo. Judged on a real RunLedger and its journal file.
 * And the way back's one deadline (WayBack), which every wait after a fault request shares.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WayBack, makeFault, type FaultState } from '../../../harness/targets/aws/backends/service-backend.js';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { openTestLedger } from '../../support/aws/run-ledger.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import type { Mutation } from '../../../harness/targets/aws/tools/aws-cli.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';
import { PAUSE_NOT_STARTED } from '../../../harness/targets/aws/tools/retry.js';
import type { JournalFault } from '../../../harness/targets/aws/wire.js';

const root = mkdtempSync(join(tmpdir(), 'make-fault-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stateDir = join(root, 'state');
const arn = 'arn:aws:apprunner:us-east-1:123456789012:service/p/1';
const fault: JournalFault = {
  backend: 'apprunner',
  role: 'primary',
  serviceArn: arn,
  region: 'us-east-1',
  resource: arn,
  undoCommands: [{ region: 'us-east-1', args: ['apprunner', 'resume-service', '--service-arn', arn] }],
};
const refusal = new Error(
  'An error occurred (InvalidStateException) when calling the PauseService operation: Service is in OPERATION_IN_PROGRESS state',
);
const serverError = new Error('An error occurred (InternalServiceErrorException) (500) when calling the PauseService operation');

let runs = 0;
/** A ledger of a fresh run with the fault owed, as a backend journals it before the call. */
async function owing(): Promise<RunLedger> {
  runs += 1;
  const ledger = await openTestLedger({ stateDir, stackDir: root, run: runs });
  await ledger.faultOwed(fault, 'RUNNING');
  return ledger;
}

/** makeFault with a call that answers `answer` and a real state `state` (a function: it may throw). */
async function attempt(ledger: RunLedger, answer: Mutation<string>, state: () => Promise<FaultState>) {
  const lines: string[] = [];
  let reads = 0;
  const outcome = await makeFault({
    what: 'pause-service of the primary',
    fault,
    ledger,
    log: (l) => lines.push(l),
    call: async () => answer,
    refusals: PAUSE_NOT_STARTED,
    readState: () => {
      reads += 1;
      return state();
    },
  }).then(
    (r) => ({ returned: r }),
    (e: unknown) => ({ thrown: e }),
  );
  const journal = (await readJournal(stateDir, ledger.journal.stack))!;
  await ledger.release();
  return { outcome, lines, reads, owed: journal.faults.map((f) => f.resource), events: journal.events.map((e) => e.what) };
}

const never = async (): Promise<FaultState> => {
  throw new Error('the real state must not be read');
};

describe('makeFault', () => {
  test('an accepted call returns its answer, and the fault stays owed without a read', async () => {
    const r = await attempt(await owing(), { ok: true, value: 'op-1' }, never);
    expect(r.outcome).toEqual({ returned: { answer: 'op-1' } });
    expect(r.reads).toBe(0);
    expect(r.owed).toEqual([arn]);
  });

  test("a refusal as the first attempt's answer proves nothing started: the fault is let go, the refusal thrown, nothing read", async () => {
    const r = await attempt(await owing(), { ok: false, error: refusal, attempts: 1 }, never);
    expect(r.outcome).toEqual({ thrown: refusal });
    expect(r.reads).toBe(0);
    expect(r.owed).toEqual([]);
    expect(r.events.at(-1)).toMatch(
      /not started, nothing to undo: refused at once \(the service is not RUNNING or another operation is in progress\)/,
    );
  });

  test('the same refusal of a retry proves nothing: the real state decides, and a started fault stays owed', async () => {
    const r = await attempt(await owing(), { ok: false, error: refusal, attempts: 2 }, async () => 'started');
    expect(r.outcome).toEqual({ returned: {} });
    expect(r.reads).toBe(1);
    expect(r.owed).toEqual([arn]);
    expect(r.events.at(-1)).toBe(`${arn}: pause-service of the primary took effect although its answer was lost`);
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^pause-service of the primary: the outcome is unknown \(2 attempts, the last: .*InvalidStateException.*\); reading the real state/,
      ),
      expect.stringMatching(/^pause-service of the primary: took effect although its answer was lost \(2 attempts/),
    ]);
  });

  test('a first attempt that is no refusal (a 5xx) may have started it: read, and let go only when the state proves nothing started', async () => {
    const r = await attempt(await owing(), { ok: false, error: serverError, attempts: 1 }, async () => 'not-started');
    expect(r.outcome).toEqual({ thrown: serverError });
    expect(r.reads).toBe(1);
    expect(r.owed).toEqual([]);
    expect(r.events.at(-1)).toMatch(
      /not started, nothing to undo: no answer \(1 attempt, the last: .*\(500\).*\), and the real state shows nothing started$/,
    );
  });

  test('a state that cannot be read keeps the fault owed, and the error says so with the steps to undo it by hand', async () => {
    const ledger = await owing();
    const r = await attempt(ledger, { ok: false, error: serverError, attempts: 3 }, async () => {
      throw new Error('describe-service: connection reset');
    });
    expect(r.owed).toEqual([arn]);
    const e = (r.outcome as { thrown: AwsTargetError }).thrown;
    expect(e).toBeInstanceOf(AwsTargetError);
    expect(e.kind).toBe('external');
    expect(e.cause).toBe(serverError);
    expect(e.message.split('\n')[0]).toMatch(
      /^pause-service of the primary may have started \(3 attempts, the last: .*\(500\).*\), and its real state could not be read \(describe-service: connection reset\): the undo stays owed$/,
    );
    expect(e.recovery).toContain(`aws apprunner resume-service --service-arn ${arn} --region us-east-1`);
  });
});

describe('WayBack', () => {
  test('one deadline from the first start until the operation it bounds succeeded; the next one gets a fresh deadline', async () => {
    const way = new WayBack(60_000);
    expect(way.deadline).toBeUndefined();
    const before = Date.now();
    const first = way.start();
    expect(first).toBeGreaterThanOrEqual(before + 60_000);
    expect(first).toBeLessThanOrEqual(Date.now() + 60_000);
    await new Promise((r) => setTimeout(r, 5));
    // A wait after a stuck operation shares what is left, however late it starts.
    expect(way.start()).toBe(first);
    expect(way.deadline).toBe(first);
    way.end();
    expect(way.deadline).toBeUndefined();
    expect(way.start()).toBeGreaterThan(first);
  });
});
