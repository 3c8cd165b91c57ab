import '../support/cdktf-matchers.js';
import { Testing } from 'cdktf';
import { CloudfrontFunction } from '@cdktf/provider-aws/lib/cloudfront-function/index.js';
import { CloudfrontKeyValueStore } from '@cdktf/provider-aws/lib/cloudfront-key-value-store/index.js';
import { CloudfrontkeyvaluestoreKey } from '@cdktf/provider-aws/lib/cloudfrontkeyvaluestore-key/index.js';
import { ConfigError, loadConfig, type EdgeFailoverConfigInput } from '../../config/index.js';
import { exitCodeOf } from '../../core/errors.js';
import { EdgeFailoverStack } from '../../stacks/edge-failover-stack.js';
import { WRITE_ROUTER_OUTPUTS } from '../../stacks/contract.js';
import { ACTIVE_REGION_KEY, writeRouterCode } from '../../modules/write-router/function-code.js';

type Json = Record<string, any>;

function synthStack(overrides: EdgeFailoverConfigInput = {}) {
  const stack = new EdgeFailoverStack(Testing.app(), 'test', { config: loadConfig({ env: {}, overrides }) });
  const synth = Testing.synth(stack, true);
  return { synth, json: JSON.parse(synth) as Json };
}
const distributionOf = (json: Json) => Object.values(json.resource.aws_cloudfront_distribution)[0] as Json;

describe('failover.writeRouter', () => {
  const { synth, json } = synthStack({ failover: { writePaths: ['/api/*', '/orders'], writeRouter: true } });

  test('adds a KeyValueStore named after the prefix', () => {
    expect(synth).toHaveResourceWithProperties(CloudfrontKeyValueStore, { name: 'edge-failover-write-router' });
  });

  test('seeds active-region with primary, and leaves later values to the switch', () => {
    expect(synth).toHaveResourceWithProperties(CloudfrontkeyvaluestoreKey, {
      key: ACTIVE_REGION_KEY,
      value: 'primary',
      lifecycle: { ignore_changes: ['value'] },
    });
    const key = Object.values(json.resource.aws_cloudfrontkeyvaluestore_key)[0] as Json;
    expect(key.key_value_store_arn).toMatch(/^\$\{aws_cloudfront_key_value_store\.[A-Za-z0-9_]+\.arn\}$/);
  });

  test('adds a published runtime 2.0 function with the router code, associated with the store', () => {
    expect(synth).toHaveResourceWithProperties(CloudfrontFunction, {
      runtime: 'cloudfront-js-2.0',
      publish: true,
      code: writeRouterCode({ primary: 'primary', secondary: 'secondary' }),
    });
    const fn = Object.values(json.resource.aws_cloudfront_function)[0] as Json;
    const [storeName] = Object.keys(json.resource.aws_cloudfront_key_value_store);
    expect(fn.key_value_store_associations).toEqual([`\${aws_cloudfront_key_value_store.${storeName}.arn}`]);
  });

  test('attaches the function to every write behavior as viewer-request, and to nothing else', () => {
    const d = distributionOf(json);
    const [fnName] = Object.keys(json.resource.aws_cloudfront_function);
    expect(d.ordered_cache_behavior.map((b: Json) => [b.path_pattern, b.function_association])).toEqual([
      ['/api/*', [{ event_type: 'viewer-request', function_arn: `\${aws_cloudfront_function.${fnName}.arn}` }]],
      ['/orders', [{ event_type: 'viewer-request', function_arn: `\${aws_cloudfront_function.${fnName}.arn}` }]],
    ]);
    expect(d.default_cache_behavior.function_association).toBeUndefined();
  });

  test('outputs the store ARN for the switch', () => {
    expect(json.output[WRITE_ROUTER_OUTPUTS.kvsArn].value).toMatch(/aws_cloudfront_key_value_store\..*\.arn/);
  });

  test('the default config synthesizes no router', () => {
    const { json: plain } = synthStack();
    expect(plain.resource.aws_cloudfront_function).toBeUndefined();
    expect(plain.resource.aws_cloudfront_key_value_store).toBeUndefined();
    expect(plain.output[WRITE_ROUTER_OUTPUTS.kvsArn]).toBeUndefined();
  });

  test('write paths without the router keep writes on the primary alone, with no function', () => {
    const { json: j } = synthStack({ failover: { writePaths: ['/api/*'] } });
    expect(j.resource.aws_cloudfront_function).toBeUndefined();
    expect(distributionOf(j).ordered_cache_behavior[0].function_association).toBeUndefined();
  });

  test('the router without write paths is refused, naming the field', () => {
    let err: unknown;
    try {
      loadConfig({ env: {}, overrides: { failover: { writeRouter: true } } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(exitCodeOf(err)).toBe(2);
    expect((err as Error).message).toMatch(/failover\.writeRouter .*= true: allowed: false, or true together with failover\.writePaths/);
  });
});
