/**
 * The way back: a pause AWS refused is not the drill's own; the lock is held at every call that
 * changes AWS (pause, resume, and terraform's creates and deletes); one deadline bounds the way
 * back with a progress line per poll; `recover` insists on AWS CLI v2; `--domain` is a host name.
 */
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { join } from 'node:path';
import { main } from '../../../harness/cli.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { recover } from '../../../harness/targets/aws/recover.js';
import { AwsTestWorld, EPHEMERAL_RUN as RUN, EPHEMERAL_STACK as STACK, HERE, describeWithAwsCli, signal } from '../../support/aws/world.js';

describeWithAwsCli('the way back', () => {
  let world: AwsTestWorld;
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
  });
  afterEach(async () => {
    await world.close();
  });

  test('a pause AWS refused (InvalidStateException) is not recorded as ours: nothing is resumed, no claim', async () => {
    const { primary, existing } = world.deployExisting();
    world.stub.fail('PauseService', { code: 'InvalidStateException', message: 'Service is in OPERATION_IN_PROGRESS state' });
    const target = world.target({ mode: 'existing', runId: RUN, stackName: 'drilltest', existing });
    await target.provision(signal());
    await expect(target.inject('primary', { kind: 'pause' }, signal())).rejects.toThrow(/InvalidStateException/);
    expect((await readJournal(world.stateDir, 'drilltest'))?.faults).toEqual([]);
    // Someone else's pause completes meanwhile: it is not ours to undo.
    primary.status = 'PAUSED';
    expect(await target.clear('primary', signal())).toMatchObject({ restored: false });
    const t = await target.teardown(signal());
    expect(t.ok).toBe(true);
    expect(world.stub.calls('ResumeService')).toHaveLength(0);
    expect(t.detail).not.toMatch(/Resumed/);
  }, 120_000);

  test('every call that changes AWS is made under the stack lock: apply, pause, resume, destroy, and recover', async () => {
    world.control(world.ephemeralControl(STACK, RUN));
    world.stub.lockFile = join(world.stateDir, 'drilltest.lock');
    const target = world.target({ mode: 'ephemeral', runId: RUN, stackName: STACK, journalName: 'drilltest' });
    await target.preflight(signal());
    await target.provision(signal());
    await target.inject('primary', { kind: 'pause' }, signal());
    await target.clear('primary', signal());
    await target.inject('primary', { kind: 'pause' }, signal());
    // The drill dies with the primary paused: its lock goes (stale), the journal stays.
    await (target as unknown as { ledger: { release(): Promise<void> } }).ledger.release();
    const r = await recover({ ...world.options({ mode: 'ephemeral', runId: RUN, stackName: STACK }), stack: 'drilltest' }, signal());
    expect(r.ok).toBe(true);
    const mutating = world.stub.requests.filter((q) => ['PauseService', 'ResumeService', 'resources'].includes(q.operation));
    expect(new Set(mutating.map((q) => q.operation))).toEqual(new Set(['PauseService', 'ResumeService', 'resources']));
    expect(mutating.filter((q) => q.lockHeld !== true)).toEqual([]);
    expect(world.stub.calls('ResumeService')).toHaveLength(2); // clear(), then recover
  }, 180_000);

  test('a stuck pause: one deadline for the whole way back, a progress line per poll, then the commands to finish by hand', async () => {
    const { existing } = world.deployExisting();
    const lines: string[] = [];
    const bound = 4_000;
    const target = world.target({
      mode: 'existing',
      runId: RUN,
      stackName: 'drilltest',
      existing,
      log: (m) => lines.push(m),
      waits: { serviceTransitionMs: bound, pollIntervalMs: 100, maxPollIntervalMs: 400, distributionDeployedMs: 8_000 },
    });
    await target.provision(signal());
    world.stub.stuck = true;
    const t0 = Date.now();
    await expect(target.inject('primary', { kind: 'pause' }, signal())).rejects.toThrow(
      /The way back's deadline \(--operation-timeout 4 s\) passed/,
    );
    const teardown = await target.teardown(signal());
    const elapsed = Date.now() - t0;
    expect(teardown.ok).toBe(false);
    expect(teardown.detail).toMatch(/aws apprunner resume-service --service-arn \S+ --region us-east-1/);
    // inject and teardown shared one deadline: teardown did not start a second full wait.
    const teardownPolls = lines.filter((l) => /waiting for RUNNING/.test(l));
    expect(teardownPolls.length).toBeLessThanOrEqual(1);
    const progress = lines.filter((l) =>
      /^primary service OPERATION_IN_PROGRESS \(operation [0-9a-f-]{36}\), waiting for PAUSED: \d+ s elapsed, \d+ s left$/.test(l),
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(bound + 60_000);
  }, 180_000);

  test('a pause that succeeded ends its deadline: the resume after an observe window of any length gets its own', async () => {
    const { primary, existing } = world.deployExisting();
    const bound = 20_000;
    const target = world.target({
      mode: 'existing',
      runId: RUN,
      stackName: 'drilltest',
      existing,
      waits: { serviceTransitionMs: bound, pollIntervalMs: 100, maxPollIntervalMs: 400, distributionDeployedMs: 8_000 },
    });
    await target.provision(signal());
    world.stub.operationPolls = 1; // the resume's first poll sees it running, so a spent deadline would throw
    await target.inject('primary', { kind: 'pause' }, signal());
    // The observe window outlasts the bound (the clock moves on rather than the test sleeping).
    const realNow = Date.now.bind(Date);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + bound + 1_000);
    try {
      await expect(target.clear('primary', signal())).resolves.toMatchObject({ restored: true });
      expect(world.stub.statusOf(primary.arn)).toBe('RUNNING');
      expect((await target.teardown(signal())).ok).toBe(true);
    } finally {
      clock.mockRestore();
    }
  }, 120_000);

  test('recover checks the AWS CLI is v2, with a hint when v1 comes first on PATH', async () => {
    const { existing } = world.deployExisting();
    // The run found v2 first on PATH, so its journal records no --aws-cli; recover then meets v1 first on PATH.
    const v2First = { ...world.env, PATH: `/usr/bin:${world.env.PATH ?? ''}` };
    const target = world.target({
      mode: 'existing',
      runId: RUN,
      stackName: 'drilltest',
      existing,
      awsCli: undefined,
      env: v2First,
      waits: { serviceTransitionMs: 1_000, pollIntervalMs: 100, maxPollIntervalMs: 400, distributionDeployedMs: 8_000 },
    });
    await target.provision(signal());
    world.stub.stuck = true; // the pause never finishes: the run ends with a resume owed
    await expect(target.inject('primary', { kind: 'pause' }, signal())).rejects.toThrow(/deadline/);
    expect((await readJournal(world.stateDir, 'drilltest'))?.faults).toHaveLength(1);
    await (target as unknown as { ledger: { release(): Promise<void> } }).ledger.release();
    const err: string[] = [];
    const code = await main(['recover', '--target', 'aws', '--stack', 'drilltest', '--state-dir', world.stateDir], {
      stdout: () => {},
      stderr: (t) => err.push(t),
      env: { ...process.env, ...world.env, PATH: `${join(HERE, 'bin-v1')}:${process.env.PATH ?? ''}` },
      cwd: world.root,
    });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/aws \(the `aws` first on PATH\) is AWS CLI 1\.\d+\.\d+; the drill needs version 2\.x/);
    expect(err.join('')).toMatch(/--aws-cli \/usr\/bin\/aws/);
    expect(world.stub.calls('ResumeService')).toHaveLength(0);
  }, 120_000);
});

test('--domain with a scheme or a path is a usage error (exit 2) naming the option', async () => {
  const arn = (n: string, r: string) => `arn:aws:apprunner:${r}:123456789012:service/${n}/0123456789abcdef`;
  for (const domain of ['https://d111111abcdef8.cloudfront.net', 'd111111abcdef8.cloudfront.net/app']) {
    const err: string[] = [];
    const code = await main(
      [
        'run',
        '--target',
        'aws',
        '--mode',
        'existing',
        '--primary-service-arn',
        arn('p', 'us-east-1'),
        '--secondary-service-arn',
        arn('s', 'us-west-2'),
        '--distribution-id',
        'E2QWRUHEXAMPLE',
        '--domain',
        domain,
      ],
      { stdout: () => {}, stderr: (t) => err.push(t), env: {}, cwd: process.cwd() },
    );
    expect(code).toBe(2);
    expect(err.join('')).toContain(`--domain = "${domain}": allowed: a host name`);
  }
});
