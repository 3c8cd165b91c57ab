/**
 * README.md of an exported module in the terraform-docs layout: a hand-written head (what it
 * does, usage with a `module {}` block, what it does not do), then the generated part between
 * `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->` (Requirements, Providers, Modules,
 * Resources, Inputs, Outputs), which `terraform-docs markdown table --output-file README.md .`
 * can regenerate.
 */
import type { ConvertedModule } from './convert/convert.js';
import { MODULE_CALL } from './examples.js';
import type { ReusableModule } from './module/module.js';

export function renderReadme(stackName: string, m: ConvertedModule, r: ReusableModule): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
  const required = m.variables.filter((v) => v.default === undefined);
  const provider = m.providers[0] ?? { source: 'hashicorp/aws', version: '(any)' };
  const aws = (r.tfJson['terraform'] as { required_providers: { aws: { version?: string } } }).required_providers.aws;
  const lines: string[] = [
    `# ${stackName}`,
    '',
    'Edge failover for an app in two regions: an App Runner service in each, behind a CloudFront distribution whose',
    'default behavior targets an origin group (every GET/HEAD/OPTIONS goes to the primary first and is retried on the',
    'secondary when the primary answers a failover status code, refuses the connection or times out), with alarms,',
    'SNS topics, EventBridge rules and a dashboard that announce failover and failback.',
    '',
    `Exported from the CDKTF stack \`${stackName}\`, synthesized for the regions ${Object.entries(r.regions)
      .map(([a, g]) => `\`aws.${a}\` = ${g}`)
      .join(', ')}. It is generated: change the CDKTF code and export again rather than editing these files.`,
    '',
    '## Usage',
    '',
    '```hcl',
    `module "${MODULE_CALL}" {`,
    '  source = "./modules/edge-failover"',
    '',
    '  providers = {',
    ...r.aliases.map((a) => `    ${a} = ${a}`),
    '  }',
    '',
    `  name_prefix = "${r.namePrefix}"`,
    ...required.map((v) => `  ${v.name} = var.${v.name}`),
    '}',
    '```',
    '',
    'The caller configures the providers (one per alias) and the backend; the module has neither, so it can be',
    'called with `for_each`, `count` and `depends_on`. See `examples/complete` (one instance, provider blocks, an',
    'optional backend) and `examples/two-apps` (two instances with `for_each`).',
    '',
    '## Regions',
    '',
    "The module reads each provider's region (`data.aws_region`) and uses it wherever a region is named.",
    ...(r.layout.pinned
      ? [
          `\`aws.${r.layout.pinned}\` must be configured for us-east-1: CloudFront and Route 53 publish their metrics there only, and`,
          `the module keeps the alarms on them, their SNS topic and the dashboard on \`aws.${r.layout.pinned}\`.`,
        ]
      : []),
    ...(r.layout.free.length > 0
      ? [
          `${r.layout.free.map((a) => `\`aws.${a}\``).join(' and ')} may be configured for any region${r.layout.pinned ? ' other than us-east-1' : ''}${r.layout.free.length > 1 ? ', each its own' : ''}.`,
        ]
      : []),
    'Each `data.aws_region` checks this with a postcondition. App Runner must be available in the regions chosen.',
    '',
    '## What this module does not do',
    '',
    '- Writes do not fail over. CloudFront fails over GET, HEAD and OPTIONS only; a behavior targeting an origin group',
    '  cannot allow POST/PUT/PATCH/DELETE. `write_paths` target the primary alone (or the write router, when the stack has it).',
    ...(r.layout.pinned && r.layout.pinned !== 'global'
      ? [
          `- \`aws.${r.layout.pinned}\` stays in us-east-1; export the stack with both services outside us-east-1 to choose that region too.`,
        ]
      : []),
    '- It does not create the ACM certificate, the WAF web ACL, the log bucket or Route 53 records: pass their ids.',
    '',
    '<!-- BEGIN_TF_DOCS -->',
    '## Requirements',
    '',
    '| Name | Version |',
    '|------|---------|',
    `| <a name="requirement_terraform"></a> [terraform](#requirement\\_terraform) | ${cell(`>= ${m.requiredVersion}`)} |`,
    `| <a name="requirement_aws"></a> [aws](#requirement\\_aws) | ${cell(aws.version ?? provider.version)} |`,
    '',
    '## Providers',
    '',
    '| Name | Version |',
    '|------|---------|',
    `| <a name="provider_aws"></a> [aws](#provider\\_aws) | ${cell(aws.version ?? provider.version)} |`,
    ...r.aliases.map((a) => `| ${code(a)} | region ${code(r.regions[a.slice(4)] ?? '')} |`),
    '',
    '## Modules',
    '',
    'No modules.',
    '',
    '## Resources',
    '',
    '| Name | Type |',
    '|------|------|',
    ...m.resources.map((x) => (x.startsWith('data.') ? `| ${code(x.slice(5))} | data source |` : `| ${code(x)} | resource |`)),
    '',
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Required |',
    '|------|-------------|------|---------|:--------:|',
    ...m.variables.map((v) => {
      const def = v.withheld ? 'n/a' : v.default === undefined ? 'n/a' : code(v.default.replace(/\s*\n\s*/g, ' '));
      const notes = [v.sensitive ? 'Sensitive.' : '', ...v.validations.map((x) => `Rule: ${x}`)].filter(Boolean).join(' ');
      return `| <a name="input_${v.name}"></a> [${v.name}](#input\\_${v.name}) | ${cell(v.description)}${notes ? ` ${cell(notes)}` : ''} | ${code(v.type.replace(/\s*\n\s*/g, ' '))} | ${def} | ${v.default === undefined ? 'yes' : 'no'} |`;
    }),
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|------|-------------|',
    ...m.outputs.map(
      (o) =>
        `| <a name="output_${o.name}"></a> [${o.name}](#output\\_${o.name}) | ${cell(o.description)}${o.sensitive ? ' (sensitive)' : ''} |`,
    ),
    '<!-- END_TF_DOCS -->',
    '',
  ];
  if (m.refinements.length > 0)
    lines.push(
      '## Differences from the synthesized cdk.tf.json',
      '',
      ...m.refinements.map((x) => `- \`${x.path.join('.')}\`: ${x.reason}.`),
      '',
    );
  return lines.join('\n');
}
