import { Testing } from 'cdktf';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution/index.js';
import { loadConfig } from '../../config/index.js';
import { EdgeFailoverStack } from '../../stacks/edge-failover-stack.js';

test('smoke', () => {
  const app = Testing.app();
  const stack = new EdgeFailoverStack(app, 'test', { config: loadConfig({ env: {} }) });
  const out = Testing.synth(stack, true);
  expect(out).toHaveResourceWithProperties(CloudfrontDistribution, { price_class: 'PriceClass_100' });
});
