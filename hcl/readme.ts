/** README.md of an exported module: usage, requirements, inputs and outputs, from the converted data. */
import type { ConvertedModule } from './convert.js';

export function renderReadme(stackName: string, m: ConvertedModule): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
  const lines: string[] = [
    `# ${stackName}`,
    '',
    `Terraform module exported from the CDKTF stack \`${stackName}\` (edge failover: two App Runner services behind a CloudFront origin group).`,
    'It is generated: change the CDKTF code and export again rather than editing these files.',
    '',
    '## Usage',
    '',
    '```sh',
    'cp terraform.tfvars.example terraform.tfvars   # then adjust',
    ...m.variables.filter((v) => v.withheld).map((v) => `export TF_VAR_${v.name}=...   # sensitive, required`),
    'terraform init',
    'terraform plan -out=tfplan',
    'terraform apply tfplan',
    '```',
    '',
    '## Requirements',
    '',
    '| Name | Version |',
    '|------|---------|',
    `| terraform | ${code(`>= ${m.requiredVersion}`)} |`,
    ...unique(m.providers.map((p) => `| ${p.source} | ${code(p.version)} |`)),
    '',
    '## Providers',
    '',
    '| Configuration | Region |',
    '|---------------|--------|',
    ...m.providers.map(
      (p) => `| ${code(p.alias ? `${p.name}.${p.alias}` : p.name)} | ${p.region ? code(p.region) : '(from the environment)'} |`,
    ),
    '',
  ];
  if (m.backend) {
    const settings = Object.entries(m.backend.settings)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join(', ');
    lines.push('## State', '', `Backend \`${m.backend.type}\`${settings ? ` (${cell(settings)})` : ''}.`, '');
  }
  lines.push('## Inputs', '');
  if (m.variables.length === 0) lines.push('This module has no inputs.');
  else {
    lines.push('| Name | Description | Type | Default | Required |', '|------|-------------|------|---------|:--------:|');
    for (const v of m.variables) {
      const def = v.withheld ? '(sensitive: none)' : v.default === undefined ? 'n/a' : code(v.default.replace(/\s*\n\s*/g, ' '));
      const notes = [v.sensitive ? 'Sensitive.' : '', ...v.validations.map((r) => `Rule: ${r}`)].filter(Boolean).join(' ');
      lines.push(
        `| ${code(v.name)} | ${cell(v.description)}${notes ? ` ${cell(notes)}` : ''} | ${code(v.type)} | ${def} | ${v.default === undefined ? 'yes' : 'no'} |`,
      );
    }
  }
  lines.push('', '## Outputs', '');
  if (m.outputs.length === 0) lines.push('This module has no outputs.');
  else {
    lines.push('| Name | Description |', '|------|-------------|');
    for (const o of m.outputs) lines.push(`| ${code(o.name)} | ${cell(o.description)}${o.sensitive ? ' (sensitive)' : ''} |`);
  }
  lines.push('', '## Resources', '', ...m.resources.map((r) => `- \`${r}\``), '');
  if (m.refinements.length > 0) {
    lines.push(
      '## Differences from the synthesized cdk.tf.json',
      '',
      ...m.refinements.map((r) => `- \`${r.path.join('.')}\`: ${r.reason}.`),
      '',
    );
  }
  return lines.join('\n');
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
