/**
 * The seam between a region's compute and everything that uses it (the edge, the monitoring
 * layer, the stack's outputs): one interface, whatever backend runs the service.
 */
import type { TerraformProvider } from 'cdktf';
import type { ComputeBackend, SecretStore } from '../../core/aws-facts.js';
import type { Role } from '../../core/roles.js';

/**
 * What the edge and the monitoring layer need from a region's compute, whatever runs it.
 * App Runner implements it in app-runner.ts, ECS Express Mode in ecs-express.ts, both through
 * RegionalComputeBase (base.ts).
 */
export interface IRegionalCompute {
  /** Which compute backend runs the service. @default 'apprunner' */
  readonly backend?: ComputeBackend;
  /**
   * The metric that counts requests the service answered for viewers (Sum per period):
   * AWS/AppRunner Requests, or AWS/ApplicationELB HTTPCode_Target_2XX_Count of the service's target group.
   */
  readonly servedRequestsMetric?: ServedRequestsMetric;
  /** primary or secondary. */
  readonly role: Role;
  /** AWS region the compute runs in. */
  readonly region: string;
  /** The provider its resources use. */
  readonly provider: TerraformProvider;
  readonly serviceArn: string;
  readonly serviceId: string;
  readonly serviceName: string;
  /** https:// URL of the service. */
  readonly serviceUrl: string;
  /** Bare host name, used as the CloudFront origin domain. */
  readonly originDomainName: string;
  /** The path the service reports health on (for Route 53 health checks). */
  readonly healthCheckPath: string;
}

/** A CloudWatch metric (namespace, name, dimensions) summed per period. */
export interface ServedRequestsMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/**
 * What every backend defaults to where the props below leave a choice; each backend's own
 * defaults spread these, and they equal the config defaults (tests hold them equal).
 */
export const REGIONAL_COMPUTE_DEFAULTS = {
  port: 8080,
  cpu: '0.25 vCPU',
  memory: '0.5 GB',
} as const;

/** What every regional backend takes: the service, where it runs, and what the container runs. */
export interface RegionalComputeProps {
  readonly role: Role;
  /** Provider configured for the service's region. */
  readonly provider: TerraformProvider;
  /** Region of that provider (plain string; providers carry no readable region). */
  readonly region: string;
  /** Service name (each backend states its own limits). */
  readonly serviceName: string;
  /** @default 8080 */
  readonly port?: number;
  /** One line. @default - the image's own command */
  readonly startCommand?: string;
  /** Environment variables (each backend states how it treats PORT). @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables whose values are sensitive (name -> value, a token allowed). Kept in
   * `secretStore` and referenced by ARN, read with the backend's role.
   * @default - none
   */
  readonly secretEnvironment?: Record<string, string>;
  /**
   * Where `secretEnvironment` values live: a Secrets Manager secret, an SSM SecureString parameter,
   * or (an explicit opt-out) plain-text environment variables.
   * @default 'secrets-manager'
   */
  readonly secretStore?: SecretStore;
  /** App Runner's spelling ("0.25 vCPU"). @default '0.25 vCPU' */
  readonly cpu?: string;
  /** App Runner's spelling ("0.5 GB"). @default '0.5 GB' */
  readonly memory?: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}
