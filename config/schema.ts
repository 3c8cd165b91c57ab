/**
 * The one configuration schema. It feeds synthesis (stacks/) and the drill harness.
 * Ranges and enums come from core/aws-facts.ts (sources in docs/aws-behaviour.md); the
 * project's own choices within them (the defaults) are stated here.
 * Messages are the text after "allowed: " in the house error format.
 */
import { z } from 'zod';
import {
  ALARM_EVALUATION_PERIODS,
  ALARM_MAX_EVALUATION_SECONDS,
  ALARM_PERIOD_MULTIPLE_SECONDS,
  APP_RUNNER_AUTO_SCALING,
  APP_RUNNER_CPU_MEMORY,
  APP_RUNNER_CPUS,
  APP_RUNNER_HEALTH_CHECK,
  APP_RUNNER_MEMORIES,
  APP_RUNNER_REGIONS,
  APP_RUNNER_RESERVED_ENV_NAMES,
  APP_RUNNER_START_COMMAND_PATTERN,
  COMPUTE_BACKENDS,
  ECS_EXPRESS_SERVICE,
  CONNECTION_ATTEMPTS,
  CONNECTION_TIMEOUT_SECONDS,
  FAILOVER_STATUS_CODES,
  ALL_METHODS as EVERY_METHOD,
  ORIGIN_KEEPALIVE_TIMEOUT_SECONDS,
  ORIGIN_READ_TIMEOUT_SECONDS,
  PRICE_CLASSES,
  ROUTE53_FAILURE_THRESHOLD,
  ROUTE53_HEALTH_CHECK_REGIONS,
  ROUTE53_MIN_HEALTH_CHECK_REGIONS,
  ROUTE53_REQUEST_INTERVALS,
  ORIGIN_CUSTOM_HEADER_LIMITS,
  SECRET_STORES,
  TAG_CHARACTERS,
  TAG_LIMITS,
  inRange,
  isDeniedOriginCustomHeader,
  isReservedTagText,
  isReservedAppRunnerEnvName,
  type IntRange,
} from '../core/aws-facts.js';

/** Regions where App Runner is known to exist. */
export const KNOWN_APPRUNNER_REGIONS = APP_RUNNER_REGIONS;

/** Status codes an origin group accepts as failover criteria. */
export const CLOUDFRONT_FAILOVER_CODES = FAILOVER_STATUS_CODES;

/** The project's default failover criteria: 404 is there because a paused App Runner service answers 404. */
export const DEFAULT_FAILOVER_CODES = [404, 500, 502, 503, 504] as const satisfies readonly (typeof FAILOVER_STATUS_CODES)[number][];

/** App Runner instance sizes and the memory each CPU size accepts. */
export const APPRUNNER_CPU_MEMORY: Readonly<Record<string, readonly string[]>> = APP_RUNNER_CPU_MEMORY;
const CPU_VALUES = APP_RUNNER_CPUS as [string, ...string[]];
const MEMORY_VALUES = APP_RUNNER_MEMORIES as [string, ...string[]];

/** Methods a cache behavior may allow. */
export const ALL_METHODS = EVERY_METHOD;

const int = (min: number, max: number) =>
  z
    .number({ error: `an integer from ${min} to ${max}` })
    .int({ error: `an integer from ${min} to ${max}` })
    .min(min, { error: `an integer from ${min} to ${max}` })
    .max(max, { error: `an integer from ${min} to ${max}` });
/** An integer in an AWS range, defaulting to the project's value. */
const ranged = (r: IntRange) => int(r.min, r.max);

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `one of ${values.join(', ')}` });

const region = z
  .string({ error: 'an AWS region name such as us-east-1' })
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'an AWS region name such as us-east-1' });

/** Tags the project adds to every resource itself (ManagedBy, EdgeFailoverStack, EdgeFailoverRole, and an ephemeral run's EdgeFailoverRunId). */
export const PROJECT_TAG_COUNT = 4;
/** The most tags a config may add: AWS's per-resource limit less the project's own. */
export const MAX_USER_TAGS = TAG_LIMITS.perResource - PROJECT_TAG_COUNT;

const TAG_KEY_ALLOWED = `tag keys of ${TAG_LIMITS.keyMin} to ${TAG_LIMITS.keyMax} letters, digits, spaces and + - = . _ : / @, not starting with "aws:"`;
const TAG_VALUE_ALLOWED = `tag values of at most ${TAG_LIMITS.valueMax} letters, digits, spaces and + - = . _ : / @, not starting with "aws:"`;

const tagMap = z
  .record(
    z.string(),
    z
      .string({ error: TAG_VALUE_ALLOWED })
      .max(TAG_LIMITS.valueMax, { error: TAG_VALUE_ALLOWED })
      .regex(TAG_CHARACTERS, { error: TAG_VALUE_ALLOWED })
      .refine((v) => !isReservedTagText(v), { error: TAG_VALUE_ALLOWED }),
    { error: 'an object of tag keys and string values' },
  )
  .superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    for (const key of keys) {
      if (
        [...key].length < TAG_LIMITS.keyMin ||
        [...key].length > TAG_LIMITS.keyMax ||
        !TAG_CHARACTERS.test(key) ||
        isReservedTagText(key)
      ) {
        ctx.addIssue({ code: 'custom', path: [key], input: key, message: TAG_KEY_ALLOWED });
      }
    }
    if (keys.length > MAX_USER_TAGS) {
      ctx.addIssue({
        code: 'custom',
        input: keys.length,
        message: `at most ${MAX_USER_TAGS} tags (AWS allows ${TAG_LIMITS.perResource} per resource and the project adds ${PROJECT_TAG_COUNT}); this object has ${keys.length}`,
      });
    }
  });

/** The header names the project's own edge and probes use: an origin-verify header of that name would be confused with them. */
export const PROJECT_HEADER_NAMES = ['x-request-id', 'x-served-by', 'x-edge-origin', 'x-edge-attempts', 'x-edge-failover'] as const;

const HEADER_NAME_ALLOWED = `an HTTP header name of 1 to ${ORIGIN_CUSTOM_HEADER_LIMITS.nameMax} letters, digits and "-" that CloudFront may add to origin requests (not Host, Cookie, Via, Cache-Control, X-Amz-*, X-Edge-*, ... see docs/aws-behaviour.md) and not one of the project's own headers (${PROJECT_HEADER_NAMES.join(', ')})`;

export const configSchema = z
  .strictObject({
    /** Prefix for every resource name. */
    namePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,22}[a-z0-9]$/, {
        error: '3 to 24 characters of a-z, 0-9 and "-", starting with a letter and not ending with "-"',
      })
      .default('edge-failover'),
    /** Tags added to every taggable resource, next to the project's own. */
    tags: tagMap.default({}),
    regions: z
      .strictObject({
        primary: region.default('us-east-1'),
        secondary: region.default('us-west-2'),
        /** Regions outside KNOWN_APPRUNNER_REGIONS that the user asserts have App Runner. */
        additionalAppRunnerRegions: z.array(region).default([]),
      })
      .prefault({}),
    service: z
      .strictObject({
        /** Which compute runs in each region: App Runner (existing App Runner customers) or ECS Express Mode. */
        backend: oneOf(COMPUTE_BACKENDS).default('apprunner'),
        image: z
          .strictObject({
            identifier: z.string().min(1, { error: 'a non-empty image URI' }).default('public.ecr.aws/docker/library/node:20-alpine'),
            repositoryType: oneOf(['ECR_PUBLIC', 'ECR']).default('ECR_PUBLIC'),
          })
          .prefault({}),
        port: int(1, 65535).default(8080),
        /** Overrides the image's command. Empty means: the probe app's start command (see app/). */
        startCommand: z
          .string()
          .regex(APP_RUNNER_START_COMMAND_PATTERN, { error: 'a single line (App Runner rejects CR and LF)' })
          .default(''),
        /** Extra runtime environment variables; App Runner's reserved names (PORT) are refused. */
        environment: z.record(z.string(), z.string()).default({}),
        cpu: oneOf(CPU_VALUES).default('0.25 vCPU'),
        memory: oneOf(MEMORY_VALUES).default('0.5 GB'),
        autoScaling: z
          .strictObject({
            minSize: ranged(APP_RUNNER_AUTO_SCALING.minSize).default(1),
            maxSize: ranged(APP_RUNNER_AUTO_SCALING.maxSize).default(2),
            maxConcurrency: ranged(APP_RUNNER_AUTO_SCALING.maxConcurrency).default(100),
          })
          .prefault({}),
        healthCheck: z
          .strictObject({
            protocol: oneOf(APP_RUNNER_HEALTH_CHECK.protocols).default('HTTP'),
            path: z
              .string()
              .regex(/^\/[\x21-\x7e]*$/, { error: 'a path starting with "/", of printable characters without spaces' })
              .default('/health'),
            intervalSeconds: ranged(APP_RUNNER_HEALTH_CHECK.intervalSeconds).default(5),
            timeoutSeconds: ranged(APP_RUNNER_HEALTH_CHECK.timeoutSeconds).default(2),
            healthyThreshold: ranged(APP_RUNNER_HEALTH_CHECK.healthyThreshold).default(1),
            unhealthyThreshold: ranged(APP_RUNNER_HEALTH_CHECK.unhealthyThreshold).default(3),
          })
          .prefault({}),
        /** Settings only ECS Express Mode has; refused with service.backend "apprunner" unless left at their defaults. */
        ecsExpress: z
          .strictObject({
            /** The ECS cluster the Express services run in. */
            cluster: z
              .string()
              .regex(/^[A-Za-z0-9_-]{1,255}$/, { error: 'a cluster name of 1 to 255 letters, digits, "_" and "-"' })
              .default('default'),
            /**
             * Appended to each service name ("<prefix>-<role>-<suffix>"): ECS holds a deleted service's name for a
             * while, so a stack re-created at once needs new names (terraform-provider-aws#47438).
             */
            serviceNameSuffix: z
              .string()
              .regex(/^[a-z0-9]{0,12}$/, { error: 'empty, or up to 12 of a-z and 0-9' })
              .default(''),
            autoScalingMetric: oneOf(ECS_EXPRESS_SERVICE.scalingMetrics).default('AVERAGE_CPU'),
            autoScalingTargetValue: int(1, 100_000).default(ECS_EXPRESS_SERVICE.defaultScalingTargetValue),
          })
          .prefault({}),
      })
      .prefault({}),
    failover: z
      .strictObject({
        statusCodes: z
          .array(
            z.number().refine((c) => (CLOUDFRONT_FAILOVER_CODES as readonly number[]).includes(c), {
              error: `status codes from ${CLOUDFRONT_FAILOVER_CODES.join(', ')}`,
            }),
          )
          .min(1, { error: `1 to ${CLOUDFRONT_FAILOVER_CODES.length} codes from ${CLOUDFRONT_FAILOVER_CODES.join(', ')}` })
          .refine((codes) => new Set(codes).size === codes.length, { error: 'each code once' })
          .default([...DEFAULT_FAILOVER_CODES]),
        /** Per origin. CloudFront's default is 3; 1 fails over on the first refused connection. */
        connectionAttempts: ranged(CONNECTION_ATTEMPTS).default(1),
        /** Seconds per connection attempt. CloudFront's default is 10. */
        connectionTimeoutSeconds: ranged(CONNECTION_TIMEOUT_SECONDS).default(2),
        /** Response (read) timeout in seconds. CloudFront's default is 30; above 60 needs a quota increase. */
        readTimeoutSeconds: ranged(ORIGIN_READ_TIMEOUT_SECONDS).default(5),
        keepaliveTimeoutSeconds: ranged(ORIGIN_KEEPALIVE_TIMEOUT_SECONDS).default(5),
        /** Path patterns served by the primary alone with every method allowed. They never fail over. */
        writePaths: z
          .array(
            z
              .string()
              .regex(/^\/?[A-Za-z0-9_\-.*$/~"'@:+&=?]+$/, { error: 'CloudFront path patterns such as /api/*' })
              .refine((p) => p !== '*' && p !== '/*', {
                error:
                  'a narrower pattern such as /api/*: this one would take over the default behavior, which must stay on the origin group',
              }),
          )
          .superRefine((paths, ctx) => {
            paths.forEach((p, i) => {
              if (paths.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: [i], input: p, message: 'each path pattern once' });
            });
          })
          .default([]),
        /**
         * Route writePaths through a CloudFront Function that reads the region serving writes from a
         * KeyValueStore (switched with `dr-drill switch-writes`). Off: writes go to the primary alone.
         */
        writeRouter: z.boolean().default(false),
        /** A secret header CloudFront adds to every origin request, so origins can refuse viewers who bypass the edge. */
        originVerify: z
          .strictObject({
            headerName: z
              .string({ error: HEADER_NAME_ALLOWED })
              .max(ORIGIN_CUSTOM_HEADER_LIMITS.nameMax, { error: HEADER_NAME_ALLOWED })
              .regex(/^[A-Za-z0-9-]+$/, { error: HEADER_NAME_ALLOWED })
              .refine((n) => !isDeniedOriginCustomHeader(n) && !(PROJECT_HEADER_NAMES as readonly string[]).includes(n.toLowerCase()), {
                error: HEADER_NAME_ALLOWED,
              })
              .default('x-origin-verify'),
            secret: z.string({ error: 'a string: empty (off) or 16 to 1783 printable characters' }).default(''),
            /**
             * Where the services read the secret: a Secrets Manager secret or an SSM SecureString parameter per
             * service (runtime_environment_secrets, with an instance role), or plain-text environment variables (opt-out).
             */
            secretStore: oneOf(SECRET_STORES).default('secrets-manager'),
          })
          .prefault({}),
        priceClass: oneOf(PRICE_CLASSES).default('PriceClass_100'),
      })
      .prefault({}),
    monitoring: z
      .strictObject({
        alertEmails: z.array(z.email({ error: 'an email address' })).default([]),
        httpsEndpoint: z
          .string()
          .regex(/^https:\/\/\S+$/, { error: 'an https:// URL' })
          .optional(),
        /**
         * Customer-managed KMS key for the SNS topics (alias/<name> or a multi-Region mrk-... ID present in
         * every alert region). Empty: topicEncryption decides. The AWS-managed alias/aws/sns is refused by the
         * monitoring module, because CloudWatch alarms and EventBridge rules cannot publish to topics it encrypts.
         */
        kmsKeyId: z.string().default(''),
        /** Without kmsKeyId: "module-key" creates a key per region that alarms and rules may use; "none" leaves topics unencrypted. */
        topicEncryption: oneOf(['module-key', 'none']).default('module-key'),
        /** App Runner and CloudFront publish one datapoint a minute, so shorter periods would alarm on gaps. */
        periodSeconds: z
          .number()
          .refine(
            (p) =>
              Number.isInteger(p) &&
              p >= ALARM_PERIOD_MULTIPLE_SECONDS &&
              p <= ALARM_MAX_EVALUATION_SECONDS &&
              p % ALARM_PERIOD_MULTIPLE_SECONDS === 0,
            {
              error: 'a multiple of 60 seconds up to 86400 (the metrics are published once a minute)',
            },
          )
          .default(60),
        evaluationPeriods: ranged(ALARM_EVALUATION_PERIODS).default(1),
        /** At most evaluationPeriods. */
        datapointsToAlarm: ranged(ALARM_EVALUATION_PERIODS).default(1),
        /** Secondary Requests above this mean viewers are being failed over. */
        failoverRequestsThreshold: z.number().min(0, { error: 'a number >= 0' }).default(0),
        /** CloudFront 5xxErrorRate (percent) above this alarms. */
        edgeErrorRatePercent: z.number().min(0).max(100, { error: 'a percentage from 0 to 100' }).default(1),
        healthCheckIntervalSeconds: z
          .number()
          .refine((v) => (ROUTE53_REQUEST_INTERVALS as readonly number[]).includes(v), { error: ROUTE53_REQUEST_INTERVALS.join(' or ') })
          .default(10),
        healthCheckFailureThreshold: ranged(ROUTE53_FAILURE_THRESHOLD).default(2),
        /** Route 53 health-checker regions (at least 3). Fewer regions send the services fewer health-check requests. */
        healthCheckRegions: z
          .array(oneOf(ROUTE53_HEALTH_CHECK_REGIONS))
          .min(ROUTE53_MIN_HEALTH_CHECK_REGIONS, { error: `at least ${ROUTE53_MIN_HEALTH_CHECK_REGIONS} Route 53 health-checker regions` })
          .refine((r) => new Set(r).size === r.length, { error: 'each region once' })
          .default(['us-east-1', 'us-west-2', 'eu-west-1']),
        /** Health-check the secondary too (secondary-unhealthy alarm). Its checks count as secondary Requests. */
        secondaryHealthCheck: z.boolean().default(true),
        /**
         * Requests per minute the secondary's Route 53 health check adds to its Requests metric; failover-active
         * fires above failoverRequestsThreshold plus this. Unset: an estimate (see modules/README.md); measure and set it.
         */
        healthCheckRequestsPerMinute: z.number().min(0, { error: 'a number >= 0' }).optional(),
        /** Turns on CloudFront's additional metrics (per-code error rates, origin latency); billed. */
        additionalCloudFrontMetrics: z.boolean().default(false),
        /** Also create an IAM role for the drill runner, assumable by this principal ARN. */
        drillRunnerPrincipalArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/, { error: 'an IAM principal ARN' })
          .optional(),
      })
      .prefault({}),
    backend: z
      .discriminatedUnion(
        'type',
        [
          z.strictObject({
            type: z.literal('local'),
            /** Relative to the stack's working directory (cdktf.out/stacks/<stack>). */
            path: z
              .string()
              .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p), {
                error: 'a relative path (an absolute path would tie the state to one machine)',
              })
              .default('terraform.tfstate'),
          }),
          z.strictObject({
            type: z.literal('s3'),
            bucket: z.string({ error: 'an S3 bucket name' }).regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'an S3 bucket name' }),
            key: z.string({ error: 'a non-empty object key' }).min(1, { error: 'a non-empty object key' }),
            region: region,
            /** S3-native state locking (Terraform >= 1.10). */
            useLockfile: z.boolean().default(true),
            encrypt: z.boolean().default(true),
          }),
        ],
        { error: 'type "local" or "s3"' },
      )
      .default({ type: 'local', path: 'terraform.tfstate' }),
  })
  .superRefine((c, ctx) => {
    if (c.failover.writeRouter && c.failover.writePaths.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['failover', 'writeRouter'],
        input: true,
        message: 'false, or true together with failover.writePaths: the router acts on write behaviors only',
      });
    }
    if (c.regions.primary === c.regions.secondary) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions', 'secondary'],
        input: c.regions.secondary,
        message: `a region other than the primary (${c.regions.primary}); failover needs two regions`,
      });
    }
    const limited = BACKEND_REGIONS[c.service.backend];
    if (limited) {
      const supported = new Set<string>([...limited.known, ...c.regions[limited.additional]]);
      for (const role of ['primary', 'secondary'] as const) {
        // A misspelt region has its own issue already.
        if (region.safeParse(c.regions[role]).success && !supported.has(c.regions[role])) {
          ctx.addIssue({
            code: 'custom',
            path: ['regions', role],
            input: c.regions[role],
            message: `an ${limited.label} region (${limited.known.join(', ')}); or ${limited.instead}; or add it to regions.${limited.additional} if ${limited.label} is available there`,
          });
        }
      }
    }
    const memories = APPRUNNER_CPU_MEMORY[c.service.cpu] ?? [];
    if (!memories.includes(c.service.memory)) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'memory'],
        input: c.service.memory,
        message: `with cpu ${c.service.cpu}: ${memories.join(', ')}`,
      });
    }
    if (c.service.autoScaling.minSize > c.service.autoScaling.maxSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'autoScaling', 'minSize'],
        input: c.service.autoScaling.minSize,
        message: `at most autoScaling.maxSize (${c.service.autoScaling.maxSize})`,
      });
    }
    if (c.service.healthCheck.timeoutSeconds > c.service.healthCheck.intervalSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'healthCheck', 'timeoutSeconds'],
        input: c.service.healthCheck.timeoutSeconds,
        message: `at most healthCheck.intervalSeconds (${c.service.healthCheck.intervalSeconds})`,
      });
    }
    if (c.service.image.repositoryType === 'ECR' && !/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//.test(c.service.image.identifier)) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'image', 'identifier'],
        input: c.service.image.identifier,
        message: 'with repositoryType ECR: a private ECR URI (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>)',
      });
    }
    if (c.service.image.repositoryType === 'ECR_PUBLIC' && !c.service.image.identifier.startsWith('public.ecr.aws/')) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'image', 'identifier'],
        input: c.service.image.identifier,
        message: 'with repositoryType ECR_PUBLIC: a public.ecr.aws/... URI',
      });
    }
    for (const name of Object.keys(c.service.environment)) {
      const problem = !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
        ? 'environment variable names (letters, digits and "_", not starting with a digit)'
        : isReservedAppRunnerEnvName(name)
          ? `environment variable names other than ${APP_RUNNER_RESERVED_ENV_NAMES.join(', ')} (App Runner reserves them and sets PORT from service.port)`
          : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['service', 'environment', name], input: name, message: problem });
    }
    for (const issue of backendIssues(c)) ctx.addIssue({ code: 'custom', ...issue });
    const m = c.monitoring;
    if (inRange(m.evaluationPeriods, ALARM_EVALUATION_PERIODS) && m.datapointsToAlarm > m.evaluationPeriods) {
      ctx.addIssue({
        code: 'custom',
        path: ['monitoring', 'datapointsToAlarm'],
        input: m.datapointsToAlarm,
        message: `an integer from 1 to evaluationPeriods (${m.evaluationPeriods})`,
      });
    }
    // Out-of-range values have their own issue already.
    if (inRange(m.evaluationPeriods, ALARM_EVALUATION_PERIODS) && m.periodSeconds * m.evaluationPeriods > ALARM_MAX_EVALUATION_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['monitoring', 'evaluationPeriods'],
        input: m.evaluationPeriods,
        message: `at most ${Math.floor(ALARM_MAX_EVALUATION_SECONDS / m.periodSeconds)} with a ${m.periodSeconds} s period (CloudWatch evaluates at most one day)`,
      });
    }
    const secret = c.failover.originVerify.secret;
    if (secret !== '' && (secret.length < 16 || secret.length > ORIGIN_CUSTOM_HEADER_LIMITS.valueMax || !/^[\x21-\x7e]+$/.test(secret))) {
      ctx.addIssue({
        code: 'custom',
        path: ['failover', 'originVerify', 'secret'],
        input: '<redacted>',
        message: `empty (off) or ${16} to ${ORIGIN_CUSTOM_HEADER_LIMITS.valueMax} printable characters without spaces (CloudFront's limit for a custom header value)`,
      });
    }
  });

type Parsed = {
  service: {
    backend: (typeof COMPUTE_BACKENDS)[number];
    autoScaling: { maxConcurrency: number };
    healthCheck: {
      protocol: string;
      intervalSeconds: number;
      timeoutSeconds: number;
      healthyThreshold: number;
      unhealthyThreshold: number;
    };
    ecsExpress: { cluster: string; serviceNameSuffix: string; autoScalingMetric: string; autoScalingTargetValue: number };
  };
  regions: { additionalAppRunnerRegions: string[] };
};

/**
 * The fields that exist for one backend only, with their defaults. A field of the other backend must stay at its
 * default: a value that differs is refused, since the chosen backend has no such setting and would silently ignore it.
 * Fields both backends have (image, port, start command, environment, cpu/memory, min/max size, health path) are mapped.
 */
export const BACKEND_ONLY_FIELDS: Readonly<
  Record<(typeof COMPUTE_BACKENDS)[number], readonly { path: string[]; default: unknown; why: string }[]>
> = {
  apprunner: [
    {
      path: ['service', 'autoScaling', 'maxConcurrency'],
      default: 100,
      why: 'ECS Express scales on service.ecsExpress.autoScalingMetric instead',
    },
    { path: ['service', 'healthCheck', 'protocol'], default: 'HTTP', why: 'ECS Express health checks are HTTP on healthCheck.path' },
    { path: ['service', 'healthCheck', 'intervalSeconds'], default: 5, why: 'ECS Express sets its ALB health check timing itself' },
    { path: ['service', 'healthCheck', 'timeoutSeconds'], default: 2, why: 'ECS Express sets its ALB health check timing itself' },
    { path: ['service', 'healthCheck', 'healthyThreshold'], default: 1, why: 'ECS Express sets its ALB health check thresholds itself' },
    { path: ['service', 'healthCheck', 'unhealthyThreshold'], default: 3, why: 'ECS Express sets its ALB health check thresholds itself' },
    { path: ['regions', 'additionalAppRunnerRegions'], default: [], why: 'ECS is in every region' },
  ],
  'ecs-express': [
    { path: ['service', 'ecsExpress', 'cluster'], default: 'default', why: 'App Runner has no clusters' },
    { path: ['service', 'ecsExpress', 'serviceNameSuffix'], default: '', why: 'App Runner releases service names on delete' },
    {
      path: ['service', 'ecsExpress', 'autoScalingMetric'],
      default: 'AVERAGE_CPU',
      why: 'App Runner scales on service.autoScaling.maxConcurrency',
    },
    {
      path: ['service', 'ecsExpress', 'autoScalingTargetValue'],
      default: ECS_EXPRESS_SERVICE.defaultScalingTargetValue,
      why: 'App Runner scales on service.autoScaling.maxConcurrency',
    },
  ],
};

/**
 * Where each backend runs, when not in every region: the regions it is known in, and the config field that adds
 * more. ECS exists in every region.
 */
export const BACKEND_REGIONS: Readonly<
  Record<
    (typeof COMPUTE_BACKENDS)[number],
    { label: string; known: readonly string[]; additional: 'additionalAppRunnerRegions'; instead: string } | undefined
  >
> = {
  apprunner: {
    label: 'App Runner',
    known: KNOWN_APPRUNNER_REGIONS,
    additional: 'additionalAppRunnerRegions',
    /** The way out for a region the backend lacks. */
    instead: 'service.backend: "ecs-express" (ECS Express Mode, which AWS recommends now that App Runner is closed to new customers)',
  },
  'ecs-express': undefined,
};

function backendIssues(c: Parsed): { path: string[]; input: unknown; message: string }[] {
  const issues: { path: string[]; input: unknown; message: string }[] = [];
  for (const other of COMPUTE_BACKENDS.filter((b) => b !== c.service.backend)) {
    for (const f of BACKEND_ONLY_FIELDS[other]) {
      const value = f.path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);
      if (JSON.stringify(value) === JSON.stringify(f.default)) continue;
      issues.push({
        path: f.path,
        input: value,
        message: `the default (${JSON.stringify(f.default)}) with service.backend "${c.service.backend}": this field applies to "${other}" only (${f.why})`,
      });
    }
  }
  return issues;
}

/** What users write: every field optional. */
export type EdgeFailoverConfigInput = z.input<typeof configSchema>;
/** What the code reads: every default applied. */
export type EdgeFailoverConfig = z.output<typeof configSchema>;
