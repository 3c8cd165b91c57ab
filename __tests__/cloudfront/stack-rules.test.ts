/** Reading the edge's rules from a real synthesized stack, with variables and tfvars. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEdgeRules, StackRulesError } from '../../harness/cloudfront/index.js';
import { removeTempDirs, SECRET, synthTestStack, tempDir, testConfig } from '../targets/local/helpers.js';

let tfJsonPath: string;
beforeAll(() => {
  tfJsonPath = synthTestStack(testConfig({ connectionAttempts: 2, connectionTimeoutSeconds: 3, readTimeoutSeconds: 7 }));
});
afterAll(() => removeTempDirs());

function tfvars(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

describe('loadEdgeRules', () => {
  test('reads the origin group, origins and behaviors, resolving variable defaults', async () => {
    const rules = await loadEdgeRules({ tfJsonPath });
    expect(rules.failoverStatusCodes).toEqual([404, 500, 502, 503, 504]);
    expect(rules.originGroupId).toBe('app-failover');
    expect(rules.origins.primary).toMatchObject({
      id: 'primary',
      region: 'us-east-1',
      connectionAttempts: 2,
      connectionTimeoutSeconds: 3,
      readTimeoutSeconds: 7,
      keepaliveTimeoutSeconds: 5,
      customHeaders: { 'x-origin-verify': SECRET },
      startCommand: 'node -e 0',
    });
    expect(rules.origins.primary.serviceEnvironment).toMatchObject({ PROBE_ROLE: 'primary', ORIGIN_VERIFY_SECRET: SECRET });
    expect(rules.origins.secondary).toMatchObject({ id: 'secondary', region: 'us-west-2' });
    expect(rules.defaultBehavior).toMatchObject({
      allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      cachedMethods: ['GET', 'HEAD'],
      target: { kind: 'group' },
    });
    expect(rules.orderedBehaviors).toEqual([
      expect.objectContaining({
        pathPattern: '/api/*',
        allowedMethods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
        target: { kind: 'origin', role: 'primary' },
      }),
    ]);
    expect(rules.warnings).toEqual([]);
  });

  test('tfvars in HCL override defaults; undeclared names are reported', async () => {
    const path = tfvars('x.tfvars', 'failover_status_codes = [503]\norigin_connection_attempts = 3\nnot_a_variable = "x"\n');
    const rules = await loadEdgeRules({ tfJsonPath, tfvarsPath: path });
    expect(rules.failoverStatusCodes).toEqual([503]);
    expect(rules.origins.secondary.connectionAttempts).toBe(3);
    expect(rules.warnings).toEqual([`${path}: value for undeclared variable "not_a_variable" ignored`]);
  });

  test('the read timeout range is the one the schema and the construct use (1 to 60)', async () => {
    const path = tfvars('sixty-one.tfvars.json', JSON.stringify({ origin_read_timeout: 61 }));
    const err = await loadEdgeRules({ tfJsonPath, tfvarsPath: path }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/origin_read_timeout = 61: an integer from 1 to 60$/);
  });

  test('a tfvars value out of range names the field, the value and what is allowed', async () => {
    const path = tfvars('bad.tfvars.json', JSON.stringify({ origin_read_timeout: 500 }));
    const err = await loadEdgeRules({ tfJsonPath, tfvarsPath: path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackRulesError);
    expect((err as StackRulesError).kind).toBe('usage');
    expect((err as Error).message).toBe(
      `${tfJsonPath}: aws_cloudfront_distribution.edge_distribution.origin[0].custom_origin_config.origin_read_timeout = 500: an integer from 1 to 60`,
    );
  });

  test('a status code CloudFront does not accept is rejected', async () => {
    const path = tfvars('codes.tfvars', 'failover_status_codes = [404, 418]\n');
    await expect(loadEdgeRules({ tfJsonPath, tfvarsPath: path })).rejects.toThrow(
      /origin_group\[0\]\.failover_criteria\.status_codes = \[404,418\]: status codes from 400, 403, 404, 416, 500, 502, 503, 504/,
    );
  });

  test('HCL that does not parse, and expressions in tfvars, are usage errors', async () => {
    await expect(loadEdgeRules({ tfJsonPath, tfvarsPath: tfvars('broken.tfvars', 'failover_status_codes = [500,\n') })).rejects.toThrow(
      /tfvars = .*: valid HCL/,
    );
    await expect(
      loadEdgeRules({ tfJsonPath, tfvarsPath: tfvars('expr.tfvars', 'origin_verify_secret = "${var.other}"\n') }),
    ).rejects.toThrow(/origin_verify_secret = .*: a literal value/);
  });

  test('a missing stack says how to make one', async () => {
    await expect(loadEdgeRules({ tfJsonPath: '/nonexistent/cdk.tf.json' })).rejects.toThrow(/ENOENT.*run `npm run synth` first/);
  });

  test('a reference the local world cannot resolve is named', async () => {
    const tf = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
    tf.resource.aws_cloudfront_distribution.edge_distribution.origin[0].connection_attempts = '${local.attempts}';
    const path = join(tempDir(), 'cdk.tf.json');
    writeFileSync(path, JSON.stringify(tf));
    await expect(loadEdgeRules({ tfJsonPath: path })).rejects.toThrow(
      /origin\[0\]\.connection_attempts = "\$\{local\.attempts\}": a literal or a \$\{var\.<name>\} reference/,
    );
  });

  test('a variable with no default and no value is named', async () => {
    const tf = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
    delete tf.variable.failover_status_codes.default;
    const path = join(tempDir(), 'cdk.tf.json');
    writeFileSync(path, JSON.stringify(tf));
    await expect(loadEdgeRules({ tfJsonPath: path })).rejects.toThrow(/a value for var\.failover_status_codes: it has no default/);
  });
});

describe('policies and error caching from the stack', () => {
  const mutated = (edit: (dist: Record<string, any>) => void): string => {
    const tf = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
    edit(tf.resource.aws_cloudfront_distribution.edge_distribution);
    const path = join(tempDir(), 'cdk.tf.json');
    writeFileSync(path, JSON.stringify(tf));
    return path;
  };

  test('the managed policies each behavior names are resolved', async () => {
    const rules = await loadEdgeRules({ tfJsonPath });
    expect(rules.defaultBehavior.cachePolicy.name).toBe('CachingDisabled');
    expect(rules.defaultBehavior.originRequestPolicy).toEqual({ name: 'AllViewerExceptHostHeader', forwardHost: false });
    expect(rules.defaultBehavior.viewerProtocolPolicy).toBe('redirect-to-https');
    expect(rules.orderedBehaviors[0]!.viewerProtocolPolicy).toBe('https-only');
    const allViewer = await loadEdgeRules({
      tfJsonPath: mutated((d) => (d.default_cache_behavior.origin_request_policy_id = '216adef6-5c7f-47e4-b989-5492eafa07d3')),
    });
    expect(allViewer.defaultBehavior.originRequestPolicy).toEqual({ name: 'AllViewer', forwardHost: true });
  });

  test('an origin request policy the edge does not model is refused with those it does', async () => {
    const path = mutated((d) => (d.default_cache_behavior.origin_request_policy_id = '00000000-0000-0000-0000-000000000000'));
    await expect(loadEdgeRules({ tfJsonPath: path })).rejects.toThrow(
      /default_cache_behavior\.origin_request_policy_id = "00000000-0000-0000-0000-000000000000": a managed origin request policy the local edge models: AllViewer \(216adef6-5c7f-47e4-b989-5492eafa07d3\), AllViewerExceptHostHeader \(b689b0a8-53d0-40ab-baf2-68738e2966ac\), AllViewerAndCloudFrontHeaders-2022-06 \(33f36d7e-f396-46d9-90e0-52428a34d9dc\), or none/,
    );
  });

  test('a cache policy the edge does not model is refused with those it does', async () => {
    const path = mutated((d) => (d.ordered_cache_behavior[0].cache_policy_id = 'custom-policy'));
    await expect(loadEdgeRules({ tfJsonPath: path })).rejects.toThrow(
      /ordered_cache_behavior\[0\]\.cache_policy_id = "custom-policy": a managed cache policy the local edge models: CachingDisabled \(4135ea2d-6df8-44a3-9df3-4b5a84be39ad\), CachingOptimized \(658327ea-f89d-4fab-a63d-7e88639e58f6\)/,
    );
  });

  test('error caching TTLs come from the dynamic custom_error_response over the criteria, and tfvars change them', async () => {
    const rules = await loadEdgeRules({ tfJsonPath });
    expect([...rules.errorCachingTtls.entries()].sort()).toEqual([
      [404, 0],
      [500, 0],
      [502, 0],
      [503, 0],
      [504, 0],
    ]);
    const fewer = await loadEdgeRules({ tfJsonPath, tfvarsPath: tfvars('c.tfvars', 'failover_status_codes = [404]\n') });
    expect([...fewer.errorCachingTtls.entries()]).toEqual([[404, 0]]);
  });

  test('static custom_error_response blocks are read too; one without a TTL leaves CloudFront’s default', async () => {
    const path = mutated((d) => {
      delete d.dynamic;
      d.custom_error_response = [{ error_code: 503, error_caching_min_ttl: 7 }, { error_code: 404 }];
    });
    const rules = await loadEdgeRules({ tfJsonPath: path });
    expect([...rules.errorCachingTtls.entries()]).toEqual([[503, 7]]);
  });
});
