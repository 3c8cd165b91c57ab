import type { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { EcsExpressGatewayService } from '@cdktf/provider-aws/lib/ecs-express-gateway-service/index.js';
import { DataAwsEcsService } from '@cdktf/provider-aws/lib/data-aws-ecs-service/index.js';
import { DataAwsLbTargetGroup } from '@cdktf/provider-aws/lib/data-aws-lb-target-group/index.js';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { ALB_METRICS, ECS_EXPRESS_ROLES, ECS_EXPRESS_SECRETS, ECS_EXPRESS_SERVICE, ecsTaskSizeOf } from '../../core/aws-facts.js';
import { nameAfterPath } from '../naming.js';
import { checkRange, invalid } from '../validation.js';
import { RegionalComputeBase } from './base.js';
import { REGIONAL_COMPUTE_DEFAULTS, type RegionalComputeProps } from './regional-compute.js';
import { grantSecretRead, serviceRole, storeSecretEnvironment } from './service-role.js';

/** The construct's defaults; they equal the config defaults. */
export const ECS_EXPRESS_SERVICE_DEFAULTS = {
  ...REGIONAL_COMPUTE_DEFAULTS,
  scaling: { minSize: 1, maxSize: 2, metric: 'AVERAGE_CPU' as const, targetValue: ECS_EXPRESS_SERVICE.defaultScalingTargetValue },
  healthCheckPath: '/health',
  cluster: 'default',
} as const;

export interface EcsExpressServiceProps extends RegionalComputeProps {
  /** Service name; the suffix, when given, is appended after a "-". */
  readonly serviceName: string;
  /**
   * Appended to the service name so a re-created stack gets names ECS does not still hold
   * (terraform-provider-aws#47438). @default - none
   */
  readonly serviceNameSuffix?: string;
  /** Container image URI (ECR, ECR Public or another registry the execution role can reach). */
  readonly image: string;
  /** One line, split on whitespace into the container command. @default - the image's own command */
  readonly startCommand?: string;
  /** Container environment; PORT is set from the port. @default - none */
  readonly environment?: Record<string, string>;
  /** @default - 1 to 2 tasks on AVERAGE_CPU 60 */
  readonly scaling?: {
    readonly minSize: number;
    readonly maxSize: number;
    readonly metric: (typeof ECS_EXPRESS_SERVICE.scalingMetrics)[number];
    readonly targetValue: number;
  };
  /** The path the ALB health-checks (ECS's own default is /ping). @default '/health' */
  readonly healthCheckPath?: string;
  /** @default 'default' */
  readonly cluster?: string;
}

/**
 * An ECS Express Mode service with its task execution and infrastructure roles. ECS creates the ALB,
 * the listener rule, the target group and the auto scaling behind it; the edge reaches the service at
 * the host of `ingress_paths[0].endpoint`. The target group is read back (data sources) for the
 * monitoring layer's ALB metrics.
 */
export class EcsExpressRegionalService extends RegionalComputeBase {
  readonly backend = 'ecs-express' as const;
  readonly service: EcsExpressGatewayService;
  readonly executionRole: IamRole;
  readonly infrastructureRole: IamRole;
  /** `targetgroup/<name>/<id>`: the TargetGroup dimension of the service's ALB metrics. */
  readonly targetGroupArnSuffix: string;
  /** `app/<name>/<id>`: the LoadBalancer dimension. */
  readonly loadBalancerArnSuffix: string;

  constructor(scope: Construct, id: string, props: EcsExpressServiceProps) {
    const d = ECS_EXPRESS_SERVICE_DEFAULTS;
    const healthCheckPath = props.healthCheckPath ?? d.healthCheckPath;
    super(scope, id, props, healthCheckPath);
    const scaling = props.scaling ?? d.scaling;
    const cpu = props.cpu ?? d.cpu;
    const memory = props.memory ?? d.memory;
    const port = props.port ?? d.port;
    const name = props.serviceNameSuffix ? `${props.serviceName}-${props.serviceNameSuffix}` : props.serviceName;
    if (
      !Token.isUnresolved(name) &&
      (name.length < ECS_EXPRESS_SERVICE.serviceName.min ||
        name.length > ECS_EXPRESS_SERVICE.serviceName.max ||
        !ECS_EXPRESS_SERVICE.namePattern.test(name))
    ) {
      invalid(this, 'serviceName', name, 'up to 255 letters, digits, "_" and "-"');
    }
    checkRange(this, 'port', port, { min: 1, max: 65535 });
    checkRange(this, 'scaling.minSize', scaling.minSize, { min: 1, max: 1000 });
    checkRange(this, 'scaling.maxSize', scaling.maxSize, { min: 1, max: 1000 });
    if (scaling.minSize > scaling.maxSize)
      invalid(this, 'scaling.minSize', scaling.minSize, `at most scaling.maxSize (${scaling.maxSize})`);
    if (!(ECS_EXPRESS_SERVICE.scalingMetrics as readonly string[]).includes(scaling.metric)) {
      invalid(this, 'scaling.metric', scaling.metric, `one of ${ECS_EXPRESS_SERVICE.scalingMetrics.join(', ')}`);
    }
    if (!Token.isUnresolved(healthCheckPath) && !/^\/\S*$/.test(healthCheckPath)) {
      invalid(this, 'healthCheckPath', healthCheckPath, 'a path starting with "/"');
    }
    this.validateCpuMemory(cpu, memory, 'refused');
    if (props.environment && 'PORT' in props.environment) {
      invalid(
        this,
        'environment.PORT',
        props.environment.PORT,
        'environment variable names other than PORT (it is set from the port property)',
      );
    }
    const size = ecsTaskSizeOf(cpu, memory);

    this.executionRole = serviceRole(this, 'execution-role', ECS_EXPRESS_ROLES.execution.principal, {
      provider: props.provider,
      name: `${name}-exec`.slice(0, 64),
      description: `Lets ECS tasks of ${name} pull the image, write logs and read their secrets`,
      tags: props.tags,
    });
    nameAfterPath(
      new IamRolePolicyAttachment(this, 'execution-policy', {
        provider: props.provider,
        role: this.executionRole.name,
        policyArn: ECS_EXPRESS_ROLES.execution.policyArn,
      }),
    );
    this.infrastructureRole = serviceRole(this, 'infrastructure-role', ECS_EXPRESS_ROLES.infrastructure.principal, {
      provider: props.provider,
      name: `${name}-infra`.slice(0, 64),
      description: `Lets ECS manage the load balancer, target group and scaling of ${name}`,
      tags: props.tags,
    });
    const infraPolicy = nameAfterPath(
      new IamRolePolicyAttachment(this, 'infrastructure-policy', {
        provider: props.provider,
        role: this.infrastructureRole.name,
        policyArn: ECS_EXPRESS_ROLES.infrastructure.policyArn,
      }),
    );

    const secrets = storeSecretEnvironment(this, {
      provider: props.provider,
      owner: name,
      ownerKind: 'the ECS Express service',
      secretEnvironment: props.secretEnvironment,
      store: props.secretStore,
      tags: props.tags,
    });
    const secretPolicy = secrets.references
      ? grantSecretRead(this, 'execution-role-secrets', {
          provider: props.provider,
          role: this.executionRole,
          policyName: 'read-environment-secrets',
          actions: props.secretStore === 'ssm-parameter' ? ECS_EXPRESS_SECRETS.ssmActions : ECS_EXPRESS_SECRETS.secretsManagerActions,
          references: secrets.references,
        })
      : undefined;
    const environment = { ...(props.environment ?? {}), ...secrets.plainText, PORT: String(port) };
    this.service = nameAfterPath(
      new EcsExpressGatewayService(this, 'service', {
        provider: props.provider,
        serviceName: name,
        cluster: props.cluster ?? d.cluster,
        executionRoleArn: this.executionRole.arn,
        infrastructureRoleArn: this.infrastructureRole.arn,
        cpu: size.cpu,
        memory: size.memory,
        healthCheckPath,
        primaryContainer: [
          {
            image: props.image,
            containerPort: port,
            command: props.startCommand ? props.startCommand.trim().split(/\s+/) : undefined,
            environment: Object.entries(environment).map(([k, v]) => ({ name: k, value: v })),
            secret: secrets.references ? Object.entries(secrets.references).map(([k, arn]) => ({ name: k, valueFrom: arn })) : undefined,
          },
        ],
        scalingTarget: [
          {
            minTaskCount: scaling.minSize,
            maxTaskCount: scaling.maxSize,
            autoScalingMetric: scaling.metric,
            autoScalingTargetValue: scaling.targetValue,
          },
        ],
        waitForSteadyState: true,
        tags: props.tags,
        // The infrastructure role must keep its policy until the service (and what ECS built) is gone.
        // The execution role must be able to read the secrets before a task starts.
        dependsOn: secretPolicy ? [infraPolicy, secretPolicy] : [infraPolicy],
      }),
    );

    // Express exposes no target group; the ECS service behind it does.
    const ecsService = nameAfterPath(
      new DataAwsEcsService(this, 'ecs-service', {
        provider: props.provider,
        serviceName: this.service.serviceName,
        clusterArn: this.service.cluster,
      }),
    );
    const targetGroup = nameAfterPath(
      new DataAwsLbTargetGroup(this, 'target-group', {
        provider: props.provider,
        arn: ecsService.loadBalancer.get(0).targetGroupArn,
      }),
    );
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.loadBalancerArnSuffix = Fn.replace(
      Fn.element(Fn.split(':', Fn.element(Fn.tolist(targetGroup.loadBalancerArns), 0)), 5),
      'loadbalancer/',
      '',
    );

    const endpoint = this.service.ingressPaths.get(0).endpoint;
    this.expose({
      serviceArn: this.service.serviceArn,
      serviceId: this.service.serviceArn,
      serviceName: this.service.serviceName,
      originDomainName: Fn.trimsuffix(Fn.trimprefix(endpoint, 'https://'), '/'),
      servedRequestsMetric: {
        namespace: ALB_METRICS.namespace,
        metricName: ALB_METRICS.served,
        dimensions: { TargetGroup: this.targetGroupArnSuffix, LoadBalancer: this.loadBalancerArnSuffix },
      },
    });
  }
}
