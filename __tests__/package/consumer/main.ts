/**
 * A platform team's own CDKTF app, as the package test builds it in a temporary folder after
 * `npm install <tarball>`: its own stack, its own providers and a resource of its own, with the
 * package's constructs composed beside them. Not compiled with the project: `edge-failover`
 * resolves only where the package is installed.
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import {
  AppRunnerRegionalService,
  DrillRunner,
  EcsExpressRegionalService,
  EdgeFailover,
  FailoverMonitoring,
  type EdgeFailoverProps,
  type IRegionalCompute,
} from 'edge-failover';
import { parseConfig } from 'edge-failover/config';

// The package's schema validates the team's settings as synthesis and the drill do.
const config = parseConfig({ namePrefix: 'shop', failover: { statusCodes: [500, 502, 503, 504], readTimeoutSeconds: 10 } });

// @ts-expect-error the declarations are typed: a number, not a string
const wrong: EdgeFailoverProps['connectionAttempts'] = 'three';
void wrong;

/** The team's stack: it owns the providers and the backend; the constructs take the providers. */
class ShopStack extends TerraformStack {
  constructor(scope: Construct, id: string, backend: 'apprunner' | 'ecs-express') {
    super(scope, id);
    const east = new AwsProvider(this, 'aws-east', { region: 'us-east-1', alias: 'east' });
    const west = new AwsProvider(this, 'aws-west', { region: 'us-west-2', alias: 'west' });
    new S3Bucket(this, 'team-logs', { provider: east, bucketPrefix: 'shop-logs-' });

    const image = 'public.ecr.aws/docker/library/nginx:stable';
    const service = (role: 'primary' | 'secondary', provider: AwsProvider, region: string): IRegionalCompute =>
      backend === 'ecs-express'
        ? new EcsExpressRegionalService(this, role, { role, provider, region, serviceName: `shop-${role}`, image, port: 80 })
        : new AppRunnerRegionalService(this, role, {
            role,
            provider,
            region,
            serviceName: `shop-${role}`,
            autoScalingConfigurationName: 'shop-as',
            image: { identifier: image, repositoryType: 'ECR_PUBLIC' },
            port: 80,
          });
    const primary = service('primary', east, 'us-east-1');
    const secondary = service('secondary', west, 'us-west-2');

    const edge = new EdgeFailover(this, 'edge', {
      provider: east,
      primary,
      secondary,
      failoverStatusCodes: [...config.failover.statusCodes],
      originReadTimeout: config.failover.readTimeoutSeconds,
      writePaths: ['/api/*'],
      writeRouter: true,
      writeRouterName: 'shop-writes',
    });
    const monitoring = new FailoverMonitoring(this, 'monitoring', {
      namePrefix: config.namePrefix,
      primary,
      secondary,
      globalProvider: east,
      distributionId: edge.distributionId,
      alertEmails: ['oncall@example.com'],
      topicEncryption: 'none',
    });
    const runner = new DrillRunner(this, 'drill-runner', {
      namePrefix: config.namePrefix,
      primary,
      secondary,
      globalProvider: east,
      distributionArn: edge.distributionArn,
      accountId: monitoring.accountId,
      partition: monitoring.partition,
      alarmRegions: monitoring.alertRegions,
      alarmNamePattern: monitoring.alarmNamePattern,
    });
    new TerraformOutput(this, 'domain', { value: edge.distributionDomainName });
    new TerraformOutput(this, 'drill_runner_policy', { value: runner.policyJson });
  }
}

const app = new App();
new ShopStack(app, 'shop', 'apprunner');
new ShopStack(app, 'shop-ecs', 'ecs-express');
app.synth();
