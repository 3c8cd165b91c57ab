/**
 * The compute backends as the constructs know them, keyed by config `service.backend`: how the stack
 * builds a region's service from the configuration, how the monitoring layer hears about that
 * service, and what the drill runner may do to it. A new backend is one construct extending
 * RegionalComputeBase and one entry here (the drill harness's side is one ServiceBackend in
 * harness/targets/aws/backends/); nothing else names a backend.
 */
import type { Construct } from 'constructs';
import type { EdgeFailoverConfig } from '../../config/schema.js';
import type { ComputeBackend } from '../../core/aws-facts.js';
import { EdgeFailoverError } from '../../core/errors.js';
import { KeyedRegistry } from '../../core/keyed-registry.js';
import { appRunnerStatusPattern, ecsServicePattern, type EventPattern, type EventPatternService } from '../monitoring/event-pattern.js';
import type { PolicyStatement } from '../policy-statement.js';
import { AppRunnerRegionalService } from './app-runner.js';
import { EcsExpressRegionalService } from './ecs-express.js';
import type { IRegionalCompute, RegionalComputeProps } from './regional-compute.js';

/** What the drill runner's compute statements are scoped to. */
export interface ComputeScope {
  /** The stack's two services. */
  readonly serviceArns: readonly string[];
  /** Regions the runner may query in: both service regions and us-east-1 (CloudFront). */
  readonly regions: readonly string[];
  /** Listener-rule ARN patterns of the service regions (arn:...:listener-rule/app/*), for a backend behind an ALB. */
  readonly listenerRuleArns?: readonly string[];
  /** The service regions (calls that take no resource are limited to them). @default - regions */
  readonly serviceRegions?: readonly string[];
}

export interface ComputeBackendTraits {
  /** The config's `service.backend` value. */
  readonly key: string;
  /** How descriptions and outputs name it ("App Runner"). */
  readonly label: string;
  /** The region's service, built from the configuration; `image` is the stack's image (a Terraform variable). */
  build(scope: Construct, common: RegionalComputeProps, config: EdgeFailoverConfig, image: string): IRegionalCompute;
  /** The EventBridge rule each region's service gets in the monitoring layer. */
  readonly events: {
    /** The word in the rule's name and construct ID: API, since renaming it replaces the rule. */
    readonly slug: string;
    /** What the rule routes, for its description. */
    readonly what: string;
    readonly pattern: (services: readonly EventPatternService[]) => EventPattern;
  };
  /** What the drill harness does to this backend's services. */
  readonly drillRunner: {
    /** Every call, by purpose (harness/targets/aws/backends/ declares the same as its ServiceBackend's iamActions). */
    readonly actions: Readonly<Record<string, readonly string[]>>;
    /** The statements that grant them, scoped to the stack's services. */
    readonly statements: (scope: ComputeScope) => PolicyStatement[];
  };
}

/** The drill harness's calls against App Runner services, by purpose. */
const APP_RUNNER_ACTIONS = {
  /** Injects the fault: pause the primary, and resume it for failback. */
  pause: ['apprunner:PauseService', 'apprunner:ResumeService'],
  /** Polls until the service is PAUSED or RUNNING, reads the operation's outcome, and checks the service's tags before pausing it. */
  observe: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
} as const;

const appRunner: ComputeBackendTraits = {
  key: 'apprunner',
  label: 'App Runner',
  build: (scope, common, c, image) =>
    new AppRunnerRegionalService(scope, common.role, {
      ...common,
      autoScalingConfigurationName: `${c.namePrefix}-as`,
      image: { identifier: image, repositoryType: c.service.image.repositoryType },
      autoScaling: c.service.autoScaling,
      healthCheck: c.service.healthCheck,
    }),
  events: { slug: 'apprunner', what: 'App Runner status and operation changes', pattern: appRunnerStatusPattern },
  drillRunner: {
    actions: APP_RUNNER_ACTIONS,
    statements: (scope) => [
      {
        sid: 'PauseAndResumeThisStacksServices',
        effect: 'Allow',
        actions: [...APP_RUNNER_ACTIONS.pause, ...APP_RUNNER_ACTIONS.observe],
        resources: [...scope.serviceArns],
      },
    ],
  },
};

/**
 * The drill harness's calls against ECS Express services, by purpose. ECS Express has no pause: the fault is the
 * service's ALB listener rule changed to a fixed-response 503 and restored (docs/aws-behaviour.md#alb-listener-rules-and-fail-open).
 */
const ECS_EXPRESS_ACTIONS = {
  /** Reads the Express service's ECS service (its target group) and tags. */
  observe: ['ecs:DescribeServices', 'ecs:ListTagsForResource'],
  /** Finds the listener rule: target group -> load balancer -> listeners -> rules. No resource-level permissions. */
  find: ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules'],
  /** Injects the fixed-response 503 and restores the journaled actions. */
  fault: ['elasticloadbalancing:ModifyRule'],
} as const;

const ecsExpress: ComputeBackendTraits = {
  key: 'ecs-express',
  label: 'ECS Express',
  build: (scope, common, c, image) =>
    new EcsExpressRegionalService(scope, common.role, {
      ...common,
      serviceNameSuffix: c.service.ecsExpress.serviceNameSuffix || undefined,
      cluster: c.service.ecsExpress.cluster,
      image,
      scaling: {
        minSize: c.service.autoScaling.minSize,
        maxSize: c.service.autoScaling.maxSize,
        metric: c.service.ecsExpress.autoScalingMetric,
        targetValue: c.service.ecsExpress.autoScalingTargetValue,
      },
      healthCheckPath: c.service.healthCheck.path,
    }),
  events: { slug: 'ecs', what: 'ECS service actions and deployment state changes', pattern: ecsServicePattern },
  drillRunner: {
    actions: ECS_EXPRESS_ACTIONS,
    statements: (scope) => {
      if ((scope.listenerRuleArns ?? []).length === 0)
        throw new EdgeFailoverError('internal', 'drillRunnerStatements needs the listener-rule ARN patterns with the ecs-express backend');
      return [
        {
          sid: 'ReadThisStacksServices',
          effect: 'Allow',
          actions: [...ECS_EXPRESS_ACTIONS.observe],
          resources: [...scope.serviceArns],
        },
        {
          sid: 'FindTheServicesListenerRules',
          effect: 'Allow',
          actions: [...ECS_EXPRESS_ACTIONS.find],
          resources: ['*'],
          conditions: [
            { test: 'StringEquals', variable: 'aws:RequestedRegion', values: [...new Set(scope.serviceRegions ?? scope.regions)] },
          ],
        },
        {
          sid: 'FaultAndRestoreListenerRules',
          effect: 'Allow',
          actions: [...ECS_EXPRESS_ACTIONS.fault],
          resources: [...(scope.listenerRuleArns ?? [])],
        },
      ];
    },
  },
};

/** Compute backends by key; immutable (`with` gives a registry with one more). */
export type ComputeBackendRegistry = KeyedRegistry<ComputeBackendTraits>;

/** The built-in backends: one per value config `service.backend` allows (checked by the type). */
const BUILT_IN: Readonly<Record<ComputeBackend, ComputeBackendTraits>> = { apprunner: appRunner, 'ecs-express': ecsExpress };

export const COMPUTE_BACKEND_REGISTRY: ComputeBackendRegistry = new KeyedRegistry(Object.values(BUILT_IN), {
  noun: 'compute backends',
  field: 'service.backend',
});

/** The traits of a service's backend (App Runner when it names none, as IRegionalCompute's default). */
export function computeBackendOf(service: { readonly backend?: string }, registry = COMPUTE_BACKEND_REGISTRY): ComputeBackendTraits {
  return registry.get(service.backend ?? 'apprunner');
}
