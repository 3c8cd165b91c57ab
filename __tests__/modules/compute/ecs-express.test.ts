import '../../support/cdktf-matchers.js';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { EcsExpressGatewayService } from '@cdktf/provider-aws/lib/ecs-express-gateway-service/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { DataAwsEcsService } from '@cdktf/provider-aws/lib/data-aws-ecs-service/index.js';
import { ConstructValidationError } from '../../../core/errors.js';
import { loadConfig } from '../../../config/index.js';
import { EcsExpressRegionalService, type EcsExpressServiceProps } from '../../../modules/compute/ecs-express.js';
import { EdgeFailoverStack } from '../../../stacks/edge-failover-stack.js';
import { ECS_EXPRESS_ROLES, ecsTaskSizeOf } from '../../../core/aws-facts.js';
import { PROBE_APP_START_COMMAND } from '../../../app/launch.js';

function build(overrides: Partial<EcsExpressServiceProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const provider = new AwsProvider(stack, 'west', { alias: 'west', region: 'us-west-2' });
  const service = new EcsExpressRegionalService(stack, 'secondary', {
    role: 'secondary',
    provider,
    region: 'us-west-2',
    serviceName: 'shop-secondary',
    image: 'public.ecr.aws/docker/library/node:20-alpine',
    port: 3000,
    startCommand: 'node server.js',
    environment: { MODE: 'test' },
    scaling: { minSize: 1, maxSize: 3, metric: 'AVERAGE_CPU', targetValue: 60 },
    healthCheckPath: '/healthz',
    ...overrides,
  });
  return { service, synth: Testing.synth(stack, true) };
}

describe('EcsExpressRegionalService', () => {
  const { service, synth } = build();

  test('runs the image with its port, command split into words, and environment with PORT from the port', () => {
    expect(synth).toHaveResourceWithProperties(EcsExpressGatewayService, {
      service_name: 'shop-secondary',
      primary_container: [
        {
          image: 'public.ecr.aws/docker/library/node:20-alpine',
          container_port: 3000,
          command: ['node', 'server.js'],
          environment: [
            { name: 'MODE', value: 'test' },
            { name: 'PORT', value: '3000' },
          ],
        },
      ],
    });
  });

  test('health-checks the configured path, not ECS default /ping', () => {
    expect(synth).toHaveResourceWithProperties(EcsExpressGatewayService, { health_check_path: '/healthz' });
    expect(service.healthCheckPath).toBe('/healthz');
  });

  test("maps App Runner's sizes to CPU units and MiB", () => {
    expect(synth).toHaveResourceWithProperties(EcsExpressGatewayService, { cpu: '256', memory: '512' });
    expect(ecsTaskSizeOf('1 vCPU', '3 GB')).toEqual({ cpu: '1024', memory: '3072' });
  });

  test('scales between the min and max task counts on the chosen metric', () => {
    expect(synth).toHaveResourceWithProperties(EcsExpressGatewayService, {
      scaling_target: [{ min_task_count: 1, max_task_count: 3, auto_scaling_metric: 'AVERAGE_CPU', auto_scaling_target_value: 60 }],
    });
  });

  test('execution role: assumed by ECS tasks, with AmazonECSTaskExecutionRolePolicy only', () => {
    expect(synth).toHaveResourceWithProperties(IamRole, {
      name: 'shop-secondary-exec',
      assume_role_policy: expect.stringContaining(ECS_EXPRESS_ROLES.execution.principal),
    });
    expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, { policy_arn: ECS_EXPRESS_ROLES.execution.policyArn });
  });

  test('infrastructure role: assumed by ECS, with the managed policy for Express gateway services', () => {
    expect(synth).toHaveResourceWithProperties(IamRole, {
      name: 'shop-secondary-infra',
      assume_role_policy: expect.stringContaining('"ecs.amazonaws.com"'),
    });
    expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices',
    });
    const attachments = Object.values(JSON.parse(synth).resource.aws_iam_role_policy_attachment as Record<string, unknown>);
    expect(attachments).toHaveLength(2);
  });

  test('the served-requests metric is the target group HTTPCode_Target_2XX_Count, read back through the ECS service', () => {
    expect(service.servedRequestsMetric.namespace).toBe('AWS/ApplicationELB');
    expect(service.servedRequestsMetric.metricName).toBe('HTTPCode_Target_2XX_Count');
    expect(Object.keys(service.servedRequestsMetric.dimensions).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
    expect(synth).toHaveDataSourceWithProperties(DataAwsEcsService, { service_name: expect.stringContaining('service_name') });
  });

  test('a name suffix is appended for ephemeral stacks (names ECS still holds after a destroy)', () => {
    const { synth: s } = build({ serviceNameSuffix: 'r4nd0m' });
    expect(s).toHaveResourceWithProperties(EcsExpressGatewayService, { service_name: 'shop-secondary-r4nd0m' });
  });

  test.each([
    ['secrets-manager', 'aws_secretsmanager_secret', 'secretsmanager:GetSecretValue'],
    ['ssm-parameter', 'aws_ssm_parameter', 'ssm:GetParameters'],
  ] as const)('secret environment in %s: a container secret by ARN, readable by the execution role alone', (store, type, action) => {
    const { synth: s } = build({ secretEnvironment: { API_TOKEN: 'not-in-the-environment-0123' }, secretStore: store });
    const tf = JSON.parse(s);
    const [id] = Object.keys(tf.resource[type]);
    const container =
      tf.resource.aws_ecs_express_gateway_service[Object.keys(tf.resource.aws_ecs_express_gateway_service)[0]!].primary_container[0];
    expect(container.secret).toEqual([{ name: 'API_TOKEN', value_from: `\${${type}.${id}.arn}` }]);
    expect(JSON.stringify(container.environment)).not.toContain('not-in-the-environment');
    const policies = Object.values(tf.resource.aws_iam_role_policy as Record<string, { role: string; policy: string }>);
    expect(policies).toHaveLength(1);
    expect(policies[0]!.role).toMatch(/^\$\{aws_iam_role\.secondary_execution_role\.id\}$/);
    expect(policies[0]!.policy).toContain(action);
    expect(policies[0]!.policy).toContain(`${type}.${id}.arn`);
  });

  test('secret environment in plain-text: ordinary environment variables, no store and no grant', () => {
    const { synth: s } = build({ secretEnvironment: { API_TOKEN: 'plain-0123456789abcdef' }, secretStore: 'plain-text' });
    const tf = JSON.parse(s);
    const container =
      tf.resource.aws_ecs_express_gateway_service[Object.keys(tf.resource.aws_ecs_express_gateway_service)[0]!].primary_container[0];
    expect(container.environment).toContainEqual({ name: 'API_TOKEN', value: 'plain-0123456789abcdef' });
    expect(container.secret).toBeUndefined();
    expect(tf.resource.aws_iam_role_policy).toBeUndefined();
  });

  test('refuses PORT in the environment, and a min above the max', () => {
    expect(() => build({ environment: { PORT: '1' } })).toThrow(ConstructValidationError);
    expect(() => build({ scaling: { minSize: 4, maxSize: 2, metric: 'AVERAGE_CPU', targetValue: 60 } })).toThrow(/scaling\.minSize/);
    expect(() => build({ memory: '3 GB' })).toThrow(/memory/);
  });
});

describe('the stack with service.backend "ecs-express"', () => {
  const config = loadConfig({ env: { EDGE_FAILOVER_BACKEND: 'ecs-express' } });
  const app = Testing.app();
  const stack = new EdgeFailoverStack(app, 'edge-failover', { config });
  const synth = Testing.synth(stack, true);
  const json = JSON.parse(synth);

  test('has an Express service per region and no App Runner service', () => {
    expect(Object.keys(json.resource.aws_ecs_express_gateway_service)).toHaveLength(2);
    expect(json.resource.aws_apprunner_service).toBeUndefined();
  });

  test('runs the probe app with the same start command as App Runner, health path /health', () => {
    expect(synth).toHaveResourceWithProperties(EcsExpressGatewayService, {
      primary_container: [expect.objectContaining({ command: PROBE_APP_START_COMMAND.split(' ') })],
      health_check_path: '/health',
    });
  });

  test('the edge takes each endpoint host, without scheme or trailing slash, as a custom origin', () => {
    expect(synth).toHaveResourceWithProperties(CloudfrontDistribution, {
      origin: expect.arrayContaining([
        expect.objectContaining({
          domain_name:
            '${trimsuffix(trimprefix(aws_ecs_express_gateway_service.primary_service.ingress_paths[0].endpoint, "https://"), "/")}',
          custom_origin_config: expect.objectContaining({ origin_protocol_policy: 'https-only' }),
        }),
      ]),
    });
  });

  test('failover-active watches the secondary target group on AWS/ApplicationELB', () => {
    expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: 'edge-failover-failover-active',
      namespace: 'AWS/ApplicationELB',
      metric_name: 'HTTPCode_Target_2XX_Count',
      statistic: 'Sum',
      dimensions: { TargetGroup: expect.stringContaining('secondary'), LoadBalancer: expect.stringContaining('secondary') },
    });
  });

  test('EventBridge rules follow ECS service actions and deployment state changes', () => {
    expect(synth).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: 'edge-failover-primary-ecs-status',
      event_pattern: expect.stringContaining('ECS Deployment State Change'),
    });
    expect(JSON.stringify(json.resource.aws_cloudwatch_event_rule)).not.toContain('aws.apprunner');
  });

  test('the drill-runner policy grants the ELBv2 and ECS calls, and no App Runner call', () => {
    const doc = JSON.stringify(json.data.aws_iam_policy_document);
    for (const a of ['elasticloadbalancing:ModifyRule', 'elasticloadbalancing:DescribeRules', 'ecs:DescribeServices'])
      expect(doc).toContain(a);
    expect(doc).toContain('listener-rule/app/*');
    expect(doc).not.toContain('apprunner:PauseService');
  });
});
