/**
 * The AWS CLI wrapper, running the real AWS CLI v2 against the local API stub: proves the exact
 * commands (service, operation, region from the SigV4 scope, parameters on the wire) and the parsing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsCli, isAwsCliV2, verifyAwsCli } from '../../../harness/targets/aws/tools/aws-cli.js';
import { CommandError } from '../../../harness/targets/aws/tools/errors.js';
import { AWS_CLI_V2, AwsTestWorld, signal, describeWithAwsCli } from '../../support/aws/world.js';

describeWithAwsCli('AWS CLI wrapper', () => {
  let world: AwsTestWorld;
  let cli: AwsCli;
  beforeAll(async () => {
    world = await new AwsTestWorld().start();
    cli = new AwsCli({ binary: AWS_CLI_V2, endpointUrl: world.stub.url, env: world.env, attempts: 2, retryDelayMs: 50 });
  });
  afterAll(async () => {
    await world.close();
  });

  describe('AwsCli against the stub', () => {
    test('App Runner: describe, pause (OPERATION_IN_PROGRESS), list-operations, tags, resume', async () => {
      const s = world.stub.addService({
        role: 'primary',
        region: 'us-west-2',
        name: 'svc-a',
        tags: { ManagedBy: 'edge-failover', EdgeFailoverRole: 'primary' },
      });
      world.stub.operationMs = 60_000;
      expect(await cli.describeService(s.arn, 'us-west-2', signal())).toEqual({
        serviceArn: s.arn,
        serviceName: 'svc-a',
        serviceUrl: s.url,
        status: 'RUNNING',
      });
      const r = await cli.pauseOrResume('pause-service', s.arn, 'us-west-2', signal());
      if (!r.ok) throw r.error;
      const paused = r.value;
      expect(world.stub.statusOf(s.arn)).toBe('OPERATION_IN_PROGRESS');
      expect(paused.operationId).toMatch(/^[0-9a-f-]{36}$/);
      const ops = await cli.listOperations(s.arn, 'us-west-2', signal(), 3);
      expect(ops).toEqual([expect.objectContaining({ id: paused.operationId, type: 'PAUSE_SERVICE', status: 'IN_PROGRESS' })]);
      expect(ops[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/); // the CLI renders JSON-protocol epoch timestamps as ISO 8601
      expect(await cli.listTagsForResource(s.arn, 'us-west-2', signal())).toEqual({
        ManagedBy: 'edge-failover',
        EdgeFailoverRole: 'primary',
      });
      world.stub.operationMs = 300;
      world.stub.finishOperations();
      expect((await cli.describeService(s.arn, 'us-west-2', signal())).status).toBe('PAUSED');
      expect(await cli.pauseOrResume('resume-service', s.arn, 'us-west-2', signal())).toMatchObject({ ok: true });

      const wire = world.stub.requests.filter(
        (r) => r.service === 'apprunner' && (r.input.ServiceArn === s.arn || r.input.ResourceArn === s.arn),
      );
      expect(wire.map((r) => [r.operation, r.region])).toEqual([
        ['DescribeService', 'us-west-2'],
        ['PauseService', 'us-west-2'],
        ['ListOperations', 'us-west-2'],
        ['ListTagsForResource', 'us-west-2'],
        ['DescribeService', 'us-west-2'],
        ['ResumeService', 'us-west-2'],
      ]);
      expect(world.stub.calls('ListOperations')[0]!.input).toEqual({ ServiceArn: s.arn, MaxResults: 3 });
    });

    test('an App Runner error carries the command line, exit code and the service error from stderr', async () => {
      const s = world.stub.addService({ role: 'primary', region: 'us-east-1', name: 'svc-b', tags: {} });
      world.stub.fail('PauseService', { code: 'InvalidRequestException', message: 'bad request here' });
      const r = await cli.pauseOrResume('pause-service', s.arn, 'us-east-1', signal());
      expect(r).toMatchObject({ ok: false, attempts: 1 });
      const e = (r as { error: unknown }).error as CommandError;
      expect(e).toBeInstanceOf(CommandError);
      expect(e.exitCode).toBe(254);
      expect(e.commandLine).toBe(
        `${AWS_CLI_V2} apprunner pause-service --service-arn ${s.arn} --output json --region us-east-1 --no-cli-pager --endpoint-url ${world.stub.url}`,
      );
      expect(e.stderr).toMatch(/An error occurred \(InvalidRequestException\) when calling the PauseService operation.*bad request here/);
      expect(world.stub.calls('PauseService').filter((r) => r.input.ServiceArn === s.arn)).toHaveLength(1); // fatal: not retried
    });

    test('throttling is retried by the wrapper', async () => {
      const s = world.stub.addService({ role: 'primary', region: 'us-east-1', name: 'svc-c', tags: {} });
      world.stub.fail('DescribeService', { code: 'ThrottlingException', message: 'Rate exceeded', times: 1 });
      expect((await cli.describeService(s.arn, 'us-east-1', signal())).status).toBe('RUNNING');
      expect(world.stub.calls('DescribeService').filter((r) => r.input.ServiceArn === s.arn)).toHaveLength(2);
    });

    test('CloudFront get-distribution (REST-XML): InProgress, then Deployed', async () => {
      const d = world.stub.addDistribution({ inProgressGets: 1 });
      expect(await cli.getDistribution(d.id, signal())).toEqual({
        id: d.id,
        domainName: d.domainName,
        status: 'InProgress',
        enabled: true,
      });
      expect((await cli.getDistribution(d.id, signal())).status).toBe('Deployed');
      expect(world.stub.calls('GetDistribution').at(-1)!.region).toBe('us-east-1');
      await expect(cli.getDistribution('ENOSUCHDIST', signal())).rejects.toThrow(/NoSuchDistribution/);
    });

    test('STS get-caller-identity and CloudWatch describe-alarms (query protocol)', async () => {
      world.stub.alarms.push(
        { name: 'ef-primary-unhealthy', region: 'us-east-1', state: 'ALARM', reason: 'health check failed' },
        { name: 'other-alarm', region: 'us-east-1', state: 'OK', reason: '' },
      );
      expect(await cli.getCallerIdentity('eu-west-1', signal())).toEqual({
        account: '123456789012',
        arn: 'arn:aws:iam::123456789012:user/drill',
        userId: 'AIDASTUBUSERID',
      });
      expect(world.stub.calls('GetCallerIdentity').at(-1)!.region).toBe('eu-west-1');
      const alarms = await cli.describeAlarms('us-east-1', 'ef-', signal());
      expect(alarms).toEqual([
        expect.objectContaining({ name: 'ef-primary-unhealthy', region: 'us-east-1', state: 'ALARM', reason: 'health check failed' }),
      ]);
      expect(world.stub.calls('DescribeAlarms').at(-1)!.input).toMatchObject({ Action: 'DescribeAlarms', AlarmNamePrefix: 'ef-' });
    });

    test('tagging get-resources (JSON 1.1) filters by tag and region', async () => {
      world.stub.resources.set('arn:aws:sns:us-west-2:123456789012:left', {
        arn: 'arn:aws:sns:us-west-2:123456789012:left',
        region: 'us-west-2',
        tags: { EdgeFailoverRunId: 'r1' },
      });
      world.stub.resources.set('arn:aws:sns:us-west-2:123456789012:other', {
        arn: 'arn:aws:sns:us-west-2:123456789012:other',
        region: 'us-west-2',
        tags: { EdgeFailoverRunId: 'r2' },
      });
      expect(await cli.getResources('us-west-2', { EdgeFailoverRunId: 'r1' }, signal())).toEqual([
        { arn: 'arn:aws:sns:us-west-2:123456789012:left', tags: { EdgeFailoverRunId: 'r1' } },
      ]);
      expect(await cli.getResources('us-east-1', { EdgeFailoverRunId: 'r1' }, signal())).toEqual([]);
      expect(world.stub.calls('GetResources').at(-1)!.input).toEqual({ TagFilters: [{ Key: 'EdgeFailoverRunId', Values: ['r1'] }] });
    });

    test('--profile is passed through; an unknown profile fails with the CLI message', async () => {
      const withProfile = new AwsCli({
        binary: AWS_CLI_V2,
        endpointUrl: world.stub.url,
        env: world.env,
        profile: 'no-such-profile',
        attempts: 1,
      });
      expect(withProfile.commonArgs('us-east-1')).toContain('--profile');
      await expect(withProfile.getCallerIdentity('us-east-1', signal())).rejects.toThrow(
        /The config profile \(no-such-profile\) could not be found/,
      );
    });
  });

  describe('verifyAwsCli', () => {
    test('accepts the AWS CLI v2', async () => {
      await expect(verifyAwsCli(AWS_CLI_V2)).resolves.toMatch(/^2\.\d+\.\d+$/);
    });

    test('rejects an AWS CLI v1 (which prints its version on stderr) and says how to fix it', async () => {
      const v1 = join(world.root, 'aws-v1');
      writeFileSync(v1, '#!/bin/sh\necho "aws-cli/1.27.0 Python/3.11.2 Linux/6.1 botocore/1.29.0" >&2\n', { mode: 0o755 });
      await expect(verifyAwsCli(v1)).rejects.toThrow(
        /is AWS CLI 1\.27\.0; the drill needs version 2\.x\nTo recover:\n  AWS CLI v1 lacks options the drill passes \(such as --no-cli-pager\)\..*--aws-cli <path>.*\n  Install the AWS CLI v2/,
      );
      await expect(isAwsCliV2(v1)).resolves.toBe(false);
      await expect(isAwsCliV2(join(world.root, 'missing-aws'))).resolves.toBe(false);
    });
  });
});
