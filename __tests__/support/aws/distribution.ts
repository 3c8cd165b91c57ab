/**
 * Distribution configurations for the AWS stub, in the AWS CLI's JSON shape: the one the stack
 * synthesizes (an origin group of the two services, 404 among the failover codes, GET/HEAD/OPTIONS,
 * CachingDisabled, AllViewerExceptHostHeader, error-caching TTL 0), and ways to break it.
 */
import type { DistributionConfigJson } from '../../../harness/targets/aws/wire.js';

export const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
export const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
export const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
export const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
export const DEFAULT_CODES = [404, 500, 502, 503, 504];

/** The CLI's JSON (with Quantity fields and everything the checks do not read); tests change it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DistConfig = Record<string, any>;
/** A DistConfig is what the checks read. */
export const asChecked = (c: DistConfig): DistributionConfigJson => c as DistributionConfigJson;

/** A distribution configured as the stack configures it, in front of the two service hosts. */
export function goodDistributionConfig(primaryHost: string, secondaryHost: string, codes = DEFAULT_CODES): DistConfig {
  const origin = (id: string, domain: string) => ({
    Id: id,
    DomainName: domain,
    OriginPath: '',
    CustomHeaders: { Quantity: 0 },
    CustomOriginConfig: {
      HTTPPort: 80,
      HTTPSPort: 443,
      OriginProtocolPolicy: 'https-only',
      OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
      OriginReadTimeout: 5,
      OriginKeepaliveTimeout: 5,
    },
    ConnectionAttempts: 1,
    ConnectionTimeout: 2,
  });
  return {
    CallerReference: 'stub',
    Origins: { Quantity: 2, Items: [origin('primary', primaryHost), origin('secondary', secondaryHost)] },
    OriginGroups: {
      Quantity: 1,
      Items: [
        {
          Id: 'group',
          FailoverCriteria: { StatusCodes: { Quantity: codes.length, Items: [...codes] } },
          Members: { Quantity: 2, Items: [{ OriginId: 'primary' }, { OriginId: 'secondary' }] },
        },
      ],
    },
    DefaultCacheBehavior: {
      TargetOriginId: 'group',
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
      Compress: true,
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
    },
    CustomErrorResponses: { Quantity: codes.length, Items: codes.map((c) => ({ ErrorCode: c, ErrorCachingMinTTL: 0 })) },
    Comment: 'aws stub',
    Enabled: true,
  };
}

/** An ordered cache behavior as the CLI prints it: `pattern` to `target`, GET and HEAD, the stack's policies. */
export function behavior(pattern: string, target: string, change: (b: DistConfig) => void = () => {}): DistConfig {
  const b: DistConfig = {
    PathPattern: pattern,
    TargetOriginId: target,
    ViewerProtocolPolicy: 'redirect-to-https',
    AllowedMethods: { Quantity: 2, Items: ['GET', 'HEAD'], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
    Compress: true,
    CachePolicyId: CACHING_DISABLED,
    OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
  };
  change(b);
  return b;
}
export const withBehaviors =
  (...bs: DistConfig[]) =>
  (c: DistConfig) =>
    (c.CacheBehaviors = { Quantity: bs.length, Items: bs });
export const CUSTOM_POLICY = 'c0ffee00-0000-4000-8000-000000000001';
/** A custom origin request policy (get-origin-request-policy's OriginRequestPolicyConfig): its header behavior and headers. */
export const policy = (HeaderBehavior: string, headers: string[] = []) => ({
  Name: 'custom',
  HeadersConfig: { HeaderBehavior, Headers: { Quantity: headers.length, Items: headers } },
});
