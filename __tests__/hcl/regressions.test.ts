/**
 * One regression test per known defect of cdktf's own HCL output (`cdktf synth --hcl`), each
 * with a small stack that triggers it. Every test first shows the defect in cdktf's rendering
 * of that stack (stack.toHclTerraform(), what `synth --hcl` writes), then proves the export has
 * it not, on the parsed structure.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { App, Fn, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { parse } from '@cdktf/hcl2json';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy/index.js';
import { exportStack, type ExportedStack } from '../../hcl/export.js';
import { HclExportError } from '../../hcl/errors.js';
import { checkStructure } from '../../hcl/structure.js';
import { problemsOf, verifyModule } from '../../hcl/verify.js';

type Obj = Record<string, unknown>;

const temp: string[] = [];
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temp.push(d);
  return d;
};

interface Built {
  readonly stack: TerraformStack;
  readonly tfJsonPath: string;
  readonly stackDir: string;
  /** What `cdktf synth --hcl` writes for this stack. */
  readonly cdktfHcl: string;
}

/** Synthesizes a one-off stack to cdk.tf.json, and renders cdktf's own HCL for it. */
function build(define: (stack: TerraformStack) => void, withBackend = true): Built {
  const outdir = tempDir('hcl-regress-synth-');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'regression');
  if (withBackend) new LocalBackend(stack, { path: 'terraform.tfstate' });
  define(stack);
  app.synth();
  const stackDir = join(outdir, 'stacks', 'regression');
  return { stack, stackDir, tfJsonPath: join(stackDir, 'cdk.tf.json'), cdktfHcl: stack.toHclTerraform().hcl };
}

async function exportBuilt(b: Built): Promise<ExportedStack & { main: string; parsedMain: Obj }> {
  const moduleDir = join(tempDir('hcl-regress-out-'), 'regression');
  const exported = await exportStack({ stackName: 'regression', tfJsonPath: b.tfJsonPath, moduleDir });
  const main = readFileSync(join(moduleDir, 'main.tf'), 'utf8');
  return { ...exported, main, parsedMain: (await parse('main.tf', main)) as Obj };
}

const sns = (parsed: Obj, name: string) => (((parsed['resource'] as Obj)['aws_sns_topic'] as Obj)[name] as Obj[])[0]!;

const aliasedProvider = (stack: TerraformStack) => new AwsProvider(stack, 'aws-primary', { alias: 'primary', region: 'us-east-1' });

test('quoted provider references: provider = "aws.primary"', async () => {
  const b = build((stack) => {
    new SnsTopic(stack, 'alerts', { provider: aliasedProvider(stack), name: 'alerts' });
  });
  // cdktf: a string, which Terraform 1.x rejects ("must not be given in quotes").
  expect(sns((await parse('cdk.tf', b.cdktfHcl)) as Obj, 'alerts')['provider']).toBe('aws.primary');
  expect((await checkStructure('cdk.tf', b.cdktfHcl)).map((f) => [f.path, f.problem])).toContainEqual([
    'resource.aws_sns_topic.alerts.provider',
    'quoted reference',
  ]);

  const e = await exportBuilt(b);
  expect(e.main).toContain('  provider = aws.primary\n');
  expect(sns(e.parsedMain, 'alerts')['provider']).toBe('${aws.primary}');
  expect(await checkStructure('main.tf', e.main)).toEqual([]);
});

test('quoted keywords: depends_on and lifecycle ignore_changes', async () => {
  const b = build((stack) => {
    const provider = aliasedProvider(stack);
    const first = new SnsTopic(stack, 'first', { provider, name: 'first', lifecycle: { ignoreChanges: ['tags'] } });
    new SnsTopic(stack, 'second', { provider, name: 'second', dependsOn: [first] });
  });
  const cdktf = (await parse('cdk.tf', b.cdktfHcl)) as Obj;
  expect(sns(cdktf, 'second')['depends_on']).toEqual(['aws_sns_topic.first']);
  expect((sns(cdktf, 'first')['lifecycle'] as Obj[])[0]!['ignore_changes']).toEqual(['tags']);

  const e = await exportBuilt(b);
  expect(sns(e.parsedMain, 'second')['depends_on']).toEqual(['${aws_sns_topic.first}']);
  expect((sns(e.parsedMain, 'first')['lifecycle'] as Obj[])[0]!['ignore_changes']).toEqual(['${tags}']);
  expect(e.main).toContain('depends_on = [aws_sns_topic.first]');
  expect(await checkStructure('main.tf', e.main)).toEqual([]);
});

test('interpolation-only strings: name = "${var.topic_name}"', async () => {
  const b = build((stack) => {
    const name = new TerraformVariable(stack, 'topic_name', { type: 'string', description: 'Topic name.' });
    new SnsTopic(stack, 'alerts', {
      provider: aliasedProvider(stack),
      name: name.stringValue,
      displayName: `alerts for ${name.stringValue}`,
    });
  });
  expect((await checkStructure('cdk.tf', b.cdktfHcl)).map((f) => [f.path, f.problem])).toContainEqual([
    'resource.aws_sns_topic.alerts.name',
    'interpolation-only string',
  ]);

  const e = await exportBuilt(b);
  expect(e.main).toMatch(/^ {2}name {9}= var\.topic_name$/m);
  // A template with text around the interpolation stays a template.
  expect(e.main).toContain('display_name = "alerts for ${var.topic_name}"');
  expect(await checkStructure('main.tf', e.main)).toEqual([]);
});

test('tokens inside serialized objects: JSON.stringify and Fn.jsonencode policies with references', async () => {
  const b = build((stack) => {
    const provider = aliasedProvider(stack);
    const topic = new SnsTopic(stack, 'alerts', { provider, name: 'alerts' });
    // A JSON document built in TypeScript: a string with a reference inside, and quotes to escape.
    new SnsTopic(stack, 'with_policy', {
      provider,
      name: 'with-policy',
      policy: JSON.stringify({
        Statement: [{ Effect: 'Allow', Resource: topic.arn, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } }],
      }),
    });
    new IamPolicy(stack, 'publish', {
      provider,
      name: 'publish',
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['sns:Publish'], Resource: topic.arn, 'aws:tag/x-y': `${topic.name}-suffix` }],
      }),
    });
  });
  // cdktf writes the JSON string's quotes unescaped: the file does not even parse.
  await expect(parse('cdk.tf', b.cdktfHcl)).rejects.toThrow();

  const e = await exportBuilt(b);
  expect(problemsOf(e.report!)).toEqual([]);
  const json = JSON.parse(readFileSync(b.tfJsonPath, 'utf8')) as Obj;
  const policy = (((json['resource'] as Obj)['aws_sns_topic'] as Obj)['with_policy'] as Obj)['policy'];
  expect(sns(e.parsedMain, 'with_policy')['policy']).toBe(policy);
  // The Fn.jsonencode policy is written as an HCL object with the reference bare.
  expect(e.main).toMatch(
    /policy = jsonencode\(\{\n {4}Version = "2012-10-17"\n {4}Statement = \[\n {6}\{\n {8}Effect {8}= "Allow"\n {8}Action {8}= \["sns:Publish"\]\n {8}Resource {6}= aws_sns_topic\.alerts\.arn\n {8}"aws:tag\/x-y" = "\$\{aws_sns_topic\.alerts\.name\}-suffix"\n {6}\},\n {4}\]\n {2}\}\)/,
  );
});

test('an absolute local-backend path from the machine that ran synth', async () => {
  const b = build((stack) => {
    new LocalBackend(stack, {}); // cdktf fills in <cwd>/terraform.<stack>.tfstate
    new SnsTopic(stack, 'alerts', { provider: aliasedProvider(stack), name: 'alerts' });
  }, false);
  const json = JSON.parse(readFileSync(b.tfJsonPath, 'utf8')) as { terraform: { backend: { local: { path: string } } } };
  expect(isAbsolute(json.terraform.backend.local.path)).toBe(true);
  expect(b.cdktfHcl).toContain(`path = "${json.terraform.backend.local.path}"`);

  const e = await exportBuilt(b);
  // The module has no backend (the caller's choice); the example shows it with the file name only.
  const versions = (await parse('versions.tf', readFileSync(join(e.moduleDir, 'versions.tf'), 'utf8'))) as Obj;
  expect((versions['terraform'] as Obj[])[0]!['backend']).toBeUndefined();
  const example = readFileSync(join(e.moduleDir, 'examples', 'complete', 'versions.tf'), 'utf8');
  expect(example).toContain('#     path = "terraform.regression.tfstate"');
  for (const text of [...e.module.files.values(), ...e.examples.values()]) expect(text).not.toContain(json.terraform.backend.local.path);
});

test('cdk.tf next to cdk.tf.json: the export never writes into a directory holding other Terraform files', async () => {
  const b = build((stack) => {
    new SnsTopic(stack, 'alerts', { provider: aliasedProvider(stack), name: 'alerts' });
  });
  // `cdktf synth --hcl` after a JSON synth leaves both files side by side.
  writeFileSync(join(b.stackDir, 'cdk.tf'), b.cdktfHcl);
  expect(readdirSync(b.stackDir)).toEqual(expect.arrayContaining(['cdk.tf', 'cdk.tf.json']));

  const into = exportStack({ stackName: 'regression', tfJsonPath: b.tfJsonPath, moduleDir: b.stackDir });
  await expect(into).rejects.toThrow(HclExportError);
  await expect(into).rejects.toThrow(/holds cdk\.tf, cdk\.tf\.json, which Terraform would load together/);

  const e = await exportBuilt(b);
  expect(readdirSync(e.moduleDir).filter((f) => f.endsWith('.json') || f === 'cdk.tf')).toEqual([]);
  // Verification notices a stray file dropped into the module later.
  writeFileSync(join(e.moduleDir, 'cdk.tf.json'), readFileSync(b.tfJsonPath));
  const json = JSON.parse(readFileSync(b.tfJsonPath, 'utf8')) as unknown;
  expect((await verifyModule(e.moduleDir, json, e.module.refinements)).strayFiles).toEqual(['cdk.tf.json']);
});
