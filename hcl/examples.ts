/**
 * Root modules that call the exported module, as terraform-aws-modules ships them:
 * - examples/complete: the provider configurations of the stack (regions, default tags), an
 *   optional backend (commented), one `module "edge_failover"` call;
 * - examples/two-apps: `for_each` over two instances with distinct name prefixes.
 * Written with the same converter as the module, so they are canonical HCL too.
 */
import { basename, isAbsolute } from 'node:path';
import { convertStack, type VariableDoc } from './convert/convert.js';
import { quoteLiteral } from './template.js';
import type { Json, JsonObject } from './module/inputs.js';
import type { ReusableModule } from './module/module.js';

/** The name of the module call in the examples (and in the README's usage). */
export const MODULE_CALL = 'edge_failover';

/** examples/<name>/<file> -> text. */
export async function renderExamples(m: ReusableModule, variables: readonly VariableDoc[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const required = variables.filter((v) => v.default === undefined);
  const providersMap = Object.fromEntries(m.aliases.map((a) => [a, a]));
  const passThrough: JsonObject = Object.fromEntries(required.map((v) => [v.name, `\${var.${v.name}}`]));
  const rootVariables: JsonObject = Object.fromEntries(
    required.map((v) => [v.name, { type: v.type, description: v.description, ...(v.sensitive ? { sensitive: true } : {}) }]),
  );
  const terraform = (m.tfJson['terraform'] ?? {}) as JsonObject;
  const aws = ((terraform['required_providers'] as JsonObject)['aws'] ?? {}) as JsonObject;
  const versions = { required_providers: { aws: { source: aws['source'] ?? 'hashicorp/aws', version: aws['version'] ?? null } } };

  const complete: JsonObject = {
    terraform: versions,
    provider: m.providers,
    ...(required.length > 0 ? { variable: rootVariables } : {}),
    module: {
      [MODULE_CALL]: { source: '../..', providers: providersMap, name_prefix: m.namePrefix, ...passThrough },
    },
    output: {
      distribution_domain_name: {
        description: 'Domain name viewers use (xxxx.cloudfront.net).',
        value: `\${module.${MODULE_CALL}.distribution_domain_name}`,
      },
      distribution_hosted_zone_id: {
        description: 'Zone id for a Route 53 alias record to the distribution.',
        value: `\${module.${MODULE_CALL}.distribution_hosted_zone_id}`,
      },
    },
  };
  const stem = m.namePrefix.slice(0, 18).replace(/-+$/, '');
  const twoApps: JsonObject = {
    terraform: versions,
    provider: m.providers,
    ...(required.length > 0 ? { variable: rootVariables } : {}),
    module: {
      [MODULE_CALL]: {
        for_each: { blue: `${stem}-blue`, green: `${stem}-green` },
        source: '../..',
        providers: providersMap,
        name_prefix: '${each.value}',
        ...passThrough,
      },
    },
    output: {
      distribution_domain_names: {
        description: 'Domain name of each instance.',
        value: `\${{ for k, m in module.${MODULE_CALL} : k => m.distribution_domain_name }}`,
      },
    },
  };
  for (const [name, root] of [
    ['complete', complete],
    ['two-apps', twoApps],
  ] as const) {
    const converted = await convertStack(root as Json);
    for (const [file, text] of converted.files) {
      if (!file.endsWith('.tf') || text.startsWith('# This stack declares nothing')) continue;
      out.set(`examples/${name}/${file}`, file === 'versions.tf' ? backendNote(m.backend) + text : text);
    }
  }
  return out;
}

/** The stack's backend as a commented block: state is the caller's choice, not the module's. */
function backendNote(backend: JsonObject | undefined): string {
  const type = backend ? Object.keys(backend)[0] : undefined;
  const settings = type ? (backend![type] as JsonObject) : { bucket: 'my-state-bucket', key: 'edge-failover/terraform.tfstate' };
  const lines = Object.entries(settings)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'boolean')
    // An absolute local path belongs to the machine that synthesized the stack.
    .map(([k, v]) => [k, type === 'local' && k === 'path' && typeof v === 'string' && isAbsolute(v) ? basename(v) : v] as const)
    .map(([k, v]) => `#     ${k} = ${typeof v === 'string' ? quoteLiteral(v) : String(v)}`);
  return [
    `# Optional: where Terraform keeps the state (the stack used a ${type ?? 'local'} backend). Uncomment inside terraform {}:`,
    `#   backend "${type ?? 's3'}" {`,
    ...lines,
    '#   }',
    '',
  ].join('\n');
}
