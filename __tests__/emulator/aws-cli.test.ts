/**
 * The real AWS CLI v2 (AWS_CLI_V2, /usr/bin/aws by default) against the emulated AWS through its one endpoint: App
 * Runner calls reach the App Runner emulator, everything else moto.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { findAppRunnerModel } from '../../emulator/apprunner/model.js';
import { checkMoto } from '../../emulator/moto/moto-server.js';
import { AWS_CLI_V2 } from '../../emulator/aws-cli.js';
import { FAKE_CREDENTIALS, startEmulatedAws, type EmulatedAws } from '../../emulator/world.js';
import { PROBE_APP_START_COMMAND, probeAppEnvironment } from '../../app/launch.js';
import { describeUnless } from '../support/skip.js';

const AWS = AWS_CLI_V2;
const model = findAppRunnerModel();
const moto = checkMoto();
const missing = !existsSync(AWS)
  ? `the AWS CLI v2 is not at ${AWS} (apt-get install awscli)`
  : typeof model !== 'string'
    ? model.reason
    : 'reason' in moto
      ? moto.reason
      : undefined;

describeUnless(missing, 'the AWS CLI v2 through the router', () => {
  let world: EmulatedAws;
  beforeAll(async () => {
    world = await startEmulatedAws({ operationMs: 300 });
  }, 60_000);
  afterAll(() => world?.stop());

  async function aws(...args: string[]): Promise<any> {
    const r = await execa(AWS, ['--endpoint-url', world.endpoint, '--region', 'us-east-1', '--output', 'json', ...args], {
      env: { ...FAKE_CREDENTIALS, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' },
      extendEnv: false,
      timeout: 60_000,
    });
    return r.stdout ? JSON.parse(r.stdout) : {};
  }
  async function status(arn: string, want: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await aws('apprunner', 'describe-service', '--service-arn', arn)).Service.Status === want) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`never ${want}`);
  }

  test('create-service, describe-service, pause-service, resume-service, list-operations; sts through moto', async () => {
    expect((await aws('sts', 'get-caller-identity')).Account).toMatch(/^\d{12}$/);
    const env = probeAppEnvironment({
      role: 'secondary',
      region: 'us-west-2',
      originVerifyHeader: 'x-origin-verify',
      originVerifySecret: '',
    });
    const source = {
      AutoDeploymentsEnabled: false,
      ImageRepository: {
        ImageIdentifier: 'public.ecr.aws/docker/library/node:20-alpine',
        ImageRepositoryType: 'ECR_PUBLIC',
        ImageConfiguration: { Port: '8080', StartCommand: PROBE_APP_START_COMMAND, RuntimeEnvironmentVariables: env },
      },
    };
    const created = await aws(
      'apprunner',
      'create-service',
      '--service-name',
      'cli-probe',
      '--source-configuration',
      JSON.stringify(source),
    );
    const arn: string = created.Service.ServiceArn;
    expect(created.Service.Status).toBe('OPERATION_IN_PROGRESS');
    await status(arn, 'RUNNING');
    const paused = await aws('apprunner', 'pause-service', '--service-arn', arn);
    expect([paused.Service.Status, typeof paused.OperationId]).toEqual(['OPERATION_IN_PROGRESS', 'string']);
    await status(arn, 'PAUSED');
    await aws('apprunner', 'resume-service', '--service-arn', arn);
    await status(arn, 'RUNNING');
    const ops = await aws('apprunner', 'list-operations', '--service-arn', arn);
    expect(ops.OperationSummaryList.map((o: { Type: string }) => o.Type)).toEqual(['RESUME_SERVICE', 'PAUSE_SERVICE', 'CREATE_SERVICE']);
    const bad = await execa(
      AWS,
      ['--endpoint-url', world.endpoint, '--region', 'us-east-1', 'apprunner', 'pause-service', '--service-arn', `${arn}x`],
      {
        env: { ...FAKE_CREDENTIALS, AWS_CONFIG_FILE: '/dev/null' },
        extendEnv: false,
        reject: false,
      },
    );
    expect([bad.exitCode, bad.stderr]).toEqual([254, expect.stringContaining('ResourceNotFoundException')]);
    await aws('apprunner', 'delete-service', '--service-arn', arn);
  }, 120_000);

  test('the moto patches: an origin-group default behavior, nothing injected, the ARN form, rules and health checks in tagging', async () => {
    const origin = (id: string) => ({
      Id: id,
      DomainName: `${id}.example.com`,
      CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
    });
    const config = {
      CallerReference: 'patch-check',
      Comment: '',
      Enabled: true,
      Origins: { Quantity: 2, Items: [origin('a'), origin('b')] },
      OriginGroups: {
        Quantity: 1,
        Items: [
          {
            Id: 'group',
            FailoverCriteria: { StatusCodes: { Quantity: 1, Items: [404] } },
            Members: { Quantity: 2, Items: [{ OriginId: 'a' }, { OriginId: 'b' }] },
          },
        ],
      },
      DefaultCacheBehavior: {
        TargetOriginId: 'group',
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      },
    };
    const created = await aws('cloudfront', 'create-distribution', '--distribution-config', JSON.stringify(config));
    const id: string = created.Distribution.Id;
    expect(created.Distribution.ARN).toBe(`arn:aws:cloudfront::123456789012:distribution/${id}`);
    const got = (await aws('cloudfront', 'get-distribution-config', '--id', id)).DistributionConfig;
    expect(got.DefaultCacheBehavior.TargetOriginId).toBe('group');
    expect(got.DefaultCacheBehavior.ForwardedValues).toBeUndefined();
    expect(got.ViewerCertificate?.SSLSupportMethod).toBeUndefined();

    const rule = await aws(
      'events',
      'put-rule',
      '--name',
      'patch-check',
      '--event-pattern',
      '{"source":["aws.apprunner"]}',
      '--tags',
      'Key=Check,Value=patch',
    );
    const hc = await aws(
      'route53',
      'create-health-check',
      '--caller-reference',
      'patch-check',
      '--health-check-config',
      'Type=HTTPS,FullyQualifiedDomainName=a.example.com,ResourcePath=/health',
    );
    await aws(
      'route53',
      'change-tags-for-resource',
      '--resource-type',
      'healthcheck',
      '--resource-id',
      hc.HealthCheck.Id,
      '--add-tags',
      'Key=Check,Value=patch',
    );
    const tagged = await aws('resourcegroupstaggingapi', 'get-resources', '--tag-filters', 'Key=Check,Values=patch');
    expect(tagged.ResourceTagMappingList.map((r: { ResourceARN: string }) => r.ResourceARN).sort()).toEqual(
      [rule.RuleArn, `arn:aws:route53:::healthcheck/${hc.HealthCheck.Id}`].sort(),
    );
  }, 120_000);
});
