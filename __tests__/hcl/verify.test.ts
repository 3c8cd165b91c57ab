/**
 * The checks themselves must fail when the module is wrong: a changed value, a missing
 * attribute, non-canonical layout, a quoted reference. Also the pieces they rest on
 * (templates, expression layout, the schema lookup).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '@cdktf/hcl-tools';
import { DEFAULT_CONFIG, synthAndExport, type Exported } from './fixtures.js';
import { canonicalize, diffCanonical } from '../../hcl/semantic.js';
import { renderExpression } from '../../hcl/expression.js';
import { loneInterpolation, quoteLiteral, quoteTemplate, splitTemplate } from '../../hcl/template.js';
import { SchemaRegistry } from '../../hcl/schema.js';
import { convertStack, pessimisticConstraint } from '../../hcl/convert/convert.js';
import { HclExportError } from '../../hcl/errors.js';
import { problemsOf, verifyModule } from '../../hcl/verify.js';

let exported: Exported;
beforeAll(async () => {
  exported = await synthAndExport(DEFAULT_CONFIG);
});
afterAll(() => exported.cleanup());

/** Rewrites one file of the exported module, verifies, and restores the file. */
async function problemsAfter(file: string, edit: (text: string) => string): Promise<string[]> {
  const path = join(exported.moduleDir, file);
  const original = readFileSync(path, 'utf8');
  const changed = edit(original);
  expect(changed).not.toBe(original);
  writeFileSync(path, changed);
  try {
    return problemsOf(await verifyModule(exported.moduleDir, exported.reusable.tfJson, exported.module.refinements));
  } finally {
    writeFileSync(path, original);
  }
}

describe('verification catches a wrong module', () => {
  test('the untouched export verifies clean', async () => {
    expect(problemsOf(await verifyModule(exported.moduleDir, exported.reusable.tfJson, exported.module.refinements))).toEqual([]);
  });

  test('a changed value is reported with its path', async () => {
    const problems = await problemsAfter('main.tf', (t) =>
      t.replace('origin_id           = "secondary"', 'origin_id           = "tertiary"'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^resource\.aws_cloudfront_distribution\.edge_distribution\.origin\[1\]\.origin_id: cdk\.tf\.json has .*secondary.*tertiary/,
      ),
    ]);
  });

  test('a missing attribute is reported with its path', async () => {
    const problems = await problemsAfter('main.tf', (t) => t.replace(/\n\s+http_version\s+= "http2and3"/, ''));
    expect(problems).toContainEqual(
      expect.stringMatching(/^resource\.aws_cloudfront_distribution\.edge_distribution\.http_version: .*the module has \(absent\)/),
    );
  });

  test('a changed reference inside an expression is reported', async () => {
    const problems = await problemsAfter('main.tf', (t) =>
      t.replace('status_codes = var.failover_status_codes', 'status_codes = var.origin_read_timeout'),
    );
    expect(problems).toContainEqual(expect.stringMatching(/origin_group\.failover_criteria\.status_codes: /));
  });

  test('non-canonical layout is reported with the line', async () => {
    const problems = await problemsAfter('versions.tf', (t) =>
      t.replace('source                = "hashicorp/aws"', 'source = "hashicorp/aws"'),
    );
    expect(problems).toEqual([expect.stringMatching(/^versions\.tf:6: not canonical/)]);
  });

  test('a quoted provider reference and an interpolation-only string are reported', async () => {
    const problems = await problemsAfter('main.tf', (t) =>
      t
        .replace('"secondary_auto_scaling" {\n  provider = aws.secondary', '"secondary_auto_scaling" {\n  provider = "aws.secondary"')
        .replace('image_identifier      = var.image', 'image_identifier      = "${var.image}"'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /quoted reference at resource\.aws_apprunner_auto_scaling_configuration_version\.secondary_auto_scaling\.provider/,
        ),
        expect.stringMatching(
          /interpolation-only string at resource\.aws_apprunner_service\.primary_service\.source_configuration\.image_repository\.image_identifier/,
        ),
      ]),
    );
  });

  test('a file that does not parse is reported', async () => {
    const problems = await problemsAfter('outputs.tf', (t) => `${t}\noutput "broken" {\n`);
    expect(problems).toEqual([expect.stringMatching(/^outputs\.tf: does not parse/)]);
  });
});

describe('semantic normalization', () => {
  const same = async (json: unknown, hcl: unknown) =>
    diffCanonical(await canonicalize(json as never, 'json'), await canonicalize(hcl as never, 'hcl'));

  test('expression spelling does not matter: quoting, spacing, key quotes, item order', async () => {
    expect(await same({ a: '${var.x}' }, { a: '${var.x}' })).toEqual([]);
    expect(await same({ p: '${jsonencode({"B" = 1, "A" = [var.x]})}' }, { p: '${jsonencode({\n  A = [var.x]\n  B = 1\n})}' })).toEqual([]);
    expect(await same({ c: '${a>0&&b}' }, { c: '${a > 0 && b}' })).toEqual([]);
  });

  test('a block as an object equals a one-block list; a reference in JSON equals a bare one', async () => {
    expect(
      await same(
        { resource: { t: { n: { provider: 'aws.p', b: { x: 1 } } } } },
        { resource: { t: { n: [{ provider: '${aws.p}', b: [{ x: 1 }] }] } } },
      ),
    ).toEqual([]);
  });

  test('different values differ', async () => {
    expect(await same({ a: 'x-${var.y}' }, { a: 'x-${var.z}' })).toEqual([expect.objectContaining({ path: 'a[1]' })]);
    expect(await same({ a: [1, 2] }, { a: [2, 1] })).toHaveLength(2);
    expect(await same({ a: '${jsonencode({"A" = 1})}' }, { a: '${jsonencode({A = 2})}' })).toEqual([
      expect.objectContaining({ path: 'a' }),
    ]);
  });

  test('literal positions compare text: a literal ${ in a variable default', async () => {
    expect(await same({ variable: { v: { default: 'a ${b}' } } }, { variable: { v: [{ default: 'a $${b}' }] } })).toEqual([]);
  });
});

describe('templates and expressions', () => {
  test('a lone interpolation is recognized; a template with text is not', () => {
    expect(loneInterpolation('${var.x}')).toBe('var.x');
    expect(loneInterpolation('${jsonencode({"a" = "${var.x}"})}')).toBe('jsonencode({"a" = "${var.x}"})');
    expect(loneInterpolation('https://${var.x}')).toBeUndefined();
    expect(loneInterpolation('${a}${b}')).toBeUndefined();
    expect(splitTemplate('a $${b} ${c} %{ if d }e%{ endif }').map((p) => p.kind)).toEqual([
      'literal',
      'interpolation',
      'literal',
      'directive',
      'literal',
      'directive',
    ]);
  });

  test('strings are escaped for HCL; interpolations stay as written', () => {
    expect(quoteTemplate('say "hi"\n${var.x}\\')).toBe('"say \\"hi\\"\\n${var.x}\\\\"');
    expect(quoteLiteral('costs ${5} or %{x}')).toBe('"costs $${5} or %%{x}"');
  });

  test('jsonencode objects are laid out one item per line, canonically', async () => {
    const text = await renderExpression('jsonencode({"Version" = "1", "a-b" = [{"X" = var.y}], "c" = []})', '  ', 'test');
    expect(text).toBe('jsonencode({\n    Version = "1"\n    "a-b" = [\n      {\n        X = var.y\n      },\n    ]\n    c = []\n  })');
    const file = `x {\n  v = ${text}\n}\n`;
    expect(await format(file)).toBe(file);
  });

  test('an expression that does not parse is a usage error naming its place', async () => {
    await expect(renderExpression('jsonencode({"a" = "b "q""})', '', 'resource.x.y.body')).rejects.toThrow(
      /resource\.x\.y\.body does not parse/,
    );
  });

  test('the AWS bindings tell blocks from attributes', () => {
    const schemas = new SchemaRegistry();
    const dist = schemas.lookup('resource', 'aws_cloudfront_distribution');
    expect([...dist.blocks.keys()]).toEqual(
      expect.arrayContaining(['origin', 'default_cache_behavior', 'custom_error_response', 'restrictions']),
    );
    expect(dist.blocks.get('origin')!.blocks.has('custom_origin_config')).toBe(true);
    expect(dist.attributes.has('tags')).toBe(true);
    const alarm = schemas.lookup('resource', 'aws_cloudwatch_metric_alarm');
    expect(alarm.attributes.has('dimensions')).toBe(true);
    expect(alarm.blocks.get('metric_query')!.blocks.has('metric')).toBe(true);
    expect(schemas.lookup('provider', 'aws').blocks.has('default_tags')).toBe(true);
    expect(() => schemas.lookup('resource', 'aws_no_such_thing')).toThrow(/No provider schema for resource "aws_no_such_thing"/);
  });

  test('exact provider pins become ~> MAJOR.MINOR; other constraints pass through', () => {
    expect(pessimisticConstraint('6.25.0')).toBe('~> 6.25');
    expect(pessimisticConstraint('>= 5.0')).toBe('>= 5.0');
  });

  test('a block set from an expression is refused with its path', async () => {
    const tf = { resource: { aws_cloudfront_distribution: { d: { origin: '${var.origins}' } } } };
    const run = convertStack(tf);
    await expect(run).rejects.toThrow(HclExportError);
    await expect(run).rejects.toThrow(/resource\.aws_cloudfront_distribution\.d\.origin is a block in the provider schema/);
  });
});
