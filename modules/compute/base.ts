import { Construct } from 'constructs';
import { Token, type TerraformProvider } from 'cdktf';
import { APP_RUNNER_CPU_MEMORY, type ComputeBackend } from '../../core/aws-facts.js';
import type { Role } from '../../core/roles.js';
import { EdgeFailoverError } from '../../core/errors.js';
import { invalid } from '../validation.js';
import type { IRegionalCompute, RegionalComputeProps, ServedRequestsMetric } from './regional-compute.js';

/** What a backend's service resource gives back once it exists; the base derives `serviceUrl`. */
export interface ServiceAttributes {
  readonly serviceArn: string;
  readonly serviceId: string;
  readonly serviceName: string;
  /** Bare host name of the service (no scheme, no path). */
  readonly originDomainName: string;
  readonly servedRequestsMetric: ServedRequestsMetric;
}

/**
 * The fields every backend shares, held once (as aws-cdk's CloudFront `OriginBase` holds an
 * origin's). A backend passes its placement to the constructor, builds its resources, then calls
 * `expose()` once with what its service resource gives back.
 */
export abstract class RegionalComputeBase extends Construct implements IRegionalCompute {
  abstract readonly backend: ComputeBackend;
  readonly role: Role;
  readonly region: string;
  readonly provider: TerraformProvider;
  readonly healthCheckPath: string;
  private attributes?: ServiceAttributes;

  protected constructor(scope: Construct, id: string, props: RegionalComputeProps, healthCheckPath: string) {
    super(scope, id);
    this.role = props.role;
    this.region = props.region;
    this.provider = props.provider;
    this.healthCheckPath = healthCheckPath;
  }

  get serviceArn(): string {
    return this.exposed().serviceArn;
  }
  get serviceId(): string {
    return this.exposed().serviceId;
  }
  get serviceName(): string {
    return this.exposed().serviceName;
  }
  get originDomainName(): string {
    return this.exposed().originDomainName;
  }
  get serviceUrl(): string {
    return `https://${this.exposed().originDomainName}`;
  }
  get servedRequestsMetric(): ServedRequestsMetric {
    return this.exposed().servedRequestsMetric;
  }

  /** Records the service's attributes; a backend calls it once, at the end of its constructor. */
  protected expose(attributes: ServiceAttributes): void {
    if (this.attributes) throw new EdgeFailoverError('internal', `${this.node.path}: expose() called twice`);
    this.attributes = attributes;
  }

  /**
   * Refuses a CPU and memory pair outside App Runner's table, which every backend accepts.
   * `tokens: 'allowed'` leaves a Terraform expression to Terraform; a backend that converts the
   * sizes at synthesis refuses it.
   */
  protected validateCpuMemory(cpu: string, memory: string, tokens: 'allowed' | 'refused'): void {
    if (tokens === 'allowed' && (Token.isUnresolved(cpu) || Token.isUnresolved(memory))) return;
    const memories: readonly string[] | undefined = (APP_RUNNER_CPU_MEMORY as Readonly<Record<string, readonly string[]>>)[cpu];
    if (memories === undefined) invalid(this, 'cpu', cpu, `one of ${Object.keys(APP_RUNNER_CPU_MEMORY).join(', ')}`);
    if (!memories.includes(memory)) invalid(this, 'memory', memory, `with cpu ${cpu}: ${memories.join(', ')}`);
  }

  private exposed(): ServiceAttributes {
    if (!this.attributes) throw new EdgeFailoverError('internal', `${this.node.path}: read before the backend exposed its service`);
    return this.attributes;
  }
}
