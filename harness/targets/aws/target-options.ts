/**
 * The AWS target's options, and their checks (run before anything else): the mode, a run id that
 * can tag resources, and explicit stack references: the ARNs of two different services of the
 * configured backend, a CloudFront distribution id and, for ECS Express, the two endpoints.
 */
import type { EdgeFailoverConfig } from '../../../config/index.js';
import { BACKENDS, type BackendRegistry } from './backends/registry.js';
import type { ServiceBackend } from './backends/service-backend.js';
import { HOST_NAME, hostOf } from './hosts.js';
import { AwsTargetError } from './tools/errors.js';
import type { AwsToolOptions } from './tools/tool-options.js';
import type { LifecycleMode } from './wire.js';

/** An already-deployed stack named explicitly, instead of through `terraform output -json`. */
export interface ExistingStackRef {
  readonly primaryServiceArn: string;
  readonly secondaryServiceArn: string;
  readonly distributionId: string;
  /** The distribution's domain (xxxx.cloudfront.net) or an alias viewers use. @default the distribution's DomainName */
  readonly domainName?: string;
  /**
   * service.backend "ecs-express" only, and required there: the primary's endpoint host (its ingress
   * path, e.g. drill-primary.ecs.us-east-1.on.aws; an https:// URL is accepted). The AWS CLI v2 has
   * no ECS Express API to read it (docs/aws-behaviour.md#ecs-service-status).
   */
  readonly primaryEndpoint?: string;
  /** service.backend "ecs-express" only, and required there: the secondary's endpoint host. */
  readonly secondaryEndpoint?: string;
}

export interface AwsTargetOptions extends AwsToolOptions {
  /** The validated config the stack was synthesized from (ephemeral mode: with ephemeralOverrides applied). */
  readonly config: EdgeFailoverConfig;
  /**
   * ephemeral: apply, drill, destroy. existing: drill a deployed stack and never destroy it.
   * deploy: apply and leave the stack deployed (`dr-drill up`).
   */
  readonly mode: LifecycleMode;
  /** The synthesized stack's name (its EdgeFailoverStack tag; stacks/synth.ts's stackName). */
  readonly stackName: string;
  /** The synthesized stack's directory, where terraform runs (stacks/synth.ts's stackDir). */
  readonly stackDir: string;
  /** Unique id of this run (newRunId()); tags ephemeral resources and names the journal entry. */
  readonly runId: string;
  /** The run's output directory: terraform.log and aws.log go there. */
  readonly runDir: string;
  /** Where journals and locks live. @default <cwd>/.drill */
  readonly stateDir?: string;
  /**
   * The name journal and lock are kept under. Ephemeral runs pass the config's base name prefix
   * (EphemeralRunPlan.journalName) so one config cannot have two runs at once. @default stackName
   */
  readonly journalName?: string;
  /** existing mode: the stack's ARNs, instead of reading `terraform output -json` in stackDir. @default read from terraform */
  readonly existing?: ExistingStackRef;
  /** -var-file arguments for apply and destroy. @default none */
  readonly varFiles?: readonly string[];
  /** Terraform override files (absolute paths, checked), copied into stackDir before init. @default none */
  readonly terraformOverrides?: readonly string[];
  /** Pause a service even if it is not this stack's managed primary. @default false */
  readonly allowUnmanagedPause?: boolean;
  /** Pause even when the live deployment fails the preflight checks (inspect.ts); the report says so. @default false */
  readonly force?: boolean;
  /** Path patterns of cache behaviors accepted as served by the primary alone (--accept-behavior). @default none */
  readonly acceptBehaviors?: readonly string[];
  /** The response header naming the origin that served (the probe app's). @default 'x-served-by' */
  readonly servedByHeader?: string;
  /** The compute backends, looked up by config service.backend. @default BACKENDS (App Runner, ECS Express) */
  readonly backends?: BackendRegistry;
}

/** Throws a usage error naming the first bad option. */
export function checkTargetOptions(options: AwsTargetOptions): void {
  if (options.mode !== 'ephemeral' && options.mode !== 'existing' && options.mode !== 'deploy') {
    throw new AwsTargetError('usage', `mode = ${JSON.stringify(options.mode)}: allowed: "ephemeral", "existing" or "deploy"`);
  }
  if (options.mode !== 'existing' && options.existing) {
    throw new AwsTargetError(
      'usage',
      `existing = {...} was given with mode "${options.mode}": explicit ARNs only make sense with mode "existing"`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(options.runId)) {
    throw new AwsTargetError(
      'usage',
      `runId = ${JSON.stringify(options.runId)}: allowed: 1 to 128 characters of A-Z, a-z, 0-9, "_", "." and "-"`,
    );
  }
  const backend = (options.backends ?? BACKENDS).get(options.config.service.backend);
  if (options.existing) checkExistingRef(options.existing, backend, options.config);
}

/** Some backends are not in every region (App Runner: docs/aws-behaviour.md#app-runner-regions): a usage error naming `what`. */
export function checkBackendRegion(backend: ServiceBackend, config: EdgeFailoverConfig, region: string, what: string): void {
  const regions = backend.regions?.(config);
  if (regions && !regions.known.has(region)) {
    throw new AwsTargetError('usage', `${what} = ${JSON.stringify(region)}: ${regions.what} is not known there`, {
      recovery: regions.hint,
    });
  }
}

/** Throws a usage error naming the first bad explicit reference (also for `dr-drill check`), its service regions included. */
export function checkExistingRef(existing: ExistingStackRef, backend: ServiceBackend, config: EdgeFailoverConfig): void {
  const ecs = backend.endpointsFromOptions;
  for (const key of ['primaryServiceArn', 'secondaryServiceArn'] as const) {
    if (!backend.arn.pattern.test(existing[key])) {
      throw new AwsTargetError('usage', `existing.${key} = ${JSON.stringify(existing[key])}: allowed: ${backend.arn.allowed}`);
    }
  }
  checkBackendRegion(backend, config, existing.primaryServiceArn.split(':')[3]!, 'primary service region');
  checkBackendRegion(backend, config, existing.secondaryServiceArn.split(':')[3]!, 'secondary service region');
  if (existing.primaryServiceArn === existing.secondaryServiceArn) {
    throw new AwsTargetError(
      'usage',
      `existing.secondaryServiceArn = ${JSON.stringify(existing.secondaryServiceArn)}: allowed: a service other than the primary (the same ARN was given twice)`,
    );
  }
  for (const key of ['primaryEndpoint', 'secondaryEndpoint'] as const) {
    const v = existing[key];
    if (!ecs && v !== undefined) {
      throw new AwsTargetError(
        'usage',
        `existing.${key} = ${JSON.stringify(v)}: allowed: only with a service.backend whose API cannot give the service URL (service.backend "${backend.key}" reads it with its own API)`,
      );
    }
    if (ecs && (v === undefined || !HOST_NAME.test(hostOf(v)))) {
      throw new AwsTargetError(
        'usage',
        `existing.${key} = ${v === undefined ? 'missing' : JSON.stringify(v)}: allowed: the ${key.replace('Endpoint', '')} ${backend.noun}'s endpoint host (e.g. my-service.ecs.us-east-1.on.aws, or its https:// URL); required with service.backend "${backend.key}" and explicit ARNs, because the AWS CLI v2 cannot read it`,
        {
          recovery:
            'Pass --primary-endpoint and --secondary-endpoint (the ingress_paths[0].endpoint of each service), or drop the explicit ARNs to read everything from terraform output.',
        },
      );
    }
  }
  if (!/^E[A-Z0-9]+$/.test(existing.distributionId)) {
    throw new AwsTargetError(
      'usage',
      `existing.distributionId = ${JSON.stringify(existing.distributionId)}: allowed: a CloudFront distribution ID such as E2QWRUHEXAMPLE`,
    );
  }
}
