import { Construct } from 'constructs';
import { Token, TerraformIterator, type TerraformProvider } from 'cdktf';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution/index.js';
import {
  ALL_METHODS,
  CACHED_METHODS,
  CONNECTION_ATTEMPTS,
  CONNECTION_TIMEOUT_SECONDS,
  MANAGED_CACHE_POLICY,
  MANAGED_ORIGIN_REQUEST_POLICY,
  ORIGIN_GROUP_METHODS as GROUP_METHODS,
  ORIGIN_KEEPALIVE_TIMEOUT_SECONDS,
  ORIGIN_MODIFICATION_EVENT,
  ORIGIN_READ_TIMEOUT_SECONDS,
} from '../core/aws-facts.js';
import type { IRegionalCompute } from './compute/regional-compute.js';
import { WriteRouter } from './write-router/write-router.js';
import { nameAfterPath } from './naming.js';
import { checkRange, invalid } from './validation.js';

/** Managed cache policy CachingDisabled: a cached 200 from the secondary would hide failback. */
export const CACHING_DISABLED_POLICY_ID = MANAGED_CACHE_POLICY.CachingDisabled;
/** Managed origin request policy AllViewerExceptHostHeader: App Runner routes by Host, so the viewer's Host must not reach it. */
export const ALL_VIEWER_EXCEPT_HOST_POLICY_ID = MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader;
/** The only methods an origin group's cache behavior may allow. */
export const ORIGIN_GROUP_METHODS = GROUP_METHODS;
/** Every method, for write behaviors that target the primary alone. */
export const WRITE_METHODS = ALL_METHODS;
export const PRIMARY_ORIGIN_ID = 'primary';
export const SECONDARY_ORIGIN_ID = 'secondary';
export const ORIGIN_GROUP_ID = 'app-failover';

export interface EdgeFailoverProps {
  /** A provider for us-east-1, where CloudFront is managed. */
  readonly provider: TerraformProvider;
  readonly primary: IRegionalCompute;
  readonly secondary: IRegionalCompute;
  /**
   * Status codes from the primary that fail a request over. A list of numbers or a token
   * for one (a Terraform variable).
   */
  readonly failoverStatusCodes: number[];
  /** 1 to 3. @default 3 (CloudFront's default) */
  readonly connectionAttempts?: number;
  /** Seconds, 1 to 10. @default 10 (CloudFront's default) */
  readonly connectionTimeout?: number;
  /** Seconds, 1 to 60. @default 30 (CloudFront's default) */
  readonly originReadTimeout?: number;
  /** Seconds, 1 to 60. @default 5 */
  readonly originKeepaliveTimeout?: number;
  /** Path patterns that allow every method and target the primary alone; they never fail over. @default - none */
  readonly writePaths?: readonly string[];
  /**
   * Route the write behaviors through a CloudFront Function that picks the primary or the
   * secondary origin from a KeyValueStore key (modules/write-router). Needs writePaths.
   * @default false - writes go to the primary alone
   */
  readonly writeRouter?: boolean;
  /** Name of the router's function and KeyValueStore (1–64 of A-Z a-z 0-9 - _). @default 'edge-failover-write-router' */
  readonly writeRouterName?: string;
  /** A header CloudFront adds to every origin request. @default - none */
  readonly originVerify?: { readonly headerName: string; readonly secret: string };
  /** @default 'PriceClass_100' */
  readonly priceClass?: string;
  /** @default - none */
  readonly comment?: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/**
 * A CloudFront distribution whose default behavior targets an origin group of the two
 * regional services: every request goes to the primary first and is retried on the
 * secondary when the primary answers a failover code, refuses, or times out.
 */
export class EdgeFailover extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly distributionId: string;
  readonly distributionArn: string;
  readonly distributionDomainName: string;
  /** The write router, when props.writeRouter is on. */
  readonly writeRouter?: WriteRouter;

  constructor(scope: Construct, id: string, props: EdgeFailoverProps) {
    super(scope, id);
    checkRange(this, 'connectionAttempts', props.connectionAttempts, CONNECTION_ATTEMPTS);
    checkRange(this, 'connectionTimeout', props.connectionTimeout, CONNECTION_TIMEOUT_SECONDS);
    checkRange(
      this,
      'originReadTimeout',
      props.originReadTimeout,
      ORIGIN_READ_TIMEOUT_SECONDS,
      ' (above 60 needs a CloudFront quota increase)',
    );
    checkRange(this, 'originKeepaliveTimeout', props.originKeepaliveTimeout, ORIGIN_KEEPALIVE_TIMEOUT_SECONDS);
    if (!Token.isUnresolved(props.failoverStatusCodes) && props.failoverStatusCodes.length === 0) {
      invalid(this, 'failoverStatusCodes', [], 'at least one status code; without one the origin group never fails over');
    }
    for (const [i, p] of (props.writePaths ?? []).entries()) {
      if (p === '*' || p === '/*') {
        invalid(
          this,
          `writePaths.${i}`,
          p,
          'a narrower pattern such as /api/*: this one would take over the default behavior, which must stay on the origin group',
        );
      }
    }

    if (props.writeRouter && (props.writePaths ?? []).length === 0) {
      invalid(this, 'writeRouter', true, 'false, or true together with writePaths: the router acts on write behaviors only');
    }
    this.writeRouter = props.writeRouter
      ? new WriteRouter(this, 'write-router', {
          provider: props.provider,
          name: props.writeRouterName ?? 'edge-failover-write-router',
          origins: { primary: PRIMARY_ORIGIN_ID, secondary: SECONDARY_ORIGIN_ID },
        })
      : undefined;
    const writeFunctions = this.writeRouter
      ? [{ eventType: ORIGIN_MODIFICATION_EVENT, functionArn: this.writeRouter.functionArn }]
      : undefined;

    const origin = (o: IRegionalCompute, originId: string) => ({
      originId,
      domainName: o.originDomainName,
      connectionAttempts: props.connectionAttempts,
      connectionTimeout: props.connectionTimeout,
      customOriginConfig: {
        httpPort: 80,
        httpsPort: 443,
        originProtocolPolicy: 'https-only',
        originSslProtocols: ['TLSv1.2'],
        originReadTimeout: props.originReadTimeout,
        originKeepaliveTimeout: props.originKeepaliveTimeout ?? ORIGIN_KEEPALIVE_TIMEOUT_SECONDS.default,
      },
      customHeader: props.originVerify ? [{ name: props.originVerify.headerName, value: props.originVerify.secret }] : undefined,
    });

    // Error responses for the failover codes are not cached, so neither errors nor failback are delayed.
    const codes = TerraformIterator.fromList(props.failoverStatusCodes);

    this.distribution = nameAfterPath(
      new CloudfrontDistribution(this, 'distribution', {
        provider: props.provider,
        enabled: true,
        isIpv6Enabled: true,
        httpVersion: 'http2and3',
        priceClass: props.priceClass ?? 'PriceClass_100',
        comment: props.comment,
        origin: [origin(props.primary, PRIMARY_ORIGIN_ID), origin(props.secondary, SECONDARY_ORIGIN_ID)],
        originGroup: [
          {
            originId: ORIGIN_GROUP_ID,
            failoverCriteria: { statusCodes: props.failoverStatusCodes },
            member: [{ originId: PRIMARY_ORIGIN_ID }, { originId: SECONDARY_ORIGIN_ID }],
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: ORIGIN_GROUP_ID,
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: [...ORIGIN_GROUP_METHODS],
          cachedMethods: [...CACHED_METHODS],
          cachePolicyId: CACHING_DISABLED_POLICY_ID,
          originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_POLICY_ID,
          compress: true,
        },
        orderedCacheBehavior: nonEmpty(
          (props.writePaths ?? []).map((pathPattern) => ({
            pathPattern,
            targetOriginId: PRIMARY_ORIGIN_ID,
            // Writes must arrive over HTTPS: a POST over HTTP is refused (403) rather than redirected (307).
            viewerProtocolPolicy: 'https-only',
            allowedMethods: [...WRITE_METHODS],
            cachedMethods: [...CACHED_METHODS],
            cachePolicyId: CACHING_DISABLED_POLICY_ID,
            originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_POLICY_ID,
            compress: true,
            functionAssociation: writeFunctions,
          })),
        ),
        customErrorResponse: codes.dynamic({ error_code: codes.value, error_caching_min_ttl: 0 }),
        restrictions: { geoRestriction: { restrictionType: 'none' } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
        tags: props.tags,
      }),
    );

    this.distributionId = this.distribution.id;
    this.distributionArn = this.distribution.arn;
    this.distributionDomainName = this.distribution.domainName;
  }
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
