/**
 * Fault tests: whatever goes wrong, the primary ends resumed and the teardown ran, or what is
 * left is in the journal and `recover` finishes it.
 *
 * @slow whole AWS-target lifecycles through the AWS CLI
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsTargetError, CommandError } from '../../../harness/targets/aws/tools/errors.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { recover } from '../../../harness/targets/aws/recover.js';
import {
  AWS_CLI_V2,
  AwsTestWorld,
  DISTRIBUTION_ID,
  HERE,
  signal,
  describeWithAwsCli,
  EPHEMERAL_RUN as RUN,
  EPHEMERAL_STACK as STACK,
  measureCliCallMs,
} from '../../support/aws/world.js';

const CLI_CALL_MS = await measureCliCallMs();

describeWithAwsCli('AWS target faults', () => {
  let world: AwsTestWorld;
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
  });
  afterEach(async () => {
    await world.close();
  });

  /** An already-deployed stack in the stub, as `existing` mode finds it. */
  test('apply fails halfway: the error names the command, exit code and stderr; teardown destroys what was created', async () => {
    world.control(world.ephemeralControl(STACK, RUN, { failApplyAfter: 1 }));
    const target = world.target({ mode: 'ephemeral', runId: RUN, stackName: STACK });
    const error = await target.provision(signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    const e = error as CommandError;
    expect(e.exitCode).toBe(1);
    expect(e.commandLine).toBe(`terraform -chdir=${world.stackDir} apply -auto-approve -input=false -no-color`);
    expect(e.stderr).toMatch(/creating App Runner Service \(drilltest-abc123-secondary\)/);
    expect(world.stub.services.size).toBe(1); // the primary was created before the failure

    const result = await target.teardown(signal());
    expect(result.ok).toBe(true);
    expect(world.stub.services.size).toBe(0);
    expect(world.terraformCalls().map((c) => c.command)).toEqual(['init', 'apply', 'destroy']);
    expect((await readJournal(world.stateDir, STACK))?.finishedAt).toEqual(expect.any(String));
  });

  test('pause-service fails with 5xx and nothing started: the real state proves it, the primary is left RUNNING, an existing stack is never destroyed', async () => {
    const { primary, secondary } = world.deployExisting();
    world.stub.fail('PauseService', { code: 'InternalServiceErrorException', status: 500, times: Infinity, message: 'injected outage' });
    const target = world.target({
      mode: 'existing',
      runId: RUN,
      stackName: 'drilltest',
      existing: { primaryServiceArn: primary.arn, secondaryServiceArn: secondary.arn, distributionId: DISTRIBUTION_ID },
    });
    await target.provision(signal());
    const error = (await target.inject('primary', { kind: 'pause' }, signal()).catch((e: unknown) => e)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.stderr).toMatch(/InternalServiceErrorException.*injected outage/);
    expect(world.stub.calls('PauseService')).toHaveLength(2); // retried once (awsAttempts: 2)
    // Journaled before the call; a 5xx proves nothing, so describe-service and list-operations decided: no pause started.
    const journal = await readJournal(world.stateDir, 'drilltest');
    expect(journal?.events.map((e) => e.what)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^apprunner fault on the primary \(.*\) requested \(was RUNNING\)$/),
        expect.stringMatching(/not started, nothing to undo: no answer \(2 attempts, .*\), and the real state shows nothing started$/),
      ]),
    );
    expect(journal?.faults).toEqual([]);
    expect(world.stub.calls('ListOperations')).not.toHaveLength(0);

    const result = await target.teardown(signal());
    expect(result).toMatchObject({ ok: true });
    expect(result.detail).toMatch(/Nothing to undo/);
    expect(world.stub.statusOf(primary.arn)).toBe('RUNNING');
    expect(world.terraformCalls()).toEqual([]); // explicit ARNs: no terraform at all, nothing destroyed
    expect((await readJournal(world.stateDir, 'drilltest'))?.finishedAt).toEqual(expect.any(String));
  });

  test('describe-service stays OPERATION_IN_PROGRESS past the bound: a clear error, an open journal, and recover finishes it', async () => {
    const { primary, secondary, dist } = world.deployExisting();
    // existing mode through `terraform output -json`
    writeFileSync(
      join(world.stackDir, 'fake-terraform.tfstate.json'),
      JSON.stringify({
        resources: [],
        destroyAttempts: 0,
        outputs: {
          distribution_id: dist.id,
          distribution_domain_name: dist.domainName,
          primary_service_arn: primary.arn,
          primary_service_url: primary.url,
          primary_region: 'us-east-1',
          secondary_service_arn: secondary.arn,
          secondary_service_url: secondary.url,
          secondary_region: 'us-west-2',
        },
      }),
    );
    const options = { mode: 'existing' as const, runId: RUN, stackName: 'drilltest' };
    const waits = { serviceTransitionMs: 1_500, pollIntervalMs: 200, maxPollIntervalMs: 400, distributionDeployedMs: 5_000 };
    const target = world.target({ ...options, waits });
    await target.provision(signal());
    world.stub.stuck = true;
    const started = Date.now();
    const callsBefore = world.stub.requests.length;
    const error = (await target.inject('primary', { kind: 'pause' }, signal()).catch((e: unknown) => e)) as AwsTargetError;
    // Bounded, never a hang: the deadline, plus the AWS CLI calls made, each at most six times the
    // pace measured when the file loaded (the last poll can start just before the deadline).
    const elapsed = Date.now() - started;
    const calls = world.stub.requests.length - callsBefore;
    const bound = waits.serviceTransitionMs + calls * CLI_CALL_MS * 6;
    expect({ elapsed, calls, CLI_CALL_MS, within: elapsed < bound }).toEqual({ elapsed, calls, CLI_CALL_MS, within: true });
    expect(error).toBeInstanceOf(AwsTargetError);
    expect(error.message).toMatch(
      /The way back's deadline \(--operation-timeout 2 s\) passed waiting for the primary App Runner service to be PAUSED: it is still OPERATION_IN_PROGRESS/,
    );
    expect(error.message).toMatch(/Latest operations: PAUSE_SERVICE IN_PROGRESS/);
    expect(error.recovery).toContain(`aws apprunner resume-service --service-arn ${primary.arn} --region us-east-1`);

    const result = await target.teardown(signal());
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/Could not undo the fault on the primary \(arn:aws:apprunner:/);
    expect(result.detail).toMatch(/dr-drill recover --target aws --stack drilltest/);
    const open = await readJournal(world.stateDir, 'drilltest');
    expect(open?.finishedAt).toBeUndefined();
    expect(open?.faults.map((p) => p.serviceArn)).toEqual([primary.arn]);
    expect(world.terraformCalls().map((c) => c.command)).not.toContain('destroy');

    // A new run refuses to start while the journal is open.
    const next = world.target({ ...options, runId: 'next-run', waits });
    await expect(next.provision(signal())).rejects.toThrow(/An earlier run \(20260101t000000z-abc123.*did not finish/);

    world.stub.stuck = false; // AWS finishes the pause at last
    const recovered = await recover(
      {
        stack: 'drilltest',
        stateDir: world.stateDir,
        awsCli: AWS_CLI_V2,
        endpointUrl: world.stub.url,
        env: world.env,
        waits,
        leakSettleMs: 0,
      },
      signal(),
    );
    expect(recovered).toMatchObject({ found: true, ok: true });
    expect(recovered.detail).toMatch(/Resumed the primary service/);
    expect(world.stub.statusOf(primary.arn)).toBe('RUNNING');
    expect((await readJournal(world.stateDir, 'drilltest'))?.finishedAt).toEqual(expect.any(String));
  }, 180_000);

  test('destroy fails once with a transient App Runner error, then succeeds on retry; the paused primary is resumed first', async () => {
    world.control(
      world.ephemeralControl(STACK, RUN, {
        destroyFailures: 1,
        destroyError:
          'deleting App Runner Service: operation error AppRunner: DeleteService, InvalidStateException: Service is in OPERATION_IN_PROGRESS state',
      }),
    );
    const logs: string[] = [];
    const target = world.target({ mode: 'ephemeral', runId: RUN, stackName: STACK, log: (m) => logs.push(m) });
    await target.provision(signal());
    const primary = world.serviceByName(`${STACK}-primary`)!;
    await target.inject('primary', { kind: 'pause' }, signal());

    const result = await target.teardown(signal());
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/Resumed the primary service/);
    expect(world.stub.calls('ResumeService')).toHaveLength(1);
    expect(world.terraformCalls().filter((c) => c.command === 'destroy')).toHaveLength(2);
    expect(logs).toContain(
      'terraform destroy: attempt 1/3 failed (App Runner rejects changes while a pause, resume or deployment is still running); retrying in 50 ms',
    );
    expect(world.stub.services.has(primary.arn)).toBe(false);
    expect((await readJournal(world.stateDir, STACK))?.finishedAt).toEqual(expect.any(String));
  }, 180_000);

  test('SIGINT during the outage: the drill process resumes the primary and destroys the stack before exiting', async () => {
    world.control(world.ephemeralControl(STACK, RUN));
    const resultFile = join(world.root, 'teardown.json');
    const optionsFile = join(world.root, 'driver-options.json');
    writeFileSync(optionsFile, JSON.stringify({ ...world.options({ mode: 'ephemeral', runId: RUN, stackName: STACK }), resultFile }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'sigint-driver.ts'), optionsFile], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('OUTAGE')) resolve();
      });
      void exited.then((code) => reject(new Error(`driver exited with ${code} before the outage:\n${stderr}`)));
    });
    const primary = world.serviceByName(`${STACK}-primary`)!;
    expect(world.stub.statusOf(primary.arn)).toBe('PAUSED');

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { ok: boolean; detail: string };
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/Resumed the primary service/);
    expect(world.stub.calls('ResumeService')).toHaveLength(1);
    expect(world.terraformCalls().map((c) => c.command)).toContain('destroy');
    expect(world.stub.services.size).toBe(0);
    expect((await readJournal(world.stateDir, STACK))?.finishedAt).toEqual(expect.any(String));
  }, 90_000);
});
