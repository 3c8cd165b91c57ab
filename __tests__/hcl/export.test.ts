/**
 * The export of the default stack and of a stack using every option, proven with HashiCorp's
 * own tools: hcl2json parses every file, the parsed module equals cdk.tf.json, hclwrite's
 * format leaves every file unchanged, and references are bare on the parsed structure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { format } from '@cdktf/hcl-tools';
import { DEFAULT_CONFIG, ECR_IMAGE, FULL_CONFIG, ORIGIN_SECRET, synthAndExport, type Exported } from './fixtures.js';
import { canonicalize, diffCanonical } from '../../hcl/semantic.js';
import { checkStructure } from '../../hcl/structure.js';
import { mergeModule } from '../../hcl/verify.js';
import { AWS_PROVIDER_VERSION_CONSTRAINT } from '../../stacks/edge-failover-stack.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, Json>;

const MODULE_LAYOUT = [
  'README.md',
  'examples',
  'main.tf',
  'outputs.tf',
  'probe-app.mjs',
  'terraform.tfvars.example',
  'variables.tf',
  'versions.tf',
];

const cases: [string, Parameters<typeof synthAndExport>[0]][] = [
  ['default stack', DEFAULT_CONFIG],
  ['stack with every option', FULL_CONFIG],
];

const exports = new Map<string, Exported>();
const parsedFiles = new Map<string, Map<string, Obj>>();

beforeAll(async () => {
  for (const [name, input] of cases) {
    const e = await synthAndExport(input);
    exports.set(name, e);
    const files = new Map<string, Obj>();
    for (const [file, text] of e.texts) if (file !== 'README.md') files.set(file, (await parse(file, text)) as Obj);
    parsedFiles.set(name, files);
  }
});

afterAll(() => {
  for (const e of exports.values()) e.cleanup();
});

const get = (name: string) => exports.get(name)!;
const resourceOf = (name: string, type: string, id: string): Obj => {
  const main = parsedFiles.get(name)!.get('main.tf')!;
  const blocks = ((main['resource'] as Obj)[type] as Obj)[id] as Obj[];
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
};

describe.each(cases.map(([name]) => name))('%s', (name) => {
  test('the directory is a module: .tf files, the probe app, examples, the tfvars example and README, no cdk.tf.json', () => {
    expect(readdirSync(get(name).moduleDir).sort()).toEqual(MODULE_LAYOUT);
  });

  test('every file parses with hcl2json (terraform.tfvars.example included)', () => {
    // beforeAll parsed them; a parse error would have failed it. Check each produced content.
    for (const [file, parsed] of parsedFiles.get(name)!) {
      if (file === 'terraform.tfvars.example') continue;
      expect({ file, empty: Object.keys(parsed).length === 0 }).toEqual({ file, empty: false });
    }
  });

  test('the parsed module equals the reusable module derived from cdk.tf.json, apart from the declared refinements', async () => {
    const e = get(name);
    const parts = [...parsedFiles.get(name)!].filter(([f]) => f.endsWith('.tf')).map(([, p]) => p);
    const ignore = new Set(e.module.refinements.map((r) => r.path.join('.')));
    const differences = diffCanonical(
      await canonicalize(e.reusable.tfJson as Json, 'json'),
      await canonicalize(mergeModule(parts) as Json, 'hcl'),
      ignore,
    );
    expect(differences).toEqual([]);
  });

  test('hclwrite format returns every file unchanged', async () => {
    for (const [file, text] of get(name).texts) {
      if (file === 'README.md') continue;
      expect({ file, text: await format(text) }).toEqual({ file, text });
    }
  });

  test('no quoted references or keywords and no interpolation-only strings', async () => {
    for (const [file, text] of get(name).texts) {
      if (file === 'README.md') continue;
      expect(await checkStructure(file, text)).toEqual([]);
    }
  });

  test('provider references are bare on the parsed structure', () => {
    const main = parsedFiles.get(name)!.get('main.tf')!;
    const providers: string[] = [];
    for (const section of ['resource', 'data'] as const) {
      for (const byName of Object.values((main[section] ?? {}) as Obj)) {
        for (const blocks of Object.values(byName as Obj)) providers.push(((blocks as Obj[])[0]!['provider'] as string) ?? '(none)');
      }
    }
    expect(providers.length).toBeGreaterThan(5);
    for (const p of providers) expect(p).toMatch(/^\$\{aws\.(primary|secondary|global)\}$/);
  });

  test('blocks of the provider schema are blocks, map attributes are attributes', () => {
    const dist = resourceOf(name, 'aws_cloudfront_distribution', 'edge_distribution');
    // hcl2json renders blocks as lists of objects and attributes as plain values.
    expect(dist['origin']).toHaveLength(2);
    expect((dist['origin'] as Obj[])[0]!['custom_origin_config']).toEqual([
      expect.objectContaining({ origin_protocol_policy: 'https-only' }),
    ]);
    expect(dist['default_cache_behavior']).toEqual([expect.objectContaining({ target_origin_id: 'app-failover' })]);
    const dynamic = dist['dynamic'] as Obj;
    expect(dynamic['custom_error_response']).toEqual([
      {
        for_each: '${toset(var.failover_status_codes)}',
        content: [{ error_caching_min_ttl: 0, error_code: '${custom_error_response.value}' }],
      },
    ]);
    const service = resourceOf(name, 'aws_apprunner_service', 'primary_service');
    expect(service['tags']).toMatch(/^\$\{merge\(var\.tags, \{\s+EdgeFailoverRole = "primary"\s+\}\)\}$/);
    const image = (((service['source_configuration'] as Obj[])[0]!['image_repository'] as Obj[])[0]!['image_configuration'] as Obj[])[0]!;
    expect(image['runtime_environment_variables']).toEqual(expect.objectContaining({ PROBE_ROLE: 'primary' }));
  });

  test('variables have a type, a description and their validation rules', () => {
    const variables = parsedFiles.get(name)!.get('variables.tf')!['variable'] as Obj;
    expect(Object.keys(variables).length).toBeGreaterThanOrEqual(6);
    for (const [v, blocks] of Object.entries(variables)) {
      const body = (blocks as Obj[])[0]!;
      expect({ v, type: typeof body['type'], description: typeof body['description'] }).toEqual({
        v,
        type: 'string',
        description: 'string',
      });
      expect(body['type']).toMatch(/^\$\{[a-z]+(\(.*\))?\}$/);
    }
    const attempts = (variables['origin_connection_attempts'] as Obj[])[0]!;
    expect(attempts['validation']).toEqual([
      expect.objectContaining({
        condition: expect.stringContaining('var.origin_connection_attempts >= 1'),
        error_message: expect.any(String),
      }),
    ]);
  });

  test('outputs have descriptions', () => {
    const outputs = parsedFiles.get(name)!.get('outputs.tf')!['output'] as Obj;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['distribution_id', 'primary_service_url', 'secondary_region']));
    for (const blocks of Object.values(outputs)) expect((blocks as Obj[])[0]!['description']).toEqual(expect.any(String));
  });

  test('terraform.tfvars.example sets every variable that has a default, with that default', () => {
    const e = get(name);
    const tfvars = parsedFiles.get(name)!.get('terraform.tfvars.example')!;
    const withDefault = e.module.variables.filter((v) => v.default !== undefined).map((v) => v.name);
    expect(Object.keys(tfvars).sort()).toEqual(withDefault.sort());
    const variables = parsedFiles.get(name)!.get('variables.tf')!['variable'] as Obj;
    for (const v of withDefault) expect(tfvars[v]).toEqual(((variables[v] as Obj[])[0]!['default'] as Json) ?? null);
  });

  test('README lists every input and output in its tables', () => {
    const e = get(name);
    const readme = e.texts.get('README.md')!;
    expect(readme).toContain('## Inputs');
    expect(readme).toContain('## Outputs');
    expect(readme).toMatch(
      /<!-- BEGIN_TF_DOCS -->[^]*## Requirements[^]*## Providers[^]*## Modules[^]*## Resources[^]*## Inputs[^]*## Outputs[^]*<!-- END_TF_DOCS -->/,
    );
    expect(readme).toMatch(/```hcl\nmodule "edge_failover" \{/);
    expect(readme).toContain('Writes do not fail over');
    for (const v of e.module.variables) expect(readme).toMatch(new RegExp(`^\\| <a name="input_${v.name}"></a> \\[${v.name}\\]`, 'm'));
    for (const o of e.module.outputs)
      expect(readme).toMatch(
        new RegExp(
          `^\\| <a name="output_${o.name}"></a> \\[${o.name}\\]\\(#output\\\\_${o.name}\\) \\| ${escapeRegExp(o.description)}`,
          'm',
        ),
      );
  });

  test('versions.tf and cdk.tf.json state the same minimum AWS provider version, and the module takes its providers', () => {
    const terraform = (parsedFiles.get(name)!.get('versions.tf')!['terraform'] as Obj[])[0]!;
    const aws = ((terraform['required_providers'] as Obj[])[0]!['aws'] as Obj) ?? {};
    expect(AWS_PROVIDER_VERSION_CONSTRAINT).toMatch(/^>= \d+\.\d+\.\d+$/);
    expect(aws).toEqual(expect.objectContaining({ source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION_CONSTRAINT }));
    expect(aws['configuration_aliases']).toEqual(get(name).reusable.aliases.map((a) => `\${${a}}`));
    const stackAws = ((get(name).tfJson['terraform'] as Obj)['required_providers'] as Obj)['aws'] as Obj;
    expect(stackAws['version']).toBe(AWS_PROVIDER_VERSION_CONSTRAINT);
    expect(terraform['required_version']).toMatch(/^>= 1\.\d+\.\d+$/);
    // A module that is meant to be called configures no provider and no backend.
    expect(terraform['backend']).toBeUndefined();
    expect(get(name).texts.has('providers.tf')).toBe(false);
    expect(get(name).texts.get('main.tf')).not.toMatch(/^provider /m);
  });

  test('the probe app is one file beside the module, read once with filebase64', () => {
    const e = get(name);
    const main = e.texts.get('main.tf')!;
    expect(main).toContain('probe_app_base64 = filebase64("${path.module}/probe-app.mjs")');
    expect(main).not.toMatch(/base64,[A-Za-z0-9+/]{64}/);
    expect(main.match(/\$\{local\.probe_app_base64\}/g)).toHaveLength(2);
    const stackMain = JSON.stringify(e.tfJson);
    const blob = /base64,([A-Za-z0-9+/=]+)/.exec(stackMain)![1]!;
    expect(Buffer.from(readFileSync(join(e.moduleDir, 'probe-app.mjs'))).toString('base64')).toBe(blob);
  });

  test('managed policy ids are commented locals; tags close their blocks; no iterator = each', () => {
    const main = get(name).texts.get('main.tf')!;
    expect(main).toMatch(
      /# Managed cache policy "CachingDisabled"[^\n]*\n\s+caching_disabled_policy_id\s+= "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"/,
    );
    expect(main).toMatch(/# Managed origin request policy "AllViewerExceptHostHeader"/);
    expect(main).not.toContain('iterator');
    // In every resource with tags, nothing but depends_on/lifecycle follows them.
    const lines = main.split('\n');
    let checked = 0;
    for (const [i, line] of lines.entries()) {
      if (!line.startsWith('  tags = ')) continue;
      const close = lines.findIndex((l, j) => j > i && (l === '  })' || l === '  }' || (j === i && l.endsWith(')'))));
      const end = lines.findIndex((l, j) => j > i && l === '}');
      const after = lines.slice(close + 1, end).filter((l) => l.trim() !== '' && /^  \S/.test(l));
      expect({ at: i + 1, after: after.filter((l) => !/^  (depends_on|lifecycle)\b/.test(l)) }).toEqual({ at: i + 1, after: [] });
      checked += 1;
    }
    expect(checked).toBeGreaterThan(3);
  });

  test('names derive from var.name_prefix, never from the literal prefix', () => {
    const e = get(name);
    const main = e.texts.get('main.tf')!;
    const literal = new RegExp(`"${escapeRegExp(e.stackName)}-`);
    expect(main).not.toMatch(literal);
    expect(main).toContain('service_name                   = "${var.name_prefix}-primary"');
  });
});

describe('default stack', () => {
  const name = 'default stack';

  test('examples/complete shows the local backend, commented, with its relative path', () => {
    const versions = readFileSync(join(get(name).moduleDir, 'examples', 'complete', 'versions.tf'), 'utf8');
    expect(versions).toContain('#   backend "local" {\n#     path = "terraform.tfstate"\n#   }');
  });

  test('declares only the expected refinements', () => {
    expect(get(name).module.refinements.map((r) => r.path.join('.'))).toEqual(['terraform.required_version']);
  });
});

describe('stack with every option', () => {
  const name = 'stack with every option';

  test('a primary outside us-east-1 adds the global provider, and CloudFront uses it', async () => {
    const text = readFileSync(join(get(name).moduleDir, 'examples', 'complete', 'providers.tf'), 'utf8');
    const providers = ((await parse('providers.tf', text)) as Obj)['provider'] as Obj;
    expect(get(name).reusable.aliases).toEqual(['aws.primary', 'aws.secondary', 'aws.global']);
    expect((providers['aws'] as Obj[]).map((p) => [p['alias'], p['region']])).toEqual([
      ['primary', 'us-east-2'],
      ['secondary', 'us-west-2'],
      ['global', 'us-east-1'],
    ]);
    expect(resourceOf(name, 'aws_cloudfront_distribution', 'edge_distribution')['provider']).toBe('${aws.global}');
  });

  test('examples/complete shows the S3 backend as configured, commented', () => {
    const versions = readFileSync(join(get(name).moduleDir, 'examples', 'complete', 'versions.tf'), 'utf8');
    expect(versions).toContain('#   backend "s3" {');
    for (const line of ['bucket = "edge-failover-state"', 'key = "edge-full/terraform.tfstate"', 'use_lockfile = true'])
      expect(versions).toContain(`#     ${line}`);
  });

  test('write paths become a dynamic ordered cache behavior over var.write_paths, targeting the primary, defaulting to the config', () => {
    const dist = resourceOf(name, 'aws_cloudfront_distribution', 'edge_distribution');
    expect(dist['ordered_cache_behavior']).toBeUndefined();
    const dynamic = ((dist['dynamic'] as Obj)['ordered_cache_behavior'] as Obj[])[0]!;
    expect(dynamic['for_each']).toBe('${var.write_paths}');
    expect((dynamic['content'] as Obj[])[0]).toEqual(
      expect.objectContaining({ path_pattern: '${ordered_cache_behavior.value}', target_origin_id: 'primary' }),
    );
    const variables = parsedFiles.get(name)!.get('variables.tf')!['variable'] as Obj;
    expect((variables['write_paths'] as Obj[])[0]!['default']).toEqual(['/api/*', '/upload']);
  });

  test('the ECR access role policy from Fn.jsonencode is a jsonencode object, not a string', () => {
    const main = get(name).texts.get('main.tf')!;
    expect(main).toMatch(/assume_role_policy = jsonencode\(\{\n\s+Version = "2012-10-17"\n\s+Statement = \[\n\s+\{\n\s+Effect = "Allow"\n/);
    const role = resourceOf(name, 'aws_iam_role', 'primary_ecr_access_role');
    expect(role['assume_role_policy']).toMatch(/^\$\{jsonencode\(\{/);
    expect(resourceOf(name, 'aws_apprunner_service', 'primary_service')['source_configuration']).toEqual([
      expect.objectContaining({
        authentication_configuration: [{ access_role_arn: '${aws_iam_role.primary_ecr_access_role.arn}' }],
        image_repository: [expect.objectContaining({ image_identifier: '${var.image}', image_repository_type: 'ECR' })],
      }),
    ]);
    const variables = parsedFiles.get(name)!.get('variables.tf')!['variable'] as Obj;
    expect((variables['image'] as Obj[])[0]!['default']).toBe(ECR_IMAGE);
  });

  test('tag keys that are not identifiers are quoted', () => {
    const providers = readFileSync(join(get(name).moduleDir, 'examples', 'complete', 'providers.tf'), 'utf8');
    expect(providers).toContain('"cost-center"     = "sre-42"');
  });

  test('the origin-verify secret is withheld: a required sensitive input, in no file', () => {
    const e = get(name);
    const secret = e.module.variables.find((v) => v.name === 'origin_verify_secret');
    expect(secret).toEqual(expect.objectContaining({ sensitive: true, withheld: true, default: undefined }));
    for (const [file, text] of e.texts) expect({ file, leaks: text.includes(ORIGIN_SECRET) }).toEqual({ file, leaks: false });
    expect(e.module.refinements.map((r) => r.path.join('.'))).toContain('variable.origin_verify_secret.default');
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
