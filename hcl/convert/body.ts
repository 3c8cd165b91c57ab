/**
 * Bodies of blocks and values, Terraform JSON to native HCL: which keys are meta-arguments,
 * blocks (from the provider schema, ./schema.ts) or attributes, and how each value is spelled.
 * ./convert.ts builds the module's files on top of it.
 */
import { isPlainObject } from '../../core/json.js';
import { HclExportError } from '../errors.js';
import { alignedLines, isBareKey, renderExpression } from '../expression.js';
import { ATTRIBUTES_ONLY, type BlockSchema, type SchemaKind, type SchemaRegistry } from '../schema.js';
import { loneInterpolation, quoteLiteral, quoteTemplate } from '../template.js';
import { attribute, blank, block, comment, type BodyItem } from '../writer.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export abstract class BodyWriter {
  constructor(
    protected readonly schemas: SchemaRegistry,
    /** Comments written before items, by path joined with ".". */
    protected readonly comments: ReadonlyMap<string, string>,
  ) {}

  // ---- bodies ---------------------------------------------------------------------------

  /**
   * A block body. `kind` says which meta-arguments it may hold: resources and data sources
   * (count, for_each, provider, depends_on, lifecycle, provisioner, connection), modules
   * (also providers, source), moved/import/removed (references), or none ('nested').
   */
  protected async body(
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

  protected async dynamicBlock(
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

  protected async lifecycle(obj: JsonObject, path: readonly string[], indent: string): Promise<BodyItem[]> {
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
  protected async attributes(obj: JsonObject, path: readonly string[], indent: string): Promise<BodyItem[]> {
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
  protected async value(v: Json, path: readonly string[], indent: string, literal: boolean): Promise<string> {
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
}

// Schemas of Terraform's own nested blocks that hold blocks.
export const CLOUD_SCHEMA: BlockSchema = { blocks: new Map([['workspaces', ATTRIBUTES_ONLY]]), attributes: new Set() };
export const PROVISIONER_SCHEMA: BlockSchema = { blocks: new Map([['connection', ATTRIBUTES_ONLY]]), attributes: new Set() };

/** A reference or keyword written bare: "aws.primary" and "${aws.primary}" both give aws.primary. */
export function bareReference(v: Json | undefined, path: readonly string[]): string {
  if (typeof v !== 'string') throw new HclExportError('usage', `${path.join('.')} must be a reference string, got ${JSON.stringify(v)}.`);
  const lone = v.startsWith('${') ? loneInterpolation(v) : v;
  if (lone === undefined || !/^[A-Za-z_][\w-]*(?:\[[^\]]+\]|\.[A-Za-z_][\w-]*|\([^()]*(?:\([^()]*\)[^()]*)*\))*$/.test(lone.trim())) {
    throw new HclExportError('usage', `${path.join('.')} must be a reference or type such as aws.primary, got ${JSON.stringify(v)}.`);
  }
  return lone.trim();
}

export function referenceList(v: Json | undefined, path: readonly string[]): string {
  const items = asList(v ?? []).map((x, i) => bareReference(x, [...path, String(i)]));
  return `[${items.join(', ')}]`;
}

/** An object key, quoted when it is not an identifier. */
export function objectKey(k: string): string {
  return isBareKey(k) ? k : quoteLiteral(k);
}

export function renderBodyLines(fields: readonly { name: string; value: string }[], indent: string): string {
  return alignedLines(fields, indent).join('\n');
}

/** The shared plain-object test, typed for this file's JSON. */
export const isObject: (v: unknown) => v is JsonObject = isPlainObject;

export function asObject(v: Json | undefined, path: readonly string[]): JsonObject {
  if (!isObject(v)) throw new HclExportError('usage', `${path.join('.')} must be a JSON object, got ${JSON.stringify(v)?.slice(0, 80)}.`);
  return v;
}

export function asList(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function entries(v: Json | undefined, path: readonly string[]): [string, Json][] {
  if (v === undefined) return [];
  return Object.entries(asObject(v, path)).filter(([k]) => k !== '//');
}
