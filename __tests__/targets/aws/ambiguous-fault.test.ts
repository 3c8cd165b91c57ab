/**
 * A pause-service whose answer is lost (a 5xx after the operation started, or no answer before the
 * call's timeout) and is then retried: the retry's refusal ("…in OPERATION_IN_PROGRESS state") proves
 * nothing, so the pause stays owed until describe-service and list-operations have decided. Every
 * combination of {first attempt answered with a 5xx, lost after starting, timed out} × {retry refused,
 * accepted}, through the real AWS CLI v2 against the stub: the primary ends RUNNING and the journal
 * tells the truth; a run killed after a lost pause is finished by `recover`.
 *
 * @slow whole AWS-target lifecycles through the AWS CLI
 */
import { afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals';
import type { InjectedFailure } from '../../support/aws/aws-stub.js';
import { AMBIGUOUS_CASES, type First, type Retry } from '../../support/aws/ambiguous-cases.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { recover } from '../../../harness/targets/aws/recover.js';
import { AwsTestWorld, EPHEMERAL_RUN as RUN, describeWithAwsCli, hangingCallTimeoutMs, signal } from '../../support/aws/world.js';


const FAILURE_500 = { code: 'InternalServiceErrorException', status: 500, message: 'injected 5xx' } as const;

describeWithAwsCli('a pause-service whose outcome is ambiguous', () => {
  let world: AwsTestWorld;
  /** Each call's timeout, which the "timed out" cases' hanging call meets (see hangingCallTimeoutMs). */
  let callTimeoutMs = 0;
  beforeAll(async () => {
    callTimeoutMs = await hangingCallTimeoutMs();
  });
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
  });
  afterEach(async () => {
    await world.close();
  });

  /** Sets the stub up for one combination and returns a target of an existing stack. */
  function arrange(first: First, retry: Retry) {
    const deployed = world.deployExisting();
    world.stub.operationMs = 0;
    const firstFailure: Partial<InjectedFailure> & { code: string } =
      first === 'answered' ? FAILURE_500 : first === 'lost' ? { ...FAILURE_500, mode: 'after-start' } : { ...FAILURE_500, mode: 'hang' };
    world.stub.fail('PauseService', firstFailure);
    if (retry === 'refused' && first === 'answered') {
      // Nothing started; the retry meets someone else's operation.
      world.stub.fail('PauseService', { code: 'InvalidStateException', message: `Service is in OPERATION_IN_PROGRESS state` });
    }
    // A started pause that fails at once leaves the service RUNNING, so the retry is accepted.
    if (retry === 'accepted' && first !== 'answered') world.stub.failOperations = 1;
    // lost/timed out × refused: the started pause refuses the retry by itself (OPERATION_IN_PROGRESS, then PAUSED).
    const target = world.target({
      mode: 'existing',
      runId: RUN,
      stackName: 'drilltest',
      existing: deployed.existing,
      awsCallTimeoutMs: callTimeoutMs,
    });
    return { ...deployed, target };
  }

  const events = async () => (await readJournal(world.stateDir, 'drilltest'))?.events.map((e) => e.what) ?? [];


  test.each(AMBIGUOUS_CASES)('first attempt %s, retry %s: the primary ends RUNNING and the journal tells the truth', async (first, retry) => {
    const { primary, target } = arrange(first, retry);
    await target.provision(signal());
    const injected = await target.inject('primary', { kind: 'pause' }, signal()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(world.stub.calls('PauseService')).toHaveLength(2);
    const started = first !== 'answered' || retry === 'accepted';
    if (started) {
      // A pause of this run started: inject goes on as if it had been answered, and the pause is owed.
      expect(injected).toBeUndefined();
      expect(world.stub.statusOf(primary.arn)).toBe('PAUSED');
      expect((await readJournal(world.stateDir, 'drilltest'))?.faults.map((f) => f.resource)).toEqual([primary.arn]);
      if (retry === 'refused') expect(await events()).toContainEqual(expect.stringMatching(/took effect although its answer was lost/));
      await expect(target.clear('primary', signal())).resolves.toMatchObject({ restored: true });
    } else {
      // Nothing started, and the drill read that from the service before letting the pause go.
      expect(injected?.message).toMatch(/InvalidStateException/);
      expect(world.stub.calls('ListOperations')).not.toHaveLength(0);
      expect(await events()).toContainEqual(expect.stringMatching(/not started, nothing to undo: no answer \(2 attempts, .*\), and the real state shows nothing started/));
      expect((await readJournal(world.stateDir, 'drilltest'))?.faults).toEqual([]);
    }
    const t = await target.teardown(signal());
    expect(t.ok).toBe(true);
    world.stub.finishOperations();
    expect(world.stub.statusOf(primary.arn)).toBe('RUNNING');
    expect((await readJournal(world.stateDir, 'drilltest'))?.finishedAt).toEqual(expect.any(String));
  }, 180_000);

  test.each([['lost'], ['timed out']] as [First][])(
    'first attempt %s, retry refused, the run killed: the journal keeps the pause and `recover` resumes the primary',
    async (first) => {
      const { primary, target } = arrange(first, 'refused');
      await target.provision(signal());
      world.stub.stuck = true; // the pause never finishes: inject waits, and the run dies meanwhile
      const dying = new AbortController();
      const injected = target.inject('primary', { kind: 'pause' }, dying.signal).catch((e: unknown) => e);
      // Kill it once the retry has been refused.
      for (let i = 0; i < 600 && world.stub.calls('PauseService').length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
      dying.abort();
      await injected;
      await (target as unknown as { ledger: { release(): Promise<void> } }).ledger.release();
      const open = await readJournal(world.stateDir, 'drilltest');
      expect(open?.finishedAt).toBeUndefined();
      expect(open?.faults.map((f) => f.resource)).toEqual([primary.arn]);
      world.stub.stuck = false;
      world.stub.finishOperations();
      expect(world.stub.statusOf(primary.arn)).toBe('PAUSED');
      const r = await recover({ ...world.options({ mode: 'existing', runId: RUN, stackName: 'drilltest' }), stack: 'drilltest' }, signal());
      expect(r).toMatchObject({ found: true, ok: true });
      expect(r.detail).toContain(`Resumed the primary service (${primary.arn}).`);
      world.stub.finishOperations();
      expect(world.stub.statusOf(primary.arn)).toBe('RUNNING');
    },
    180_000,
  );
});
