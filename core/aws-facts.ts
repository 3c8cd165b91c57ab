/**
 * The AWS facts the project relies on, each stated once. Every fact names the section of
 * docs/aws-behaviour.md that gives its public source. The config schema, the constructs, the
 * Terraform variables' validation blocks and the local world's rule reader derive from here.
 * Pure data: no I/O, no imports.
 */

/** An inclusive integer range, with the value AWS uses when the setting is left out. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
  /** AWS's own default, when it has one. */
  readonly default?: number;
}

/** "an integer from MIN to MAX": the one wording of a range in error messages. */
export function describeRange(r: IntRange): string {
  return `an integer from ${r.min} to ${r.max}`;
}

/** Whether v is an integer inside r. */
export function inRange(v: unknown, r: IntRange): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= r.min && v <= r.max;
}

// ── CloudFront origins ─────────────────────────────────────────────────────────────────────

/** Origin.ConnectionAttempts. docs/aws-behaviour.md#origin-connection-settings */
export const CONNECTION_ATTEMPTS: IntRange = { min: 1, max: 3, default: 3 };
/** Origin.ConnectionTimeout, seconds. docs/aws-behaviour.md#origin-connection-settings */
export const CONNECTION_TIMEOUT_SECONDS: IntRange = { min: 1, max: 10, default: 10 };
/**
 * CustomOriginConfig.OriginReadTimeout (response timeout), seconds, within the default quota;
 * more needs a quota increase. docs/aws-behaviour.md#origin-response-and-keep-alive-timeouts
 */
export const ORIGIN_READ_TIMEOUT_SECONDS: IntRange = { min: 1, max: 60, default: 30 };
/** CustomOriginConfig.OriginKeepaliveTimeout, seconds, default quota. docs/aws-behaviour.md#origin-response-and-keep-alive-timeouts */
export const ORIGIN_KEEPALIVE_TIMEOUT_SECONDS: IntRange = { min: 1, max: 60, default: 5 };

// ── CloudFront origin groups and behaviors ─────────────────────────────────────────────────

/** Status codes an origin group accepts as failover criteria. docs/aws-behaviour.md#origin-group-failover-criteria */
export const FAILOVER_STATUS_CODES = [400, 403, 404, 416, 500, 502, 503, 504] as const;

/** The methods a behavior that targets an origin group may allow, and the only ones that fail over. docs/aws-behaviour.md#origin-group-methods */
export const ORIGIN_GROUP_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;
/** The methods a cache behavior caches. docs/aws-behaviour.md#origin-group-methods */
export const CACHED_METHODS = ['GET', 'HEAD'] as const;
/** Every method a behavior may allow (botocore Method), as the provider orders them. docs/aws-behaviour.md#origin-group-methods */
export const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;
/** The methods an origin group cannot carry: writes need a behavior of their own. docs/aws-behaviour.md#origin-group-methods */
export const WRITE_ONLY_METHODS = ['DELETE', 'PATCH', 'POST', 'PUT'] as const;

/** Managed cache policy ids. docs/aws-behaviour.md#managed-policies */
export const MANAGED_CACHE_POLICY = {
  CachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  CachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
} as const;
/** Managed origin request policy ids. docs/aws-behaviour.md#managed-policies */
export const MANAGED_ORIGIN_REQUEST_POLICY = {
  AllViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
  AllViewer: '216adef6-5c7f-47e4-b989-5492eafa07d3',
  AllViewerAndCloudFrontHeaders: '33f36d7e-f396-46d9-90e0-52428a34d9dc',
} as const;
/**
 * The managed origin request policies whose headers the project knows, by id: the name and whether
 * the viewer's Host reaches the origin. Any other id is read with get-origin-request-policy.
 * docs/aws-behaviour.md#managed-policies
 */
export const MANAGED_ORIGIN_REQUEST_POLICIES: Readonly<Record<string, { readonly name: string; readonly forwardHost: boolean }>> = {
  [MANAGED_ORIGIN_REQUEST_POLICY.AllViewer]: { name: 'AllViewer', forwardHost: true },
  [MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader]: { name: 'AllViewerExceptHostHeader', forwardHost: false },
  [MANAGED_ORIGIN_REQUEST_POLICY.AllViewerAndCloudFrontHeaders]: { name: 'AllViewerAndCloudFrontHeaders-2022-06', forwardHost: true },
};

/** Distribution price classes (botocore PriceClass). docs/aws-behaviour.md#price-classes */
export const PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;

// ── Regions ────────────────────────────────────────────────────────────────────────────────

/** Where CloudFront metrics and Route 53 HealthCheckStatus are published, and CloudFront is managed. docs/aws-behaviour.md#global-metrics-region */
export const GLOBAL_METRICS_REGION = 'us-east-1';

/** Regions known to have App Runner (older regions may be added by the user). docs/aws-behaviour.md#app-runner-regions */
export const APP_RUNNER_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'ap-northeast-1'] as const;

/** Regions Route 53 runs health checkers in (botocore HealthCheckRegion). docs/aws-behaviour.md#route-53-health-checks */
export const ROUTE53_HEALTH_CHECK_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
] as const;
export type Route53HealthCheckRegion = (typeof ROUTE53_HEALTH_CHECK_REGIONS)[number];

// ── Route 53 health checks ─────────────────────────────────────────────────────────────────

/** HealthCheckRegionList has at least this many regions. docs/aws-behaviour.md#route-53-health-checks */
export const ROUTE53_MIN_HEALTH_CHECK_REGIONS = 3;
/** RequestInterval: 10 (fast) or 30 seconds. docs/aws-behaviour.md#route-53-health-checks */
export const ROUTE53_REQUEST_INTERVALS = [10, 30] as const;
/** FailureThreshold. docs/aws-behaviour.md#route-53-health-checks */
export const ROUTE53_FAILURE_THRESHOLD: IntRange = { min: 1, max: 10, default: 3 };

// ── CloudWatch alarms ──────────────────────────────────────────────────────────────────────

/** Alarm periods of standard-resolution metrics are multiples of this. docs/aws-behaviour.md#alarm-periods */
export const ALARM_PERIOD_MULTIPLE_SECONDS = 60;
/** period x evaluationPeriods may cover at most one day. docs/aws-behaviour.md#alarm-periods */
export const ALARM_MAX_EVALUATION_SECONDS = 86_400;
/** EvaluationPeriods at the shortest standard period (one day of one-minute periods). docs/aws-behaviour.md#alarm-periods */
export const ALARM_EVALUATION_PERIODS: IntRange = { min: 1, max: ALARM_MAX_EVALUATION_SECONDS / ALARM_PERIOD_MULTIPLE_SECONDS };

// ── App Runner ─────────────────────────────────────────────────────────────────────────────

/** InstanceConfiguration: each CPU size and the memory sizes App Runner pairs with it. docs/aws-behaviour.md#app-runner-instance-sizes */
export const APP_RUNNER_CPU_MEMORY = {
  '0.25 vCPU': ['0.5 GB', '1 GB'],
  '0.5 vCPU': ['1 GB'],
  '1 vCPU': ['2 GB', '3 GB', '4 GB'],
  '2 vCPU': ['4 GB', '6 GB'],
  '4 vCPU': ['8 GB', '10 GB', '12 GB'],
} as const satisfies Readonly<Record<string, readonly string[]>>;
export type AppRunnerCpu = keyof typeof APP_RUNNER_CPU_MEMORY;
export const APP_RUNNER_CPUS = Object.keys(APP_RUNNER_CPU_MEMORY) as AppRunnerCpu[];
export const APP_RUNNER_MEMORIES: readonly string[] = [...new Set(Object.values(APP_RUNNER_CPU_MEMORY).flat())];
/** The size App Runner gives a service that names none. docs/aws-behaviour.md#app-runner-instance-sizes */
export const APP_RUNNER_DEFAULT_INSTANCE = { cpu: '1 vCPU', memory: '2 GB' } as const;

/** HealthCheckConfiguration ranges and App Runner's defaults. docs/aws-behaviour.md#app-runner-health-checks */
export const APP_RUNNER_HEALTH_CHECK = {
  protocols: ['HTTP', 'TCP'] as const,
  intervalSeconds: { min: 1, max: 20, default: 5 } as IntRange,
  timeoutSeconds: { min: 1, max: 20, default: 2 } as IntRange,
  healthyThreshold: { min: 1, max: 20, default: 1 } as IntRange,
  unhealthyThreshold: { min: 1, max: 20, default: 5 } as IntRange,
} as const;

/** Auto scaling configuration ranges. docs/aws-behaviour.md#app-runner-auto-scaling */
export const APP_RUNNER_AUTO_SCALING = {
  minSize: { min: 1, max: 25, default: 1 } as IntRange,
  maxSize: { min: 1, max: 25, default: 25 } as IntRange,
  maxConcurrency: { min: 1, max: 200, default: 100 } as IntRange,
} as const;

/** ServiceName and AutoScalingConfigurationName (botocore patterns). docs/aws-behaviour.md#app-runner-names */
export const APP_RUNNER_NAMES = {
  serviceName: { min: 4, max: 40 },
  autoScalingConfigurationName: { min: 4, max: 32 },
  pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
} as const;

/** ImageConfiguration.StartCommand may not contain CR or LF. docs/aws-behaviour.md#app-runner-names */
export const APP_RUNNER_START_COMMAND_PATTERN = /^[^\n\r]*$/;

/** Environment variable names App Runner reserves: a service may not set them. docs/aws-behaviour.md#app-runner-reserved-environment-variables */
export const APP_RUNNER_RESERVED_ENV_NAMES = ['PORT'] as const;

/** Whether App Runner refuses this environment variable name. */
export function isReservedAppRunnerEnvName(name: string): boolean {
  return (APP_RUNNER_RESERVED_ENV_NAMES as readonly string[]).includes(name);
}

/** The principal and managed policy of an access role that pulls from private ECR. docs/aws-behaviour.md#app-runner-image-repositories */
export const APP_RUNNER_ECR_ACCESS = {
  principal: 'build.apprunner.amazonaws.com',
  policyArn: 'arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess',
} as const;

/**
 * Runtime environment secrets: App Runner reads each from Secrets Manager or SSM Parameter Store
 * (by ARN) with the service's instance role, which App Runner's tasks assume. docs/aws-behaviour.md#app-runner-runtime-environment-secrets
 */
export const APP_RUNNER_SECRETS = {
  instanceRolePrincipal: 'tasks.apprunner.amazonaws.com',
  secretsManagerActions: ['secretsmanager:GetSecretValue'],
  ssmActions: ['ssm:GetParameters'],
  /** RuntimeEnvironmentSecretsName / Value lengths (botocore apprunner). */
  nameMax: 2048,
} as const;

/** Where a secret a service needs is kept: a store App Runner reads at start, or (opt-out) plain text. docs/aws-behaviour.md#app-runner-runtime-environment-secrets */
export const SECRET_STORES = ['secrets-manager', 'ssm-parameter', 'plain-text'] as const;
export type SecretStore = (typeof SECRET_STORES)[number];

// ── ECS Express Mode ───────────────────────────────────────────────────────────────────────

/** The compute backends the project can run in each region (App Runner is closed to new customers). docs/aws-behaviour.md#ecs-express-service */
export const COMPUTE_BACKENDS = ['apprunner', 'ecs-express'] as const;
export type ComputeBackend = (typeof COMPUTE_BACKENDS)[number];

/**
 * CreateExpressGatewayService: the health check path ECS uses when none is given, and the service
 * name rule (up to 255 letters, digits, "_" and "-"). docs/aws-behaviour.md#ecs-express-service
 */
export const ECS_EXPRESS_SERVICE = {
  defaultHealthCheckPath: '/ping',
  serviceName: { min: 1, max: 255 },
  namePattern: /^[A-Za-z0-9_-]+$/,
  /** ExpressGatewayServiceScalingMetric. */
  scalingMetrics: ['AVERAGE_CPU', 'AVERAGE_MEMORY', 'REQUEST_COUNT_PER_TARGET'] as const,
  /** The autoScalingTargetValue ECS uses when none is given. */
  defaultScalingTargetValue: 60,
} as const;

/**
 * The two roles an Express service needs: the task execution role (ECS tasks, AmazonECSTaskExecutionRolePolicy)
 * and the infrastructure role (ECS, AmazonECSInfrastructureRoleforExpressGatewayServices).
 * docs/aws-behaviour.md#ecs-express-roles
 */
export const ECS_EXPRESS_ROLES = {
  execution: {
    principal: 'ecs-tasks.amazonaws.com',
    policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
  },
  infrastructure: {
    principal: 'ecs.amazonaws.com',
    policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices',
  },
} as const;

/**
 * Secrets as container environment variables: `secret{name, value_from}` takes the ARN of a Secrets
 * Manager secret or an SSM parameter, read at task start with the task execution role, which needs
 * the store's read action on it. docs/aws-behaviour.md#ecs-express-secrets
 */
export const ECS_EXPRESS_SECRETS = {
  secretsManagerActions: ['secretsmanager:GetSecretValue'],
  ssmActions: ['ssm:GetParameters'],
} as const;

/**
 * App Runner's instance sizes as ECS task sizes (CPU units, memory MiB): 1 vCPU = 1024 units, 1 GB = 1024 MiB.
 * Every App Runner pair is a valid Fargate pair. docs/aws-behaviour.md#ecs-express-task-sizes
 */
export function ecsTaskSizeOf(cpu: string, memory: string): { readonly cpu: string; readonly memory: string } {
  const units = (text: string, unit: string) => {
    const m = new RegExp(`^(\\d+(?:\\.\\d+)?) ${unit}$`).exec(text);
    if (!m) throw new Error(`${JSON.stringify(text)} is not a size in ${unit}`);
    return String(Math.round(Number(m[1]) * 1024));
  };
  return { cpu: units(cpu, 'vCPU'), memory: units(memory, 'GB') };
}

/**
 * The ALB metric that says the secondary serves viewers: HTTPCode_Target_2XX_Count (Sum) of its target group,
 * dimensions TargetGroup and LoadBalancer; health checks are not counted. docs/aws-behaviour.md#alb-metrics
 */
export const ALB_METRICS = {
  namespace: 'AWS/ApplicationELB',
  served: 'HTTPCode_Target_2XX_Count',
  requests: 'RequestCount',
  dimensions: ['TargetGroup', 'LoadBalancer'] as const,
} as const;

/**
 * ECS events on the default bus: source aws.ecs, detail-types "ECS Service Action" and
 * "ECS Deployment State Change". docs/aws-behaviour.md#ecs-events
 */
export const ECS_EVENTS = {
  source: 'aws.ecs',
  detailTypes: ['ECS Service Action', 'ECS Deployment State Change'] as const,
} as const;

/**
 * A listener rule's fixed-response action: the fault the drill injects on an Express service's ALB
 * (503 is a failover code). An ALB whose targets are all unhealthy fails open, so a broken health
 * check is no fault. docs/aws-behaviour.md#alb-listener-rules-and-fail-open
 */
export const ALB_FIXED_RESPONSE_FAULT = {
  statusCode: '503',
  contentType: 'text/plain',
  messageBody: 'edge-failover drill: fixed-response 503',
} as const;

// ── Tags ───────────────────────────────────────────────────────────────────────────────────

/** Tag key and value lengths (botocore TagKey/TagValue) and tags per resource. docs/aws-behaviour.md#tags */
export const TAG_LIMITS = { keyMin: 1, keyMax: 128, valueMax: 256, perResource: 50 } as const;

/**
 * The characters AWS allows in tag keys and values across services: letters, numbers, spaces and
 * `+ - = . _ : / @`. docs/aws-behaviour.md#tag-characters-and-the-aws-prefix
 */
export const TAG_CHARACTERS = /^[\p{L}\p{N}\p{Zs}+\-=._:/@]*$/u;
/** Keys (and values) starting with this prefix, in any case, are reserved for AWS. docs/aws-behaviour.md#tag-characters-and-the-aws-prefix */
export const TAG_RESERVED_PREFIX = 'aws:';

/** Whether AWS reserves this tag key or value (it starts with `aws:` in any case). */
export function isReservedTagText(text: string): boolean {
  return text.toLowerCase().startsWith(TAG_RESERVED_PREFIX);
}

// ── CloudFront origin custom headers ───────────────────────────────────────────────────────

/**
 * Header names CloudFront cannot add to origin requests as custom headers (lower case), besides
 * the prefixes below. docs/aws-behaviour.md#origin-custom-headers
 */
export const ORIGIN_CUSTOM_HEADER_DENYLIST = [
  'cache-control',
  'connection',
  'content-length',
  'cookie',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'max-forwards',
  'pragma',
  'proxy-authorization',
  'proxy-connection',
  'range',
  'request-range',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'x-real-ip',
] as const;
/** Header-name prefixes CloudFront cannot add as custom headers (lower case). docs/aws-behaviour.md#origin-custom-headers */
export const ORIGIN_CUSTOM_HEADER_DENIED_PREFIXES = ['x-amz-', 'x-edge-'] as const;
/** Origin custom header lengths (CloudFront quotas on headers). docs/aws-behaviour.md#origin-custom-headers */
export const ORIGIN_CUSTOM_HEADER_LIMITS = { nameMax: 256, valueMax: 1783, namesAndValuesMax: 10_240 } as const;

/** Whether CloudFront refuses this name for a custom origin header. */
export function isDeniedOriginCustomHeader(name: string): boolean {
  const n = name.toLowerCase();
  return (
    (ORIGIN_CUSTOM_HEADER_DENYLIST as readonly string[]).includes(n) || ORIGIN_CUSTOM_HEADER_DENIED_PREFIXES.some((p) => n.startsWith(p))
  );
}

// ── Write router (CloudFront Functions and KeyValueStore) ──────────────────────────────────

/** The CloudFront Functions runtime that has KeyValueStore and origin modification. docs/aws-behaviour.md#cloudfront-functions-runtime-20 */
export const CLOUDFRONT_FUNCTIONS_RUNTIME = 'cloudfront-js-2.0';
/** The ECMAScript edition runtime 2.0 draws its features from (ES 12), for parsing a function. docs/aws-behaviour.md#cloudfront-functions-runtime-20 */
export const CLOUDFRONT_FUNCTIONS_ECMA_VERSION = 2021;
/** Largest function code, in bytes. docs/aws-behaviour.md#cloudfront-functions-runtime-20 */
export const CLOUDFRONT_FUNCTION_CODE_MAX_BYTES = 10_240;
/** The one event type whose functions may change the request's origin (cf.selectRequestOriginById). docs/aws-behaviour.md#origin-modification */
export const ORIGIN_MODIFICATION_EVENT = 'viewer-request';
/** KeyValueStores a function may be associated with, and the size limits of a key and a value (characters). docs/aws-behaviour.md#keyvaluestore-association-and-limits */
export const KEY_VALUE_STORE_LIMITS = { storesPerFunction: 1, keyMax: 512, valueMax: 1024 } as const;
/** The AWS CLI service of the KeyValueStore data-plane API (PutKey with IfMatch, SigV4A). docs/aws-behaviour.md#keyvaluestore-api */
export const KEY_VALUE_STORE_CLI_SERVICE = 'cloudfront-keyvaluestore';
