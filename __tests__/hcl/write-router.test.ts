/**
 * The exported module offers the write router as an input (`write_router`): with it on (the
 * default) the module plans the function, the store and the key; off, none of them, and the
 * write behaviors have no function. Checked on the HCL itself, and with the real terraform
 * (validate, and plan with write_router = false) when it and the provider mirror are here.
 *
 * @slow real terraform init, validate and plan
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthAndExport, type Exported } from './fixtures.js';
import { testUnless } from '../support/skip.js';
import { findTerraform, providerMissing, PROVIDER_MIRROR, terraform, writeProviderVersionOverride } from '../support/terraform.js';

const ROUTER = { failover: { writePaths: ['/api/*'], writeRouter: true } };
const real = await findTerraform();
const routed: Exported = await synthAndExport(ROUTER);
const plain: Exported = await synthAndExport({ failover: { writePaths: ['/api/*'] } });
const complete = join(routed.moduleDir, 'examples', 'complete');
if (PROVIDER_MIRROR) for (const d of [routed.moduleDir, complete]) writeProviderVersionOverride(d);
const withProviders = testUnless(real.found ? await providerMissing(real, complete) : real.reason);
afterAll(() => {
  routed.cleanup();
  plain.cleanup();
});

const main = (m: Exported) => readFileSync(join(m.moduleDir, 'main.tf'), 'utf8');

test('the module declares write_router, a bool that defaults to true', () => {
  const vars = readFileSync(join(routed.moduleDir, 'variables.tf'), 'utf8');
  expect(vars).toMatch(/variable "write_router" \{\n(?:.*\n)*?\s+type\s+= bool\n(?:.*\n)*?\s+default\s+= true/);
});

test('the function, the store and the key are counted by write_router', () => {
  const text = main(routed);
  for (const type of ['aws_cloudfront_function', 'aws_cloudfront_key_value_store', 'aws_cloudfrontkeyvaluestore_key']) {
    expect(text).toMatch(
      new RegExp(`resource "${type}" "[a-z_]+" \\{\\n\\s+provider = aws\\.primary\\n\\s+count\\s+= var\\.write_router \\? 1 : 0`),
    );
  }
});

test('the write behavior attaches the function only when write_router is on', () => {
  expect(main(routed)).toMatch(
    /dynamic "function_association" \{\n\s+for_each = var\.write_router \? \[1\] : \[\]\n\n\s+content \{\n\s+event_type\s+= "viewer-request"\n\s+function_arn = aws_cloudfront_function\.[a-z_]+\[0\]\.arn/,
  );
});

test('the store ARN output is null when the router is off', () => {
  expect(readFileSync(join(routed.moduleDir, 'outputs.tf'), 'utf8')).toMatch(
    /output "write_router_kvs_arn" \{\n(?:.*\n)*?\s+value\s+= var\.write_router \? aws_cloudfront_key_value_store\.[a-z_]+\[0\]\.arn : null/,
  );
});

test('a stack without the router gets no write_router input', () => {
  expect(readFileSync(join(plain.moduleDir, 'variables.tf'), 'utf8')).not.toMatch(/write_router/);
  expect(main(plain)).not.toMatch(/cloudfront_function/);
});

withProviders(
  'terraform validates examples/complete with write_router on, and with it off',
  async () => {
    const init = await terraform(complete, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
    expect({ ok: init.ok, output: init.ok ? '' : init.output }).toEqual({ ok: true, output: '' });
    const validate = await terraform(complete, ['validate', '-no-color']);
    expect({ ok: validate.ok, output: validate.ok ? '' : validate.output }).toEqual({ ok: true, output: '' });
    // The example passes its inputs through; off, the module must not even validate a reference to [0].
    const mainTf = join(complete, 'main.tf');
    const text = readFileSync(mainTf, 'utf8');
    expect(text).toMatch(/module "edge_failover" \{\n/);
    writeFileSync(mainTf, text.replace(/(module "edge_failover" \{\n)/, '$1  write_router = false\n'));
    const off = await terraform(complete, ['validate', '-no-color']);
    expect({ ok: off.ok, output: off.ok ? '' : off.output }).toEqual({ ok: true, output: '' });
  },
  600_000,
);
