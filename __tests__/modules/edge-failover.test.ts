import '../support/cdktf-matchers.js';
import { parseConfig } from '../../config/index.js';
import { CONNECTION_ATTEMPTS, ORIGIN_READ_TIMEOUT_SECONDS } from '../../core/aws-facts.js';
import { ConstructValidationError, exitCodeOf } from '../../core/errors.js';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution/index.js';
import {
  ALL_VIEWER_EXCEPT_HOST_POLICY_ID,
  CACHING_DISABLED_POLICY_ID,
  EdgeFailover,
  type EdgeFailoverProps,
} from '../../modules/edge-failover.js';
import { AppRunnerRegionalService } from '../../modules/compute/app-runner.js';

type Json = Record<string, any>;

function build(overrides: Partial<EdgeFailoverProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const east = new AwsProvider(stack, 'east', { alias: 'east', region: 'us-east-1' });
  const west = new AwsProvider(stack, 'west', { alias: 'west', region: 'us-west-2' });
  const common = {
    autoScalingConfigurationName: 'test-as',
    image: { identifier: 'public.ecr.aws/x/y:1', repositoryType: 'ECR_PUBLIC' as const },
  };
  const primary = new AppRunnerRegionalService(stack, 'primary', {
    ...common,
    role: 'primary',
    provider: east,
    region: 'us-east-1',
    serviceName: 'test-primary',
  });
  const secondary = new AppRunnerRegionalService(stack, 'secondary', {
    ...common,
    role: 'secondary',
    provider: west,
    region: 'us-west-2',
    serviceName: 'test-secondary',
  });
  new EdgeFailover(stack, 'edge', {
    provider: east,
    primary,
    secondary,
    failoverStatusCodes: [404, 500, 502, 503, 504],
    connectionAttempts: 1,
    connectionTimeout: 2,
    originReadTimeout: 5,
    ...overrides,
  });
  const synth = Testing.synth(stack, true);
  const distribution = Object.values(JSON.parse(synth).resource.aws_cloudfront_distribution)[0] as Json;
  return { synth, distribution };
}

describe('EdgeFailover', () => {
  const { synth, distribution } = build();

  test('the origin group lists the primary first, then the secondary', () => {
    expect(distribution.origin_group).toHaveLength(1);
    expect(distribution.origin_group[0].member).toEqual([{ origin_id: 'primary' }, { origin_id: 'secondary' }]);
  });

  test('the failover criteria are exactly the configured codes', () => {
    expect(distribution.origin_group[0].failover_criteria.status_codes).toEqual([404, 500, 502, 503, 504]);
  });

  test('the default behavior targets the group and allows exactly GET, HEAD and OPTIONS', () => {
    const b = distribution.default_cache_behavior;
    expect(b.target_origin_id).toBe(distribution.origin_group[0].origin_id);
    expect(b.allowed_methods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(b.cached_methods).toEqual(['GET', 'HEAD']);
    expect(b.viewer_protocol_policy).toBe('redirect-to-https');
  });

  test('caching is disabled and the viewer Host header is not forwarded', () => {
    expect(synth).toHaveResourceWithProperties(CloudfrontDistribution, {
      default_cache_behavior: expect.objectContaining({
        cache_policy_id: CACHING_DISABLED_POLICY_ID,
        origin_request_policy_id: ALL_VIEWER_EXCEPT_HOST_POLICY_ID,
      }),
    });
    expect(CACHING_DISABLED_POLICY_ID).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(ALL_VIEWER_EXCEPT_HOST_POLICY_ID).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
  });

  test('both origins are custom https-only TLSv1.2 origins with the configured timeouts', () => {
    for (const o of distribution.origin) {
      expect(o).toMatchObject({
        connection_attempts: 1,
        connection_timeout: 2,
        custom_origin_config: { origin_protocol_policy: 'https-only', origin_ssl_protocols: ['TLSv1.2'], origin_read_timeout: 5 },
      });
    }
    expect(distribution.origin.map((o: Json) => o.domain_name)).toEqual([
      '${aws_apprunner_service.primary_service.service_url}',
      '${aws_apprunner_service.secondary_service.service_url}',
    ]);
  });

  test('error responses for the failover codes are not cached', () => {
    const dyn = distribution.dynamic.custom_error_response;
    expect(dyn.content).toEqual({ error_code: '${each.value}', error_caching_min_ttl: 0 });
    expect(dyn.for_each).toBe('${toset([404, 500, 502, 503, 504])}');
  });

  test('the distribution is managed through the us-east-1 provider', () => {
    expect(distribution.provider).toBe('aws.east');
  });

  test('without write paths there is no ordered behavior', () => {
    expect(distribution.ordered_cache_behavior).toBeUndefined();
  });

  test('write paths allow every method and target the primary alone', () => {
    const { distribution: d } = build({ writePaths: ['/api/*'] });
    expect(d.ordered_cache_behavior).toEqual([
      expect.objectContaining({
        path_pattern: '/api/*',
        target_origin_id: 'primary',
        allowed_methods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
        viewer_protocol_policy: 'https-only',
      }),
    ]);
  });

  test('the origin-verify header is added to both origins', () => {
    const { distribution: d } = build({ originVerify: { headerName: 'x-origin-verify', secret: 's'.repeat(20) } });
    for (const o of d.origin) expect(o.custom_header).toEqual([{ name: 'x-origin-verify', value: 's'.repeat(20) }]);
  });

  test.each([
    ['connectionAttempts', { connectionAttempts: 4 }, /connectionAttempts \(from construct [^)]+\) = 4: allowed: an integer from 1 to 3/],
    ['connectionTimeout', { connectionTimeout: 0 }, /connectionTimeout \(from construct [^)]+\) = 0: allowed: an integer from 1 to 10/],
    ['originReadTimeout', { originReadTimeout: 61 }, /originReadTimeout \(from construct [^)]+\) = 61: allowed: an integer from 1 to 60/],
    ['failoverStatusCodes', { failoverStatusCodes: [] }, /at least one status code/],
    [
      'writePaths',
      { writePaths: ['/*'] },
      /writePaths\.0 \(from construct [^)]+\) = "\/\*": allowed: a narrower pattern .*would take over the default behavior/,
    ],
  ])('rejects a bad %s', (_name, overrides, message) => {
    expect(() => build(overrides as Partial<EdgeFailoverProps>)).toThrow(message);
  });

  test("the construct's defaults equal the config defaults (price class, keep-alive timeout)", () => {
    const c = parseConfig({});
    expect(distribution.price_class).toBe(c.failover.priceClass);
    for (const o of distribution.origin) expect(o.custom_origin_config.origin_keepalive_timeout).toBe(c.failover.keepaliveTimeoutSeconds);
  });

  test('without connection settings the origins take CloudFront defaults, which core/aws-facts states', () => {
    const { distribution: d } = build({ connectionAttempts: undefined, connectionTimeout: undefined, originReadTimeout: undefined });
    for (const o of d.origin) {
      expect(o.connection_attempts).toBeUndefined();
      expect(o.custom_origin_config.origin_read_timeout).toBeUndefined();
    }
    expect(CONNECTION_ATTEMPTS.default).toBe(3);
    expect(ORIGIN_READ_TIMEOUT_SECONDS.default).toBe(30);
  });

  test('a bad property is a usage error (exit 2) naming the construct path', () => {
    let err: unknown;
    try {
      build({ writePaths: ['/*'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConstructValidationError);
    expect(exitCodeOf(err)).toBe(2);
    expect((err as ConstructValidationError).constructPath).toMatch(/edge$/);
  });
});
