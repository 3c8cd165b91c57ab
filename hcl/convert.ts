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
import { HclExportError } from './errors.js';
import { alignedLines, isBareKey, renderExpression } from './expression.js';
import { ATTRIBUTES_ONLY, SchemaRegistry, type BlockSchema, type SchemaKind } from './schema.js';
import { loneInterpolation, quoteLiteral, quoteTemplate } from './template.js';
import { attribute, blank, block, comment, renderFile, type BodyItem } from './writer.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Oldest Terraform the exported module declares, unless a feature it uses needs a newer one. */
export const BASE_TERRAFORM_VERSION = '1.5.0';
/** S3-native state locking (`use_lockfile`) arrived in Terraform 1.10. */
export const S3_LOCKFILE_TERRAFORM_VERSION = '1.10.0';

/** The module's files, in the order a reader meets them. */
export const MODULE_FILES = ['versions.tf', 'providers.tf', 'variables.tf', 'main.tf', 'outputs.tf'] as const;
export const TFVARS_EXAMPLE = 'terraform.tfvars.example';
export const README = 'README.md';

export interface ConvertOptions {
  /**
   * Leave the defaults of sensitive variables out of the module (they become required inputs),
   * so secrets are not handed over in code.
   * @default true
   */
  readonly withholdSensitiveDefaults?: boolean;
  /** @default - looked up in the installed @cdktf/provider-* bindings */
  readonly schemas?: SchemaRegistry;
  /**
   * Comments written before items, by path joined with "." (e.g. "locals.probe_app_base64").
   * @default - none
   */
  readonly comments?: ReadonlyMap<string, string>;
}

/** A place where the module deliberately differs from cdk.tf.json, and why. */
export interface Refinement {
  /** Path in Terraform JSON terms, e.g. ['terraform', 'required_version']. */
  readonly path: readonly string[];
  readonly reason: string;
}

export interface VariableDoc {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  /** The default as HCL, or undefined when the variable is required. */
  readonly default?: string;
  readonly sensitive: boolean;
  /** The default was withheld because the variable is sensitive. */
  readonly withheld: boolean;
  readonly validations: readonly string[];
}

export interface OutputDoc {
  readonly name: string;
  readonly description: string;
  readonly sensitive: boolean;
}

export interface ProviderDoc {
  readonly name: string;
  readonly alias?: string;
  readonly region?: string;
  readonly source: string;
  readonly version: string;
}

export interface ConvertedModule {
  /** File name -> content (the .tf files and terraform.tfvars.example; README comes from ./readme.ts). */
  readonly files: ReadonlyMap<string, string>;
  readonly refinements: readonly Refinement[];
  readonly requiredVersion: string;
  readonly providers: readonly ProviderDoc[];
  readonly variables: readonly VariableDoc[];
  readonly outputs: readonly OutputDoc[];
  /** `type.name` of every resource and data source, in file order. */
  readonly resources: readonly string[];
  readonly backend: { readonly type: string; readonly settings: Readonly<Record<string, Json>> } | undefined;
}

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

class Converter {
  private readonly refinements: Refinement[] = [];
  private readonly providers: ProviderDoc[] = [];
  private readonly variables: VariableDoc[] = [];
  private readonly outputs: OutputDoc[] = [];
  private readonly resources: string[] = [];
  private backend: ConvertedModule['backend'];
  private requiredVersion = BASE_TERRAFORM_VERSION;

  constructor(
    private readonly schemas: SchemaRegistry,
    private readonly withholdSensitiveDefaults: boolean,
    private readonly comments: ReadonlyMap<string, string>,
  ) {}

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
    files.set(TFVARS_EXAMPLE, this.tfvarsExample());
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

  // ---- bodies ---------------------------------------------------------------------------

  /**
   * A block body. `kind` says which meta-arguments it may hold: resources and data sources
   * (count, for_each, provider, depends_on, lifecycle, provisioner, connection), modules
   * (also providers, source), moved/import/removed (references), or none ('nested').
   */
  private async body(
    obj: JsonObject,
    schema: BlockSchema,
    path: readonly string[],
    indent: string,
    kind: SchemaKind | 'module' | 'nested' | 'moved' | 'import' | 'removed' | 'check',
  ): Promise<BodyItem[]> {
    const meta: BodyItem[] = [];
    const attrs: BodyItem[] = [];
    const blocks: BodyItem[] = [];
    const trailing: BodyItem[] = [];
    const tags: BodyItem[] = [];
    const isResource = kind === 'resource' || kind === 'data' || kind === 'module';
    for (const [key, value] of Object.entries(obj)) {
      const here = [...path, key];
      if (key === '//') continue;
      if (kind === 'module' && key === 'source') {
        meta.unshift(attribute(key, await this.value(value, here, indent, true)));
      } else if (isResource && (key === 'count' || key === 'for_each')) {
        meta.push(attribute(key, await this.value(value, here, indent, false)));
      } else if (isResource && key === 'provider') {
        meta.push(attribute(key, bareReference(value, here)));
      } else if (kind === 'module' && key === 'providers') {
        const map = asObject(value, here);
        meta.push(
          attribute(
            key,
            `{\n${renderBodyLines(
              Object.entries(map).map(([k, v]) => ({ name: bareReference(k, [...here, k]), value: bareReference(v, [...here, k]) })),
              `${indent}  `,
            )}\n${indent}}`,
          ),
        );
      } else if (isResource && key === 'depends_on') {
        trailing.push(attribute(key, referenceList(value, here)));
      } else if (isResource && key === 'lifecycle') {
        trailing.unshift(block(key, [], await this.lifecycle(asObject(value, here), here, `${indent}  `)));
      } else if (kind === 'resource' && key === 'provisioner') {
        for (const [i, p] of asList(value).entries()) {
          for (const [ptype, pbody] of Object.entries(asObject(p, [...here, String(i)]))) {
            blocks.push(
              block(
                key,
                [ptype],
                await this.body(
                  asObject(pbody, [...here, String(i), ptype]),
                  PROVISIONER_SCHEMA,
                  [...here, String(i), ptype],
                  `${indent}  `,
                  'nested',
                ),
              ),
            );
          }
        }
      } else if (kind === 'resource' && key === 'connection') {
        blocks.push(block(key, [], await this.attributes(asObject(value, here), here, `${indent}  `)));
      } else if ((kind === 'moved' || kind === 'removed') && (key === 'from' || key === 'to')) {
        attrs.push(attribute(key, bareReference(value, here)));
      } else if (kind === 'import' && (key === 'to' || key === 'provider')) {
        attrs.push(attribute(key, bareReference(value, here)));
      } else if (key === 'dynamic') {
        for (const [name, specs] of Object.entries(asObject(value, here))) {
          for (const [i, spec] of asList(specs).entries()) {
            blocks.push(
              await this.dynamicBlock(
                name,
                asObject(spec, [...here, name, String(i)]),
                schema.blocks.get(name) ?? ATTRIBUTES_ONLY,
                [...here, name, String(i)],
                indent,
              ),
            );
          }
        }
      } else if (schema.blocks.has(key)) {
        const nested = schema.blocks.get(key)!;
        if (typeof value === 'string') {
          throw new HclExportError(
            'usage',
            `${path.join('.')}.${key} is a block in the provider schema but is set from the expression ${JSON.stringify(value)}; use a dynamic block (TerraformIterator.dynamic) instead.`,
          );
        }
        for (const [i, item] of asList(value).entries()) {
          blocks.push(
            block(
              key,
              [],
              await this.body(
                asObject(item, Array.isArray(value) ? [...here, String(i)] : here),
                nested,
                Array.isArray(value) ? [...here, String(i)] : here,
                `${indent}  `,
                'nested',
              ),
            ),
          );
        }
      } else {
        if (!isBareKey(key))
          throw new HclExportError('usage', `${path.join('.')} has the argument "${key}", which is not a valid HCL identifier.`);
        // Tags close the block, before depends_on and lifecycle (terraform-aws-modules style).
        (key === 'tags' || key === 'tags_all' ? tags : attrs).push(attribute(key, await this.value(value, here, indent, false)));
      }
    }
    const out: BodyItem[] = [...meta];
    if (meta.length > 0) out.push(blank);
    out.push(...attrs);
    for (const b of blocks) out.push(blank, b);
    if (tags.length > 0) out.push(blank, ...tags);
    if (trailing.length > 0) out.push(blank, ...trailing);
    return out;
  }

  private async dynamicBlock(
    name: string,
    spec: JsonObject,
    schema: BlockSchema,
    path: readonly string[],
    indent: string,
  ): Promise<BodyItem> {
    const inner = `${indent}  `;
    const body: BodyItem[] = [];
    if (spec['for_each'] === undefined) throw new HclExportError('usage', `${path.join('.')} is a dynamic block without for_each.`);
    body.push(attribute('for_each', await this.value(spec['for_each'], [...path, 'for_each'], inner, false)));
    if (spec['iterator'] !== undefined) body.push(attribute('iterator', bareReference(spec['iterator'], [...path, 'iterator'])));
    if (spec['labels'] !== undefined) body.push(attribute('labels', await this.value(spec['labels'], [...path, 'labels'], inner, false)));
    const content = spec['content'] === undefined ? {} : asObject(spec['content'], [...path, 'content']);
    body.push(blank, block('content', [], await this.body(content, schema, [...path, 'content'], `${inner}  `, 'nested')));
    return block('dynamic', [name], body);
  }

  private async lifecycle(obj: JsonObject, path: readonly string[], indent: string): Promise<BodyItem[]> {
    const out: BodyItem[] = [];
    const blocks: BodyItem[] = [];
    for (const [k, v] of Object.entries(obj)) {
      const here = [...path, k];
      if (k === 'ignore_changes') out.push(attribute(k, v === 'all' ? 'all' : referenceList(v, here)));
      else if (k === 'replace_triggered_by') out.push(attribute(k, referenceList(v, here)));
      else if (k === 'precondition' || k === 'postcondition') {
        for (const [i, c] of asList(v).entries())
          blocks.push(blank, block(k, [], await this.attributes(asObject(c, [...here, String(i)]), [...here, String(i)], `${indent}  `)));
      } else out.push(attribute(k, await this.value(v, here, indent, false)));
    }
    return [...out, ...blocks];
  }

  /** Every key of `obj` as an attribute (a body with no blocks). */
  private async attributes(obj: JsonObject, path: readonly string[], indent: string): Promise<BodyItem[]> {
    const out: BodyItem[] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (k === '//') continue;
      if (!isBareKey(k))
        throw new HclExportError('usage', `${path.join('.')} has the argument "${k}", which is not a valid HCL identifier.`);
      const note = this.comments.get([...path, k].join('.'));
      if (note !== undefined) out.push(blank, comment(note));
      out.push(attribute(k, await this.value(v, [...path, k], indent, false)));
    }
    return out;
  }

  /**
   * A value for a line at `indent`. In literal positions strings are text; elsewhere they are
   * templates, and a lone interpolation is written as its bare expression.
   */
  private async value(v: Json, path: readonly string[], indent: string, literal: boolean): Promise<string> {
    if (v === null) return 'null';
    if (typeof v === 'boolean' || typeof v === 'number') return String(v);
    if (typeof v === 'string') {
      if (literal) return quoteLiteral(v);
      let lone: string | undefined;
      try {
        lone = loneInterpolation(v);
        if (lone === undefined) return quoteTemplate(v);
      } catch (e) {
        throw new HclExportError('usage', `The template at ${path.join('.')} is malformed: ${(e as Error).message}`, { cause: e });
      }
      return renderExpression(lone, indent, path.join('.'));
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const items: string[] = [];
      for (const [i, item] of v.entries()) items.push(await this.value(item, [...path, String(i)], inner, literal));
      const oneLine = `[${items.join(', ')}]`;
      if (!oneLine.includes('\n') && !v.some((x) => isObject(x)) && oneLine.length <= 80) return oneLine;
      return `[\n${items.map((s) => `${inner}${s},`).join('\n')}\n${indent}]`;
    }
    const fields: { name: string; value: string }[] = [];
    for (const [k, item] of Object.entries(v)) {
      if (k === '//') continue;
      const name = !literal && k.includes('${') ? quoteTemplate(k) : objectKey(k);
      fields.push({ name, value: await this.value(item, [...path, k], inner, literal) });
    }
    if (fields.length === 0) return '{}';
    return `{\n${renderBodyLines(fields, inner)}\n${indent}}`;
  }

  // ---- terraform.tfvars.example ---------------------------------------------------------

  private tfvarsExample(): string {
    const lines: string[] = ['# Example inputs. Copy to terraform.tfvars and adjust; the values shown are the defaults.'];
    for (const v of this.variables) {
      lines.push('', ...v.description.split('\n').map((l) => `# ${l}`.trimEnd()));
      // The default was rendered inside a variable block, one level in.
      if (v.default !== undefined) lines.push(`${v.name} = ${v.default.replace(/\n {2}/g, '\n')}`);
      else if (v.sensitive)
        lines.push(`# Sensitive: set it with the TF_VAR_${v.name} environment variable rather than in a file.`, `# ${v.name} = "..."`);
      else lines.push(`# Required (type ${v.type}).`, `# ${v.name} = ...`);
    }
    return `${lines.join('\n')}\n`;
  }
}

// Schemas of Terraform's own nested blocks that hold blocks.
const CLOUD_SCHEMA: BlockSchema = { blocks: new Map([['workspaces', ATTRIBUTES_ONLY]]), attributes: new Set() };
const PROVISIONER_SCHEMA: BlockSchema = { blocks: new Map([['connection', ATTRIBUTES_ONLY]]), attributes: new Set() };

/** `~> MAJOR.MINOR` for an exact version pin (any 6.x from 6.25 on, for 6.25.0); other constraints pass through. */
export function pessimisticConstraint(version: string): string {
  const m = /^=?\s*(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  return m ? `~> ${m[1]}.${m[2]}` : version;
}

/** A reference or keyword written bare: "aws.primary" and "${aws.primary}" both give aws.primary. */
function bareReference(v: Json | undefined, path: readonly string[]): string {
  if (typeof v !== 'string') throw new HclExportError('usage', `${path.join('.')} must be a reference string, got ${JSON.stringify(v)}.`);
  const lone = v.startsWith('${') ? loneInterpolation(v) : v;
  if (lone === undefined || !/^[A-Za-z_][\w-]*(?:\[[^\]]+\]|\.[A-Za-z_][\w-]*|\([^()]*(?:\([^()]*\)[^()]*)*\))*$/.test(lone.trim())) {
    throw new HclExportError('usage', `${path.join('.')} must be a reference or type such as aws.primary, got ${JSON.stringify(v)}.`);
  }
  return lone.trim();
}

function referenceList(v: Json | undefined, path: readonly string[]): string {
  const items = asList(v ?? []).map((x, i) => bareReference(x, [...path, String(i)]));
  return `[${items.join(', ')}]`;
}

/** An object key, quoted when it is not an identifier. */
function objectKey(k: string): string {
  return isBareKey(k) ? k : quoteLiteral(k);
}

function renderBodyLines(fields: readonly { name: string; value: string }[], indent: string): string {
  return alignedLines(fields, indent).join('\n');
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asObject(v: Json | undefined, path: readonly string[]): JsonObject {
  if (!isObject(v)) throw new HclExportError('usage', `${path.join('.')} must be a JSON object, got ${JSON.stringify(v)?.slice(0, 80)}.`);
  return v;
}

function asList(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function entries(v: Json | undefined, path: readonly string[]): [string, Json][] {
  if (v === undefined) return [];
  return Object.entries(asObject(v, path)).filter(([k]) => k !== '//');
}
