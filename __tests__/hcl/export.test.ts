/**
 * The export of the default stack and of a stack using every option, proven with HashiCorp's
 * own tools: hcl2json parses every file, the parsed module equals cdk.tf.json, hclwrite's
 * format leaves every file unchanged, and references are bare on the parsed structure.
 */
import { readdirSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import { format } from '@cdktf/hcl-tools';
import { DEFAULT_CONFIG, ECR_IMAGE, FULL_CONFIG, ORIGIN_SECRET, synthAndExport, type Exported } from './fixtures.js';
import { canonicalize, diffCanonical } from '../../hcl/semantic.js';
import { checkStructure } from '../../hcl/structure.js';
import { mergeModule } from '../../hcl/verify.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, Json>;

const MODULE_LAYOUT = ['README.md', 'main.tf', 'outputs.tf', 'providers.tf', 'terraform.tfvars.example', 'variables.tf', 'versions.tf'];

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
  test('the directory is a module: only .tf files, the tfvars example and README, no cdk.tf.json', () => {
    expect(readdirSync(get(name).moduleDir).sort()).toEqual(MODULE_LAYOUT);
  });

  test('every file parses with hcl2json (terraform.tfvars.example included)', () => {
    // beforeAll parsed them; a parse error would have failed it. Check each produced content.
    for (const [file, parsed] of parsedFiles.get(name)!) {
      if (file === 'terraform.tfvars.example') continue;
      expect({ file, empty: Object.keys(parsed).length === 0 }).toEqual({ file, empty: false });
    }
  });

  test('the parsed module equals cdk.tf.json, apart from the declared refinements', async () => {
    const e = get(name);
    const parts = [...parsedFiles.get(name)!].filter(([f]) => f.endsWith('.tf')).map(([, p]) => p);
    const ignore = new Set(e.module.refinements.map((r) => r.path.join('.')));
    const differences = diffCanonical(
      await canonicalize(e.tfJson as Json, 'json'),
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
        iterator: '${each}',
        content: [{ error_caching_min_ttl: 0, error_code: '${each.value}' }],
      },
    ]);
    const service = resourceOf(name, 'aws_apprunner_service', 'primary_service');
    expect(service['tags']).toEqual({ EdgeFailoverRole: 'primary' });
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
      expect(body['type']).toMatch(/^\$\{[a-z(]+\)*\}$/);
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
    for (const v of e.module.variables) expect(readme).toMatch(new RegExp(`^\\| \`${v.name}\` \\|`, 'm'));
    for (const o of e.module.outputs) expect(readme).toMatch(new RegExp(`^\\| \`${o.name}\` \\| ${escapeRegExp(o.description)}`, 'm'));
  });

  test('versions.tf pins the AWS provider with a pessimistic constraint that admits 6.25.0', () => {
    const terraform = (parsedFiles.get(name)!.get('versions.tf')!['terraform'] as Obj[])[0]!;
    const aws = ((terraform['required_providers'] as Obj[])[0]!['aws'] as Obj) ?? {};
    expect(aws).toEqual({ source: 'hashicorp/aws', version: '~> 6.25' });
    expect(terraform['required_version']).toMatch(/^>= 1\.\d+\.\d+$/);
  });
});

describe('default stack', () => {
  const name = 'default stack';

  test('keeps the local backend with its relative path', () => {
    const terraform = (parsedFiles.get(name)!.get('versions.tf')!['terraform'] as Obj[])[0]!;
    expect(terraform['backend']).toEqual({ local: [{ path: 'terraform.tfstate' }] });
  });

  test('declares only the expected refinements', () => {
    expect(get(name).module.refinements.map((r) => r.path.join('.'))).toEqual([
      'terraform.required_version',
      'terraform.required_providers.aws.source',
      'terraform.required_providers.aws.version',
    ]);
  });
});

describe('stack with every option', () => {
  const name = 'stack with every option';

  test('a primary outside us-east-1 adds the global provider, and CloudFront uses it', () => {
    const providers = (parsedFiles.get(name)!.get('providers.tf')!['provider'] as Obj)['aws'] as Obj[];
    expect(providers.map((p) => [p['alias'], p['region']])).toEqual([
      ['primary', 'us-east-2'],
      ['secondary', 'us-west-2'],
      ['global', 'us-east-1'],
    ]);
    expect(resourceOf(name, 'aws_cloudfront_distribution', 'edge_distribution')['provider']).toBe('${aws.global}');
  });

  test('keeps the S3 backend as configured and asks for Terraform 1.10 for its lock file', () => {
    const terraform = (parsedFiles.get(name)!.get('versions.tf')!['terraform'] as Obj[])[0]!;
    expect(terraform['backend']).toEqual({
      s3: [{ bucket: 'edge-failover-state', key: 'edge-full/terraform.tfstate', region: 'us-east-2', encrypt: true, use_lockfile: true }],
    });
    expect(terraform['required_version']).toBe('>= 1.10.0');
  });

  test('write paths become ordered cache behaviors that target the primary', () => {
    const dist = resourceOf(name, 'aws_cloudfront_distribution', 'edge_distribution');
    expect((dist['ordered_cache_behavior'] as Obj[]).map((b) => [b['path_pattern'], b['target_origin_id']])).toEqual([
      ['/api/*', 'primary'],
      ['/upload', 'primary'],
    ]);
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
    expect(get(name).texts.get('providers.tf')).toContain('"cost-center"     = "sre-42"');
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
