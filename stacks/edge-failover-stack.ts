import { EdgeFailoverError } from '../core/errors.js';
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import type { EdgeFailoverConfig } from '../config/index.js';
import {
  CONNECTION_ATTEMPTS,
  CONNECTION_TIMEOUT_SECONDS,
  FAILOVER_STATUS_CODES,
  GLOBAL_METRICS_REGION,
  ORIGIN_READ_TIMEOUT_SECONDS,
  type IntRange,
} from '../core/aws-facts.js';
import type { IRegionalCompute, RegionalComputeProps } from '../modules/compute/regional-compute.js';
import { COMPUTE_BACKEND_REGISTRY } from '../modules/compute/registry.js';
import { EdgeFailover } from '../modules/edge-failover.js';
import { FailoverMonitoring } from '../modules/monitoring/failover-monitoring.js';
import { DrillRunner } from '../modules/drill-runner/drill-runner.js';
import { PROBE_APP_START_COMMAND, probeAppEnvironment } from '../app/launch.js';

import { MANAGED_BY_TAG, MANAGED_BY_VALUE, MONITORING_OUTPUTS, OUTPUTS, ROLE_TAG, STACK_TAG, WRITE_ROUTER_OUTPUTS } from './contract.js';
export { MANAGED_BY_TAG, MANAGED_BY_VALUE, MONITORING_OUTPUTS, OUTPUTS, ROLE_TAG, STACK_TAG } from './contract.js';

/**
 * The hashicorp/aws versions the stack (cdk.tf.json) and the exported module accept: a minimum
 * only, as reusable modules should state it. The bindings were generated for 6.25.0.
 */
export const AWS_PROVIDER_VERSION_CONSTRAINT = '>= 6.25.0';

export interface EdgeFailoverStackProps {
  readonly config: EdgeFailoverConfig;
}

/**
 * The whole edge-failover setup: a service per region (App Runner or ECS Express, built through
 * modules/compute/registry.ts) behind a CloudFront origin group, with the monitoring layer. Construct IDs are API: renaming one replaces
 * the resource behind it.
 */
export class EdgeFailoverStack extends TerraformStack {
  readonly config: EdgeFailoverConfig;
  readonly primaryProvider: AwsProvider;
  readonly secondaryProvider: AwsProvider;
  /** The provider for us-east-1: CloudFront, its metrics and Route 53 health-check metrics live there. */
  readonly globalProvider: AwsProvider;
  readonly primary: IRegionalCompute;
  readonly secondary: IRegionalCompute;
  readonly edge: EdgeFailover;
  readonly monitoring: FailoverMonitoring;
  readonly drillRunner: DrillRunner;
  readonly variables: {
    readonly image: TerraformVariable;
    readonly failoverStatusCodes: TerraformVariable;
    readonly connectionAttempts: TerraformVariable;
    readonly connectionTimeout: TerraformVariable;
    readonly readTimeout: TerraformVariable;
    readonly alertEmails: TerraformVariable;
    readonly originVerifySecret?: TerraformVariable;
    readonly computeBackend: TerraformVariable;
  };

  constructor(scope: Construct, id: string, props: EdgeFailoverStackProps) {
    super(scope, id);
    const c = props.config;
    this.config = c;

    if (c.backend.type === 's3') {
      new S3Backend(this, {
        bucket: c.backend.bucket,
        key: c.backend.key,
        region: c.backend.region,
        encrypt: c.backend.encrypt,
      });
      // S3-native locking (Terraform >= 1.10) postdates cdktf's S3BackendConfig.
      if (c.backend.useLockfile) this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      new LocalBackend(this, { path: c.backend.path });
    }

    this.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_VERSION_CONSTRAINT);
    const defaultTags = [{ tags: { ...c.tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: id } }];
    this.primaryProvider = new AwsProvider(this, 'aws-primary', { alias: 'primary', region: c.regions.primary, defaultTags });
    this.secondaryProvider = new AwsProvider(this, 'aws-secondary', { alias: 'secondary', region: c.regions.secondary, defaultTags });
    this.globalProvider =
      c.regions.primary === GLOBAL_METRICS_REGION
        ? this.primaryProvider
        : c.regions.secondary === GLOBAL_METRICS_REGION
          ? this.secondaryProvider
          : new AwsProvider(this, 'aws-global', { alias: 'global', region: GLOBAL_METRICS_REGION, defaultTags });

    this.variables = this.declareVariables(c);

    const usesProbeApp = c.service.startCommand === '';
    const environmentOf = (role: 'primary' | 'secondary', region: string) => ({
      ...(usesProbeApp
        ? probeAppEnvironment({
            role,
            region,
            originVerifyHeader: c.failover.originVerify.headerName,
            originVerifySecret: '',
          })
        : {}),
      ...c.service.environment,
    });
    const startCommand = usesProbeApp ? PROBE_APP_START_COMMAND : c.service.startCommand;
    // The secret reaches the probe app from a secret store unless the config opts out.
    const secrets = {
      secretEnvironment:
        usesProbeApp && this.variables.originVerifySecret
          ? { ORIGIN_VERIFY_SECRET: this.variables.originVerifySecret.stringValue }
          : undefined,
      secretStore: c.failover.originVerify.secretStore,
    };
    const backend = COMPUTE_BACKEND_REGISTRY.get(c.service.backend);
    const service = (role: 'primary' | 'secondary', provider: AwsProvider, region: string): IRegionalCompute => {
      const common: RegionalComputeProps = {
        role,
        provider,
        region,
        serviceName: `${c.namePrefix}-${role}`,
        port: c.service.port,
        startCommand,
        environment: environmentOf(role, region),
        ...secrets,
        cpu: c.service.cpu,
        memory: c.service.memory,
        tags: { [ROLE_TAG]: role },
      };
      return backend.build(this, common, c, this.variables.image.stringValue);
    };
    this.primary = service('primary', this.primaryProvider, c.regions.primary);
    this.secondary = service('secondary', this.secondaryProvider, c.regions.secondary);

    this.edge = new EdgeFailover(this, 'edge', {
      provider: this.globalProvider,
      primary: this.primary,
      secondary: this.secondary,
      failoverStatusCodes: this.variables.failoverStatusCodes.listValue as unknown as number[],
      connectionAttempts: this.variables.connectionAttempts.numberValue,
      connectionTimeout: this.variables.connectionTimeout.numberValue,
      originReadTimeout: this.variables.readTimeout.numberValue,
      originKeepaliveTimeout: c.failover.keepaliveTimeoutSeconds,
      writePaths: c.failover.writePaths,
      writeRouter: c.failover.writeRouter,
      writeRouterName: `${c.namePrefix}-write-router`,
      originVerify: this.variables.originVerifySecret
        ? { headerName: c.failover.originVerify.headerName, secret: this.variables.originVerifySecret.stringValue }
        : undefined,
      priceClass: c.failover.priceClass,
      comment: `${c.namePrefix}: ${c.regions.primary} with failover to ${c.regions.secondary}`,
    });

    // The monitoring layer (modules/monitoring) composes here, after the services and the edge.
    // It takes the config's monitoring fields as they are; only the emails become a Terraform variable.
    const { drillRunnerPrincipalArn, ...m } = c.monitoring;
    this.monitoring = new FailoverMonitoring(this, 'monitoring', {
      ...m,
      kmsKeyId: m.kmsKeyId === '' ? undefined : m.kmsKeyId,
      alertEmails: this.variables.alertEmails.listValue,
      namePrefix: c.namePrefix,
      primary: this.primary,
      secondary: this.secondary,
      globalProvider: this.globalProvider,
      distributionId: this.edge.distributionId,
    });

    // What the drill harness may do to this stack. Its ID keeps the addresses these resources had
    // inside the monitoring construct (monitoring_drill_runner_policy, _role, _role_policy): IDs are API.
    this.drillRunner = new DrillRunner(this, 'monitoring-drill-runner', {
      namePrefix: c.namePrefix,
      primary: this.primary,
      secondary: this.secondary,
      globalProvider: this.globalProvider,
      distributionArn: this.edge.distributionArn,
      accountId: this.monitoring.accountId,
      partition: this.monitoring.partition,
      alarmRegions: this.monitoring.alertRegions,
      alarmNamePattern: this.monitoring.alarmNamePattern,
      principalArn: drillRunnerPrincipalArn,
      ...(c.backend.type === 's3' ? { stateBucket: { bucket: c.backend.bucket, key: c.backend.key } } : {}),
    });

    this.declareOutputs();
    this.checkLogicalIdsUnique();
  }

  /** Fails synthesis when two resources would get the same readable name (see nameAfterPath). */
  private checkLogicalIdsUnique(): void {
    const seen = new Map<string, string>();
    for (const node of this.node.findAll()) {
      if (!(node instanceof TerraformResource)) continue;
      const key = `${node.terraformResourceType}.${node.friendlyUniqueId}`;
      const clash = seen.get(key);
      if (clash)
        throw new EdgeFailoverError(
          'internal',
          `Resources ${clash} and ${node.node.path} would both be named ${key}; give one a different construct ID`,
        );
      seen.set(key, node.node.path);
    }
  }

  private declareVariables(c: EdgeFailoverConfig) {
    const intRange = (name: string, { min, max }: IntRange) => ({
      condition: `\${var.${name} >= ${min} && var.${name} <= ${max} && floor(var.${name}) == var.${name}}`,
      errorMessage: `${name} must be an integer from ${min} to ${max}.`,
    });
    const codes = FAILOVER_STATUS_CODES.join(', ');
    const span = (r: IntRange) => `${r.min}-${r.max}`;
    const others = COMPUTE_BACKEND_REGISTRY.keys
      .filter((k) => k !== c.service.backend)
      .map((k) => JSON.stringify(k))
      .join(' or ');
    return {
      image: new TerraformVariable(this, 'image', {
        type: 'string',
        default: c.service.image.identifier,
        description: `Container image both ${COMPUTE_BACKEND_REGISTRY.get(c.service.backend).label} services run (${c.service.image.repositoryType}).`,
        validation: [
          {
            condition: `\${length(var.image) > 0}`,
            errorMessage: 'image must be a non-empty image URI.',
          },
        ],
      }),
      failoverStatusCodes: new TerraformVariable(this, 'failover_status_codes', {
        type: 'list(number)',
        default: c.failover.statusCodes,
        description:
          'Status codes from the primary that fail a viewer request over to the secondary. Keep 404: a paused App Runner service answers 404.',
        validation: [
          {
            condition: `\${length(var.failover_status_codes) > 0 && alltrue([for code in var.failover_status_codes : contains([${codes}], code)])}`,
            errorMessage: `failover_status_codes must be a non-empty list of codes from ${codes}.`,
          },
        ],
      }),
      connectionAttempts: new TerraformVariable(this, 'origin_connection_attempts', {
        type: 'number',
        default: c.failover.connectionAttempts,
        description: `Connection attempts CloudFront makes per origin before failing over (${span(CONNECTION_ATTEMPTS)}).`,
        validation: [intRange('origin_connection_attempts', CONNECTION_ATTEMPTS)],
      }),
      connectionTimeout: new TerraformVariable(this, 'origin_connection_timeout', {
        type: 'number',
        default: c.failover.connectionTimeoutSeconds,
        description: `Seconds CloudFront waits for a connection to an origin, per attempt (${span(CONNECTION_TIMEOUT_SECONDS)}).`,
        validation: [intRange('origin_connection_timeout', CONNECTION_TIMEOUT_SECONDS)],
      }),
      readTimeout: new TerraformVariable(this, 'origin_read_timeout', {
        type: 'number',
        default: c.failover.readTimeoutSeconds,
        description: `Seconds CloudFront waits for an origin response before failing over (${span(ORIGIN_READ_TIMEOUT_SECONDS)}).`,
        validation: [intRange('origin_read_timeout', ORIGIN_READ_TIMEOUT_SECONDS)],
      }),
      computeBackend: new TerraformVariable(this, 'compute_backend', {
        type: 'string',
        default: c.service.backend,
        description: `Compute backend of both regions: "apprunner" (existing App Runner customers) or "ecs-express" (ECS Express Mode). This stack was synthesized for "${c.service.backend}"; the other needs service.backend = ${others} at synthesis (or export), since the two backends have different resources.`,
        validation: [
          {
            condition: `\${var.compute_backend == "${c.service.backend}"}`,
            errorMessage: `compute_backend must be "${c.service.backend}" for this stack: synthesize or export it again with service.backend (EDGE_FAILOVER_BACKEND) for the other backend.`,
          },
        ],
      }),
      alertEmails: new TerraformVariable(this, 'alert_emails', {
        type: 'list(string)',
        default: c.monitoring.alertEmails,
        description: 'Email addresses subscribed to failover and failback notifications.',
        validation: [
          {
            condition: `\${alltrue([for e in var.alert_emails : can(regex("^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$", e))])}`,
            errorMessage: 'alert_emails must contain email addresses.',
          },
        ],
      }),
      originVerifySecret:
        c.failover.originVerify.secret === ''
          ? undefined
          : new TerraformVariable(this, 'origin_verify_secret', {
              type: 'string',
              sensitive: true,
              default: c.failover.originVerify.secret,
              description: `Value of the ${c.failover.originVerify.headerName} header CloudFront adds to origin requests; origins refuse requests without it.`,
              validation: [
                {
                  condition: `\${length(var.origin_verify_secret) >= 16}`,
                  errorMessage: 'origin_verify_secret must be at least 16 characters.',
                },
              ],
            }),
    };
  }

  private declareOutputs(): void {
    const out = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    out(OUTPUTS.distributionId, this.edge.distributionId, 'CloudFront distribution ID.');
    out(OUTPUTS.distributionDomainName, this.edge.distributionDomainName, 'Domain name viewers use (xxxx.cloudfront.net).');
    const what = COMPUTE_BACKEND_REGISTRY.get(this.config.service.backend).label;
    for (const s of [this.primary, this.secondary]) {
      out(`${s.role}_service_arn`, s.serviceArn, `ARN of the ${s.role} ${what} service.`);
      out(`${s.role}_service_url`, s.serviceUrl, `https:// URL of the ${s.role} ${what} service.`);
      out(`${s.role}_service_name`, s.serviceName, `Name of the ${s.role} ${what} service.`);
      out(`${s.role}_region`, s.region, `Region of the ${s.role} ${what} service.`);
    }
    out(OUTPUTS.healthCheckPath, this.primary.healthCheckPath, 'Path each service reports health on.');
    if (this.edge.writeRouter) {
      out(
        WRITE_ROUTER_OUTPUTS.kvsArn,
        this.edge.writeRouter.keyValueStoreArn,
        "ARN of the write router's KeyValueStore (key active-region).",
      );
    }
    out('service_backend', this.variables.computeBackend.stringValue, 'Compute backend of both regions: apprunner or ecs-express.');
    const mon = this.monitoring;
    new TerraformOutput(this, MONITORING_OUTPUTS.alertTopicArns, {
      value: mon.topicArns,
      description: "SNS topic ARN per region; alarms and App Runner status events publish to their own region's topic.",
    });
    new TerraformOutput(this, MONITORING_OUTPUTS.alarmRegions, {
      value: mon.alarmRegions,
      description: 'Alarm name to the region it lives in (call describe-alarms there).',
    });
    out(
      MONITORING_OUTPUTS.dashboardName,
      mon.dashboardName,
      'CloudWatch dashboard (us-east-1) showing both regions, the edge and the alarms.',
    );
    new TerraformOutput(this, MONITORING_OUTPUTS.healthCheckIds, {
      value: { primary: mon.primaryHealthCheck.id, ...(mon.secondaryHealthCheck ? { secondary: mon.secondaryHealthCheck.id } : {}) },
      description: 'Route 53 health check ID per service.',
    });
    out(
      MONITORING_OUTPUTS.drillRunnerPolicyJson,
      this.drillRunner.policyJson,
      "Least-privilege IAM policy for the drill runner: pause/resume and read this stack's services, distribution and alarms.",
    );
    const runnerRole = this.drillRunner.role;
    if (runnerRole) out(MONITORING_OUTPUTS.drillRunnerRoleArn, runnerRole.arn, 'IAM role the drill runner assumes.');
  }
}
