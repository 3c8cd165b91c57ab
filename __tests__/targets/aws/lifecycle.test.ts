/**
 * The AWS target's lifecycle against the real AWS CLI v2 (pointed at a local stub of the AWS
 * APIs) and the terraform stand-in.
 *
 * @slow whole AWS-target lifecycles through the AWS CLI
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import {
  AwsTestWorld,
  DISTRIBUTION_ID,
  signal,
  describeWithAwsCli,
  EPHEMERAL_RUN as RUN,
  EPHEMERAL_STACK as STACK,
  measureCliCallMs,
} from '../../support/aws/world.js';

const CLI_CALL_MS = await measureCliCallMs();

describeWithAwsCli('AWS target lifecycle', () => {
  let world: AwsTestWorld;
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
  });
  afterEach(async () => {
    await world.close();
  });

  /**
   * A test's bound: `calls` AWS CLI calls at six times the pace measured when the file loaded (a
   * call took 3 to 4 times as long once the other worker ran terraform), never below jest's 60 s.
   */
  const budget = (calls: number) => Math.max(60_000, calls * CLI_CALL_MS * 6);

  describe('ephemeral mode', () => {
    test(
      'preflight, apply, pause through OPERATION_IN_PROGRESS, resume, destroy, clean leak sweep',
      async () => {
        world.control(world.ephemeralControl(STACK, RUN));
        world.stub.alarms.push({ name: 'drilltest-failover-active', region: 'us-east-1', state: 'OK', reason: 'no requests' });
        const target = world.target({ mode: 'ephemeral', runId: RUN, stackName: STACK, journalName: 'drilltest' });
        await target.preflight(signal());
        const endpoints = await target.provision(signal());

        const primary = world.serviceByName(`${STACK}-primary`)!;
        expect(endpoints.edgeUrl).toBe(`https://${world.stub.distributions.get(DISTRIBUTION_ID)!.domainName}`);
        expect(endpoints.origins.primary).toMatchObject({ role: 'primary', region: 'us-east-1', url: `https://${primary.url}` });
        expect(endpoints.details).toMatchObject({
          distributionId: DISTRIBUTION_ID,
          primaryServiceArn: primary.arn,
          account: '123456789012',
        });

        world.stub.operationPolls = 1; // the first poll sees the operation running, however slow the CLI is
        await target.inject('primary', { kind: 'pause' }, signal());
        expect(world.stub.statusOf(primary.arn)).toBe('PAUSED');
        const polls = world.stub.calls('DescribeService').filter((r) => r.input.ServiceArn === primary.arn);
        expect(polls.map((p) => p.status)).toContain('OPERATION_IN_PROGRESS');
        expect(polls.at(-1)!.status).toBe('PAUSED');
        const journal = await readJournal(world.stateDir, 'drilltest');
        expect(journal?.faults).toEqual([
          {
            backend: 'apprunner',
            role: 'primary',
            serviceArn: primary.arn,
            region: 'us-east-1',
            resource: primary.arn,
            undoCommands: [{ region: 'us-east-1', args: ['apprunner', 'resume-service', '--service-arn', primary.arn] }],
          },
        ]);

        const before = world.stub.calls('DescribeService').length;
        await target.clear('primary', signal());
        expect(world.stub.statusOf(primary.arn)).toBe('RUNNING');
        const resumePolls = world.stub.calls('DescribeService').slice(before);
        expect(resumePolls.map((p) => p.status)).toContain('OPERATION_IN_PROGRESS');
        expect(resumePolls.at(-1)!.status).toBe('RUNNING');

        const result = await target.teardown(signal());
        expect(result.ok).toBe(true);
        expect(result.detail).toMatch(/Destroyed the ephemeral stack/);
        expect(result.detail).toMatch(/Leak sweep: nothing is left tagged EdgeFailoverRunId=20260101t000000z-abc123/);
        expect(target.alarmStates).toEqual([expect.objectContaining({ name: 'drilltest-failover-active', state: 'OK' })]);
        expect(world.stub.services.size).toBe(0);

        const calls = world.terraformCalls().filter((c) => c.command !== 'version');
        expect(calls.map((c) => c.command)).toEqual(['init', 'apply', 'output', 'destroy']);
        for (const c of calls) {
          expect(c.chdir).toBe(world.stackDir);
          expect(c.tfInAutomation).toBe('1');
        }
        expect(calls[1]!.args).toEqual(['-auto-approve', '-input=false', '-no-color']);
        expect(readFileSync(join(world.runDir, 'terraform.log'), 'utf8')).toMatch(/Apply complete! Resources: 3 added/);
        expect(existsSync(join(world.runDir, 'aws.log'))).toBe(true);

        const done = await readJournal(world.stateDir, 'drilltest');
        expect(done).toMatchObject({ applyStarted: true, destroyed: true, faults: [], leaks: [] });
        expect(done?.finishedAt).toEqual(expect.any(String));
        // The regions the sweep covered, as the CLI sent them (SigV4 scope).
        expect(new Set(world.stub.calls('GetResources').map((r) => r.region))).toEqual(new Set(['us-east-1', 'us-west-2']));
      },
      budget(60),
    );
  });

  describe('existing mode', () => {
    test('finds the stack through `terraform output -json`, waits for Deployed, and never destroys', async () => {
      const { primary, secondary, dist } = world.deployExisting({ inProgressGets: 1 });
      world.control({
        resources: [],
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
      });
      // Someone applied this stack earlier.
      const { execFileSync } = await import('node:child_process');
      execFileSync('terraform', [`-chdir=${world.stackDir}`, 'init'], { env: { ...process.env, ...world.env } as NodeJS.ProcessEnv });
      execFileSync('terraform', [`-chdir=${world.stackDir}`, 'apply', '-auto-approve'], {
        env: { ...process.env, ...world.env } as NodeJS.ProcessEnv,
      });

      const target = world.target({ mode: 'existing', runId: RUN, stackName: 'drilltest' });
      const endpoints = await target.provision(signal());
      expect(endpoints.origins.secondary.url).toBe(`https://${secondary.url}`);
      // InProgress, then Deployed; the preflight reuses that read (and adds get-distribution-config).
      expect(world.stub.calls('GetDistribution').length).toBe(2);
      expect(world.stub.calls('GetDistributionConfig').length).toBe(1);
      // Each service is described once: the readiness check and the preflight share the answer.
      expect(
        world.stub
          .calls('DescribeService')
          .map((c) => c.input.ServiceArn)
          .sort(),
      ).toEqual([primary.arn, secondary.arn].sort());
      const result = await target.teardown(signal());
      expect(result).toEqual({ ok: true, detail: 'Nothing to undo: the stack is left as it was found.' });
      expect(world.terraformCalls().map((c) => c.command)).toEqual(['init', 'apply', 'output']);
      expect(world.stub.services.size).toBe(2);
    });

    test(
      'refuses to pause the secondary or a service not tagged as this stack, unless overridden',
      async () => {
        const { primary, existing } = world.deployExisting({ stackTag: 'another-stack', inProgressGets: 1 });
        const refused = world.target({ mode: 'existing', runId: RUN, stackName: 'drilltest', existing });
        await expect(refused.provision(signal())).rejects.toMatchObject({
          kind: 'usage',
          message: expect.stringMatching(/primary service tag EdgeFailoverStack = another-stack: must be drilltest/),
        });
        await refused.teardown(signal());
        // Past the preflight (--force), the pause itself still checks the tags.
        const target = world.target({ mode: 'existing', runId: RUN, stackName: 'drilltest', existing, force: true });
        await target.provision(signal());
        await expect(target.inject('secondary', { kind: 'pause' }, signal())).rejects.toThrow(
          /Refusing to pause .*: it is the secondary, not the primary; tag EdgeFailoverStack is "another-stack", expected "drilltest"\n/,
        );
        await expect(target.inject('primary', { kind: 'pause' }, signal())).rejects.toMatchObject({
          kind: 'usage',
          message: expect.stringMatching(/Refusing to pause .*: tag EdgeFailoverStack is "another-stack", expected "drilltest"/),
        });
        await expect(target.inject('primary', { kind: 'error', status: 503 }, signal())).rejects.toThrow(
          'fault "error" is not available on the aws target: allowed: pause',
        );
        expect(world.stub.calls('PauseService')).toHaveLength(0);
        await target.teardown(signal());

        const overridden = world.target({ mode: 'existing', runId: 'run-2', stackName: 'drilltest', existing, allowUnmanagedPause: true });
        await overridden.provision(signal());
        await overridden.inject('primary', { kind: 'pause' }, signal());
        expect(world.stub.statusOf(primary.arn)).toBe('PAUSED');
        expect((await overridden.teardown(signal())).ok).toBe(true);
        expect(world.stub.statusOf(primary.arn)).toBe('RUNNING');
      },
      budget(40),
    );

    test('a lock keeps a second drill off the same stack; a paused primary at the start is refused', async () => {
      const { primary, existing } = world.deployExisting({ inProgressGets: 1 });
      const first = world.target({ mode: 'existing', runId: RUN, stackName: 'drilltest', existing });
      await first.provision(signal());
      const second = world.target({ mode: 'existing', runId: 'run-2', stackName: 'drilltest', existing });
      await expect(second.provision(signal())).rejects.toThrow(
        new RegExp(`Stack "drilltest" is busy: another drill \\(run ${RUN}, pid ${process.pid}, started at `),
      );
      await first.teardown(signal());

      primary.status = 'PAUSED';
      const third = world.target({ mode: 'existing', runId: 'run-3', stackName: 'drilltest', existing });
      await expect(third.provision(signal())).rejects.toThrow(
        /primary App Runner service .* is PAUSED; the drill starts only from RUNNING/,
      );
      await third.teardown(signal());
      expect(primary.status).toBe('PAUSED'); // not ours to resume: the run never paused it
    });
  });

  describe('preflight', () => {
    test('names what is missing: the synthesized stack, working credentials, an App Runner region', async () => {
      const { rmSync } = await import('node:fs');
      rmSync(join(world.stackDir, 'cdk.tf.json'));
      const target = world.target({ mode: 'ephemeral', runId: RUN, stackName: STACK });
      await expect(target.preflight(signal())).rejects.toThrow(/The stack is not synthesized: .*cdk\.tf\.json does not exist/);

      world.stub.fail('GetCallerIdentity', {
        code: 'InvalidClientTokenId',
        status: 403,
        message: 'The security token included in the request is invalid.',
      });
      // An explicit service in a region without App Runner is refused when the target is made, before any call.
      expect(() =>
        world.target({
          mode: 'existing',
          runId: RUN,
          stackName: 'drilltest',
          existing: {
            primaryServiceArn: 'arn:aws:apprunner:sa-east-1:123456789012:service/x/1',
            secondaryServiceArn: 'arn:aws:apprunner:us-west-2:123456789012:service/y/2',
            distributionId: DISTRIBUTION_ID,
          },
        }),
      ).toThrow(/primary service region = "sa-east-1": App Runner is not known there/);
      expect(world.stub.calls('DescribeService')).toHaveLength(0);

      writeFileSync(join(world.stackDir, 'cdk.tf.json'), '{}');
      const badCredentials = world.target({ mode: 'existing', runId: RUN, stackName: 'drilltest' });
      await expect(badCredentials.preflight(signal())).rejects.toThrow(
        /InvalidClientTokenId.*security token included in the request is invalid/s,
      );
      expect(world.stub.calls('GetCallerIdentity')).toHaveLength(1); // fatal: not retried
    });
  });

  describe('leak sweep', () => {
    test('reports resources still tagged with the run id after destroy', async () => {
      world.control(world.ephemeralControl(STACK, RUN, { leaveOnDestroy: [`${STACK}-secondary`] }));
      const target = world.target({ mode: 'ephemeral', runId: RUN, stackName: STACK });
      await target.provision(signal());
      const secondary = world.serviceByName(`${STACK}-secondary`)!;
      const result = await target.teardown(signal());
      expect(result.ok).toBe(false);
      expect(result.detail).toContain(
        `Leak sweep: 1 resources are still tagged EdgeFailoverRunId=${RUN} after destroy; delete them by hand:\n  ${secondary.arn}`,
      );
      const j = await readJournal(world.stateDir, STACK);
      expect(j?.leaks).toEqual([secondary.arn]);
    });
  });
});
