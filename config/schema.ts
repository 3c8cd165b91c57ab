/**
 * The one configuration schema. It feeds synthesis (stacks/) and the drill harness.
 * Ranges and enums come from the AWS API references cited in shared AWS-FACTS.md.
 */
import { z } from 'zod';

/** Regions where App Runner is known to exist (2023 CLI endpoint data). */
export const KNOWN_APPRUNNER_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'ap-northeast-1'] as const;

/** Status codes an origin group accepts as failover criteria. */
export const CLOUDFRONT_FAILOVER_CODES = [400, 403, 404, 416, 500, 502, 503, 504] as const;

/** The project's default failover criteria: 404 is there because a paused App Runner service answers 404. */
export const DEFAULT_FAILOVER_CODES = [404, 500, 502, 503, 504] as const;

/** App Runner instance sizes (API_InstanceConfiguration) and the memory each CPU size accepts. */
export const APPRUNNER_CPU_MEMORY: Readonly<Record<string, readonly string[]>> = {
  '0.25 vCPU': ['0.5 GB', '1 GB'],
  '0.5 vCPU': ['1 GB'],
  '1 vCPU': ['2 GB', '3 GB', '4 GB'],
  '2 vCPU': ['4 GB', '6 GB'],
  '4 vCPU': ['8 GB', '10 GB', '12 GB'],
};
const CPU_VALUES = Object.keys(APPRUNNER_CPU_MEMORY) as [string, ...string[]];
const MEMORY_VALUES = [...new Set(Object.values(APPRUNNER_CPU_MEMORY).flat())] as [string, ...string[]];

/** Methods a cache behavior may allow, as CloudFront groups them. */
export const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;
export const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

const int = (min: number, max: number) =>
  z
    .number({ error: `allowed: an integer from ${min} to ${max}` })
    .int({ error: `allowed: an integer from ${min} to ${max}` })
    .min(min, { error: `allowed: an integer from ${min} to ${max}` })
    .max(max, { error: `allowed: an integer from ${min} to ${max}` });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `allowed: one of ${values.join(', ')}` });

const region = z
  .string({ error: 'allowed: an AWS region name such as us-east-1' })
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'allowed: an AWS region name such as us-east-1' });

const tagMap = z.record(
  z.string().min(1).max(128, { error: 'allowed: tag keys of 1 to 128 characters' }),
  z.string().max(256, { error: 'allowed: tag values of at most 256 characters' }),
);

export const configSchema = z
  .strictObject({
    /** Prefix for every resource name. */
    namePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,22}[a-z0-9]$/, {
        error: 'allowed: 3 to 24 characters of a-z, 0-9 and "-", starting with a letter and not ending with "-"',
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
        image: z
          .strictObject({
            identifier: z
              .string()
              .min(1, { error: 'allowed: a non-empty image URI' })
              .default('public.ecr.aws/docker/library/node:20-alpine'),
            repositoryType: oneOf(['ECR_PUBLIC', 'ECR']).default('ECR_PUBLIC'),
          })
          .prefault({}),
        port: int(1, 65535).default(8080),
        /** Overrides the image's command. Empty means: the probe app's start command (see app/). */
        startCommand: z
          .string()
          .regex(/^[^\n\r]*$/, { error: 'allowed: a single line (App Runner rejects CR and LF)' })
          .default(''),
        environment: z
          .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'allowed: environment variable names' }), z.string())
          .default({}),
        cpu: oneOf(CPU_VALUES).default('0.25 vCPU'),
        memory: oneOf(MEMORY_VALUES).default('0.5 GB'),
        autoScaling: z
          .strictObject({
            minSize: int(1, 25).default(1),
            maxSize: int(1, 25).default(2),
            maxConcurrency: int(1, 200).default(100),
          })
          .prefault({}),
        healthCheck: z
          .strictObject({
            protocol: oneOf(['HTTP', 'TCP']).default('HTTP'),
            path: z
              .string()
              .regex(/^\/\S*$/, { error: 'allowed: a path starting with "/"' })
              .default('/health'),
            intervalSeconds: int(1, 20).default(5),
            timeoutSeconds: int(1, 20).default(2),
            healthyThreshold: int(1, 20).default(1),
            unhealthyThreshold: int(1, 20).default(3),
          })
          .prefault({}),
      })
      .prefault({}),
    failover: z
      .strictObject({
        statusCodes: z
          .array(
            z.number().refine((c) => (CLOUDFRONT_FAILOVER_CODES as readonly number[]).includes(c), {
              error: `allowed: status codes from ${CLOUDFRONT_FAILOVER_CODES.join(', ')}`,
            }),
          )
          .min(1, { error: `allowed: 1 to ${CLOUDFRONT_FAILOVER_CODES.length} codes from ${CLOUDFRONT_FAILOVER_CODES.join(', ')}` })
          .refine((codes) => new Set(codes).size === codes.length, { error: 'allowed: each code once' })
          .default([...DEFAULT_FAILOVER_CODES]),
        /** Per origin. CloudFront's default is 3; 1 fails over on the first refused connection. */
        connectionAttempts: int(1, 3).default(1),
        /** Seconds per connection attempt. CloudFront's default is 10. */
        connectionTimeoutSeconds: int(1, 10).default(2),
        /** Response (read) timeout in seconds. CloudFront's default is 30; above 60 needs a quota increase. */
        readTimeoutSeconds: int(1, 60).default(5),
        keepaliveTimeoutSeconds: int(1, 60).default(5),
        /** Path patterns served by the primary alone with every method allowed. They never fail over. */
        writePaths: z
          .array(z.string().regex(/^\/?[A-Za-z0-9_\-.*$/~"'@:+&=?]+$/, { error: 'allowed: CloudFront path patterns such as /api/*' }))
          .default([]),
        /** A secret header CloudFront adds to every origin request, so origins can refuse viewers who bypass the edge. */
        originVerify: z
          .strictObject({
            headerName: z
              .string()
              .regex(/^[A-Za-z0-9-]+$/, { error: 'allowed: an HTTP header name' })
              .default('x-origin-verify'),
            secret: z.string().default(''),
          })
          .prefault({}),
        priceClass: oneOf(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
      })
      .prefault({}),
    monitoring: z
      .strictObject({
        alertEmails: z.array(z.email({ error: 'allowed: an email address' })).default([]),
        httpsEndpoint: z
          .string()
          .regex(/^https:\/\/\S+$/, { error: 'allowed: an https:// URL' })
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
          .refine((p) => Number.isInteger(p) && p >= 60 && p <= 86_400 && p % 60 === 0, {
            error: 'allowed: a multiple of 60 seconds up to 86400 (the metrics are published once a minute)',
          })
          .default(60),
        evaluationPeriods: int(1, 10).default(1),
        datapointsToAlarm: int(1, 10).default(1),
        /** Secondary Requests above this mean viewers are being failed over. */
        failoverRequestsThreshold: z.number().min(0, { error: 'allowed: a number >= 0' }).default(0),
        /** CloudFront 5xxErrorRate (percent) above this alarms. */
        edgeErrorRatePercent: z.number().min(0).max(100, { error: 'allowed: a percentage from 0 to 100' }).default(1),
        healthCheckIntervalSeconds: z
          .number()
          .refine((v) => v === 10 || v === 30, { error: 'allowed: 10 or 30' })
          .default(10),
        healthCheckFailureThreshold: int(1, 10).default(2),
        /** Route 53 health-checker regions (at least 3). Fewer regions send the services fewer health-check requests. */
        healthCheckRegions: z
          .array(
            oneOf(['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1']),
          )
          .min(3, { error: 'allowed: at least 3 Route 53 health-checker regions' })
          .refine((r) => new Set(r).size === r.length, { error: 'allowed: each region once' })
          .default(['us-east-1', 'us-west-2', 'eu-west-1']),
        /** Health-check the secondary too (secondary-unhealthy alarm). Its checks count as secondary Requests. */
        secondaryHealthCheck: z.boolean().default(true),
        /**
         * Requests per minute the secondary's Route 53 health check adds to its Requests metric; failover-active
         * fires above failoverRequestsThreshold plus this. Unset: an estimate (see modules/README.md); measure and set it.
         */
        healthCheckRequestsPerMinute: z.number().min(0, { error: 'allowed: a number >= 0' }).optional(),
        /** Turns on CloudFront's additional metrics (per-code error rates, origin latency); billed. */
        additionalCloudFrontMetrics: z.boolean().default(false),
        /** Also create an IAM role for the drill runner, assumable by this principal ARN. */
        drillRunnerPrincipalArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/, { error: 'allowed: an IAM principal ARN' })
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
                error: 'allowed: a relative path (an absolute path would tie the state to one machine)',
              })
              .default('terraform.tfstate'),
          }),
          z.strictObject({
            type: z.literal('s3'),
            bucket: z
              .string({ error: 'allowed: an S3 bucket name' })
              .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'allowed: an S3 bucket name' }),
            key: z.string({ error: 'allowed: a non-empty object key' }).min(1, { error: 'allowed: a non-empty object key' }),
            region: region,
            /** S3-native state locking (Terraform >= 1.10). */
            useLockfile: z.boolean().default(true),
            encrypt: z.boolean().default(true),
          }),
        ],
        { error: 'allowed: type "local" or "s3"' },
      )
      .default({ type: 'local', path: 'terraform.tfstate' }),
  })
  .superRefine((c, ctx) => {
    if (c.regions.primary === c.regions.secondary) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions', 'secondary'],
        input: c.regions.secondary,
        message: `allowed: a region other than the primary (${c.regions.primary}); failover needs two regions`,
      });
    }
    const supported = new Set<string>([...KNOWN_APPRUNNER_REGIONS, ...c.regions.additionalAppRunnerRegions]);
    for (const role of ['primary', 'secondary'] as const) {
      // A misspelt region has its own issue already.
      if (region.safeParse(c.regions[role]).success && !supported.has(c.regions[role])) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', role],
          input: c.regions[role],
          message: `allowed: an App Runner region (${KNOWN_APPRUNNER_REGIONS.join(', ')}), or add it to regions.additionalAppRunnerRegions if App Runner is available there`,
        });
      }
    }
    const memories = APPRUNNER_CPU_MEMORY[c.service.cpu] ?? [];
    if (!memories.includes(c.service.memory)) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'memory'],
        input: c.service.memory,
        message: `allowed with cpu ${c.service.cpu}: ${memories.join(', ')}`,
      });
    }
    if (c.service.autoScaling.minSize > c.service.autoScaling.maxSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'autoScaling', 'minSize'],
        input: c.service.autoScaling.minSize,
        message: `allowed: at most autoScaling.maxSize (${c.service.autoScaling.maxSize})`,
      });
    }
    if (c.service.healthCheck.timeoutSeconds > c.service.healthCheck.intervalSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'healthCheck', 'timeoutSeconds'],
        input: c.service.healthCheck.timeoutSeconds,
        message: `allowed: at most healthCheck.intervalSeconds (${c.service.healthCheck.intervalSeconds})`,
      });
    }
    if (c.service.image.repositoryType === 'ECR' && !/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//.test(c.service.image.identifier)) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'image', 'identifier'],
        input: c.service.image.identifier,
        message: 'allowed with repositoryType ECR: a private ECR URI (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>)',
      });
    }
    if (c.service.image.repositoryType === 'ECR_PUBLIC' && !c.service.image.identifier.startsWith('public.ecr.aws/')) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'image', 'identifier'],
        input: c.service.image.identifier,
        message: 'allowed with repositoryType ECR_PUBLIC: a public.ecr.aws/... URI',
      });
    }
    const secret = c.failover.originVerify.secret;
    if (secret !== '' && (secret.length < 16 || !/^[\x21-\x7e]+$/.test(secret))) {
      ctx.addIssue({
        code: 'custom',
        path: ['failover', 'originVerify', 'secret'],
        input: '<redacted>',
        message: 'allowed: empty (off) or at least 16 printable characters without spaces',
      });
    }
  });

/** What users write: every field optional. */
export type EdgeFailoverConfigInput = z.input<typeof configSchema>;
/** What the code reads: every default applied. */
export type EdgeFailoverConfig = z.output<typeof configSchema>;
