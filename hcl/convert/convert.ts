/**
 * Terraform JSON (a synthesized cdk.tf.json) to the files of a Terraform module in native HCL.
 *
 * Rules, from Terraform's "JSON Configuration Syntax":
 * - strings in expression positions are templates: "${x}" alone becomes the bare expression x,
 *   "a-${x}" stays a quoted template;
 * - strings in literal positions (variable defaults and descriptions, output descriptions,
 *   version constraints) are plain text, so `${` in them is escaped;
 * - `provider`, `depends_on`, lifecycle `ignore_changes`/`replace_triggered_by`, a dynamic block's
 *   `iterator` and a variable's `type` hold references or keywords and are written bare;
 * - whether a nested object is a block or an attribute comes from the provider schema
 *   (./schema.ts); cdktf's "//" metadata is dropped.
 */
import { isAbsolute, basename } from 'node:path';
import { HclExportError } from '../errors.js';
import { ATTRIBUTES_ONLY, SchemaRegistry } from '../schema.js';
import { quoteLiteral } from '../template.js';
import { attribute, blank, block, renderFile, type BodyItem } from '../writer.js';
import {
  asList,
  asObject,
  bareReference,
  BodyWriter,
  CLOUD_SCHEMA,
  entries,
  isObject,
  referenceList,
  renderBodyLines,
  type Json,
  type JsonObject,
} from './body.js';
import {
  BASE_TERRAFORM_VERSION,
  MODULE_FILES,
  S3_LOCKFILE_TERRAFORM_VERSION,
  TFVARS_EXAMPLE,
  type ConvertedModule,
  type ConvertOptions,
  type OutputDoc,
  type ProviderDoc,
  type Refinement,
  type VariableDoc,
} from './types.js';
import { tfvarsExample } from '../tfvars.js';

export * from './types.js';

const FILE_OF_SECTION: Readonly<Record<string, (typeof MODULE_FILES)[number]>> = {
  terraform: 'versions.tf',
  provider: 'providers.tf',
  variable: 'variables.tf',
  output: 'outputs.tf',
  locals: 'main.tf',
  data: 'main.tf',
  resource: 'main.tf',
  module: 'main.tf',
  moved: 'main.tf',
  import: 'main.tf',
  removed: 'main.tf',
  check: 'main.tf',
};

/** Converts one synthesized stack. */
export async function convertStack(tfJson: unknown, options: ConvertOptions = {}): Promise<ConvertedModule> {
  if (!isObject(tfJson)) throw new HclExportError('usage', 'The synthesized configuration must be a JSON object (Terraform JSON syntax).');
  return new Converter(
    options.schemas ?? new SchemaRegistry(),
    options.withholdSensitiveDefaults ?? true,
    options.comments ?? new Map(),
  ).convert(tfJson);
}

class Converter extends BodyWriter {
  private readonly refinements: Refinement[] = [];
  private readonly providers: ProviderDoc[] = [];
  private readonly variables: VariableDoc[] = [];
  private readonly outputs: OutputDoc[] = [];
  private readonly resources: string[] = [];
  private backend: ConvertedModule['backend'];
  private requiredVersion = BASE_TERRAFORM_VERSION;

  constructor(
    schemas: SchemaRegistry,
    private readonly withholdSensitiveDefaults: boolean,
    comments: ReadonlyMap<string, string>,
  ) {
    super(schemas, comments);
  }

  async convert(root: JsonObject): Promise<ConvertedModule> {
    const items = new Map<string, BodyItem[]>(MODULE_FILES.map((f) => [f, []]));
    for (const section of Object.keys(root)) {
      if (section === '//') continue;
      if (!(section in FILE_OF_SECTION)) {
        throw new HclExportError(
          'usage',
          `Unsupported top-level key "${section}" in the synthesized configuration; supported: ${Object.keys(FILE_OF_SECTION).join(', ')}.`,
        );
      }
    }
    // Providers and variables first: versions.tf needs the backend and what the providers declare.
    items.get('providers.tf')!.push(...(await this.providerBlocks(root['provider'])));
    items.get('variables.tf')!.push(...(await this.variableBlocks(root['variable'])));
    items.get('versions.tf')!.push(...(await this.terraformBlock(root['terraform'])));
    const main = items.get('main.tf')!;
    if (root['locals'] !== undefined)
      main.push(block('locals', [], await this.attributes(asObject(root['locals'], ['locals']), ['locals'], '  ')), blank);
    for (const kind of ['data', 'resource'] as const) {
      for (const [type, byName] of entries(root[kind], [kind])) {
        for (const [name, body] of entries(byName, [kind, type])) {
          this.resources.push(kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`);
          const schema = this.schemas.lookup(kind, type);
          main.push(
            block(kind, [type, name], await this.body(asObject(body, [kind, type, name]), schema, [kind, type, name], '  ', 'resource')),
            blank,
          );
        }
      }
    }
    for (const [name, body] of entries(root['module'], ['module'])) {
      main.push(
        block('module', [name], await this.body(asObject(body, ['module', name]), ATTRIBUTES_ONLY, ['module', name], '  ', 'module')),
        blank,
      );
    }
    for (const section of ['moved', 'import', 'removed', 'check'] as const) {
      if (root[section] === undefined) continue;
      const list = Array.isArray(root[section]) ? (root[section] as Json[]) : [root[section]];
      for (const [i, body] of list.entries()) {
        main.push(
          block(section, [], await this.body(asObject(body, [section, String(i)]), ATTRIBUTES_ONLY, [section, String(i)], '  ', section)),
          blank,
        );
      }
    }
    items.get('outputs.tf')!.push(...(await this.outputBlocks(root['output'])));

    const files = new Map<string, string>();
    for (const [file, body] of items) {
      if (file === 'providers.tf' && root['provider'] === undefined) continue;
      files.set(file, body.length > 0 ? renderFile(body) : `# This stack declares nothing that belongs in ${file}.\n`);
    }
    files.set(TFVARS_EXAMPLE, tfvarsExample(this.variables));
    return {
      files,
      refinements: this.refinements,
      requiredVersion: this.requiredVersion,
      providers: this.providers,
      variables: this.variables,
      outputs: this.outputs,
      resources: this.resources,
      backend: this.backend,
    };
  }

  // ---- terraform {} ---------------------------------------------------------------------

  private async terraformBlock(value: Json | undefined): Promise<BodyItem[]> {
    const t = value === undefined ? {} : asObject(value, ['terraform']);
    const body: BodyItem[] = [];
    const backend = t['backend'] === undefined ? undefined : asObject(t['backend'], ['terraform', 'backend']);
    const backendType = backend ? Object.keys(backend)[0] : undefined;
    const backendSettings = backend && backendType ? { ...asObject(backend[backendType]!, ['terraform', 'backend', backendType]) } : {};
    if (backendType === 's3' && backendSettings['use_lockfile'] === true) this.requiredVersion = S3_LOCKFILE_TERRAFORM_VERSION;
    if (backendType === 'local' && typeof backendSettings['path'] === 'string' && isAbsolute(backendSettings['path'])) {
      const relative = basename(backendSettings['path']);
      this.refinements.push({
        path: ['terraform', 'backend', 'local', 'path'],
        reason: `the absolute state path ${backendSettings['path']} belongs to the machine that synthesized the stack; written as ${relative}, relative to the module directory`,
      });
      backendSettings['path'] = relative;
    }

    const given = t['required_version'];
    if (typeof given === 'string') this.requiredVersion = given.replace(/^>=\s*/, '');
    body.push(attribute('required_version', quoteLiteral(typeof given === 'string' ? given : `>= ${this.requiredVersion}`)));
    if (given === undefined)
      this.refinements.push({ path: ['terraform', 'required_version'], reason: 'a module states the Terraform versions it works with' });

    const providers = t['required_providers'] === undefined ? {} : asObject(t['required_providers'], ['terraform', 'required_providers']);
    const requirements: { name: string; value: string }[] = [];
    for (const [name, req] of Object.entries(providers)) {
      const r: JsonObject = typeof req === 'string' ? { version: req } : { ...asObject(req, ['terraform', 'required_providers', name]) };
      const source = typeof r['source'] === 'string' ? r['source'] : name;
      const fullSource = source.includes('/') ? source : `hashicorp/${source}`;
      if (fullSource !== r['source']) {
        this.refinements.push({
          path: ['terraform', 'required_providers', name, 'source'],
          reason: `"${source}" is shorthand for "${fullSource}"; the module spells it out`,
        });
      }
      const pinned = typeof r['version'] === 'string' ? r['version'] : undefined;
      const constraint = pinned ? pessimisticConstraint(pinned) : undefined;
      if (pinned && constraint !== pinned) {
        this.refinements.push({
          path: ['terraform', 'required_providers', name, 'version'],
          reason: `the bindings were generated for ${pinned}; "${constraint}" admits it and later compatible releases`,
        });
      }
      for (const p of this.providers) if (p.name === name) Object.assign(p, { source: fullSource, version: constraint ?? '(any)' });
      const fields: { name: string; value: string }[] = [{ name: 'source', value: quoteLiteral(fullSource) }];
      if (constraint) fields.push({ name: 'version', value: quoteLiteral(constraint) });
      for (const [k, v] of Object.entries(r)) {
        if (k === 'source' || k === 'version') continue;
        if (k === 'configuration_aliases' && Array.isArray(v))
          fields.push({ name: k, value: `[${v.map((a) => bareReference(a, [name, k])).join(', ')}]` });
        else fields.push({ name: k, value: await this.value(v, ['terraform', 'required_providers', name, k], '      ', true) });
      }
      requirements.push({ name, value: `{\n${renderBodyLines(fields, '      ')}\n    }` });
    }
    if (requirements.length > 0) {
      body.push(
        blank,
        block(
          'required_providers',
          [],
          requirements.map((r) => attribute(r.name, r.value)),
        ),
      );
    }

    if (backend && backendType) {
      this.backend = { type: backendType, settings: backendSettings };
      body.push(
        blank,
        block('backend', [backendType], await this.attributes(backendSettings, ['terraform', 'backend', backendType], '    ')),
      );
    }
    for (const [k, v] of Object.entries(t)) {
      if (['backend', 'required_providers', 'required_version', '//'].includes(k)) continue;
      if (k === 'cloud')
        body.push(
          blank,
          block('cloud', [], await this.body(asObject(v, ['terraform', k]), CLOUD_SCHEMA, ['terraform', k], '    ', 'nested')),
        );
      else body.push(attribute(k, await this.value(v, ['terraform', k], '  ', false)));
    }
    return [block('terraform', [], body)];
  }

  // ---- provider {} ----------------------------------------------------------------------

  private async providerBlocks(value: Json | undefined): Promise<BodyItem[]> {
    const out: BodyItem[] = [];
    for (const [name, configs] of entries(value, ['provider'])) {
      const list = Array.isArray(configs) ? configs : [configs];
      const schema = this.schemas.lookup('provider', name);
      for (const [i, config] of list.entries()) {
        const path = ['provider', name, String(i)];
        const c = asObject(config, path);
        const alias = typeof c['alias'] === 'string' ? c['alias'] : undefined;
        this.providers.push({
          name,
          alias,
          region: typeof c['region'] === 'string' ? c['region'] : undefined,
          source: name,
          version: '(any)',
        });
        // The alias names the configuration, so it leads.
        const ordered: JsonObject = alias === undefined ? c : { alias, ...c };
        out.push(block('provider', [name], await this.body(ordered, schema, path, '  ', 'nested')), blank);
      }
    }
    return out;
  }

  // ---- variable {} ----------------------------------------------------------------------

  private async variableBlocks(value: Json | undefined): Promise<BodyItem[]> {
    const out: BodyItem[] = [];
    for (const [name, raw] of entries(value, ['variable'])) {
      const path = ['variable', name];
      const v = asObject(raw, path);
      const body: BodyItem[] = [];
      const type = v['type'] === undefined ? 'any' : bareReference(v['type'], [...path, 'type']);
      const description = typeof v['description'] === 'string' ? v['description'] : '';
      if (!description)
        throw new HclExportError('usage', `Variable "${name}" has no description; every input of a handed-off module needs one.`);
      const sensitive = v['sensitive'] === true;
      body.push(attribute('type', type), attribute('description', quoteLiteral(description)));
      let defaultText: string | undefined;
      let withheld = false;
      if (v['default'] !== undefined) {
        if (sensitive && this.withholdSensitiveDefaults) {
          withheld = true;
          this.refinements.push({
            path: [...path, 'default'],
            reason: 'the default of a sensitive variable is a secret; the module takes it as a required input',
          });
        } else {
          defaultText = await this.value(v['default'], [...path, 'default'], '  ', true);
          body.push(attribute('default', defaultText));
        }
      }
      for (const k of ['sensitive', 'nullable', 'ephemeral'])
        if (v[k] !== undefined) body.push(attribute(k, await this.value(v[k]!, [...path, k], '  ', true)));
      const validations: string[] = [];
      for (const [i, rule] of asList(v['validation']).entries()) {
        const r = asObject(rule, [...path, 'validation', String(i)]);
        const errorMessage = typeof r['error_message'] === 'string' ? r['error_message'] : '';
        validations.push(errorMessage);
        body.push(blank, block('validation', [], await this.attributes(r, [...path, 'validation', String(i)], '    ')));
      }
      for (const [k, val] of Object.entries(v)) {
        if (['type', 'description', 'default', 'sensitive', 'nullable', 'ephemeral', 'validation', '//'].includes(k)) continue;
        body.push(attribute(k, await this.value(val, [...path, k], '  ', false)));
      }
      this.variables.push({ name, type, description, default: defaultText, sensitive, withheld, validations });
      out.push(block('variable', [name], body), blank);
    }
    return out;
  }

  // ---- output {} ------------------------------------------------------------------------

  private async outputBlocks(value: Json | undefined): Promise<BodyItem[]> {
    const out: BodyItem[] = [];
    for (const [name, raw] of entries(value, ['output'])) {
      const path = ['output', name];
      const o = asObject(raw, path);
      const description = typeof o['description'] === 'string' ? o['description'] : '';
      if (!description)
        throw new HclExportError('usage', `Output "${name}" has no description; every output of a handed-off module needs one.`);
      const body: BodyItem[] = [attribute('description', quoteLiteral(description))];
      body.push(attribute('value', await this.value(o['value'] ?? null, [...path, 'value'], '  ', false)));
      for (const [k, v] of Object.entries(o)) {
        if (['description', 'value', '//'].includes(k)) continue;
        if (k === 'depends_on') body.push(attribute(k, referenceList(v, [...path, k])));
        else if (k === 'precondition')
          for (const [i, c] of asList(v).entries())
            body.push(blank, block(k, [], await this.attributes(asObject(c, [...path, k, String(i)]), [...path, k, String(i)], '    ')));
        else body.push(attribute(k, await this.value(v, [...path, k], '  ', false)));
      }
      this.outputs.push({ name, description, sensitive: o['sensitive'] === true });
      out.push(block('output', [name], body), blank);
    }
    return out;
  }
}

/** `~> MAJOR.MINOR` for an exact version pin (any 6.x from 6.25 on, for 6.25.0); other constraints pass through. */
export function pessimisticConstraint(version: string): string {
  const m = /^=?\s*(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  return m ? `~> ${m[1]}.${m[2]}` : version;
}
