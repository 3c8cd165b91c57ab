/** Reading the edge's rules from a real synthesized stack, with variables and tfvars. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEdgeRules, StackRulesError } from '../../../harness/targets/local/index.js';
import { matchesPathPattern, samplePath } from '../../../harness/targets/path-pattern.js';
import { stripHopByHop } from '../../../harness/targets/local/http-headers.js';
import { removeTempDirs, SECRET, synthTestStack, tempDir, testConfig } from './helpers.js';

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

describe('CloudFront path patterns', () => {
  test.each([
    ['/api/*', '/api/x', true],
    ['/api/*', '/api/a/b/c', true],
    ['/api/*', '/apix', false],
    ['/api/*', '/API/x', false],
    ['api/*', '/api/x', true],
    ['/img/?.png', '/img/a.png', true],
    ['/img/?.png', '/img/ab.png', false],
    ['/a.b', '/aXb', false],
  ])('%s matches %s: %s', (pattern, path, want) => {
    expect(matchesPathPattern(pattern, path)).toBe(want);
  });

  test('samplePath gives a path the pattern matches', () => {
    for (const p of ['/api/*', 'v1/*/items', '/x?y']) expect(matchesPathPattern(p, samplePath(p))).toBe(true);
  });
});

test('stripHopByHop drops hop-by-hop headers and those Connection names', () => {
  expect(
    stripHopByHop({ connection: 'keep-alive, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', host: 'h', 'x-keep': 'k', te: 'trailers' }),
  ).toEqual({ 'x-keep': 'k' });
});
