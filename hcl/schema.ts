/**
 * Which nested values of a resource are blocks and which are attributes.
 *
 * Terraform's JSON syntax writes both as JSON objects and arrays; native HCL must write a block
 * as `origin { ... }` and an attribute as `tags = { ... }`. The provider schema decides, and
 * offline the prebuilt provider bindings (@cdktf/provider-<name>) carry it: every generated
 * class has `synthesizeHclAttributes()` and every nested type a `<type>ToHclTerraform()` mapper,
 * each of which labels its fields with `isBlock`. We run those mappers on a probe value that
 * answers every field, so the binding itself reports its own tree of blocks.
 */
import { createRequire } from 'node:module';
import { HclExportError } from './errors.js';

/** One level of a schema: the fields that are blocks, each with its own nested schema. */
export interface BlockSchema {
  /** Field name -> nested schema, for fields that are blocks. */
  readonly blocks: ReadonlyMap<string, BlockSchema>;
  /** Field names that are attributes (maps, lists, objects or scalars written with `=`). */
  readonly attributes: ReadonlySet<string>;
}

/** A schema with no blocks: every nested value is written as an attribute. */
export const ATTRIBUTES_ONLY: BlockSchema = { blocks: new Map(), attributes: new Set() };

export type SchemaKind = 'resource' | 'data' | 'provider';

interface HclAttr {
  readonly value: unknown;
  readonly isBlock?: boolean;
}

/**
 * Looks schemas up in the installed provider bindings and remembers them. One registry per
 * export; it loads only the binding modules of the types a stack uses.
 */
export class SchemaRegistry {
  private readonly cache = new Map<string, BlockSchema>();
  private readonly require = createRequire(import.meta.url);

  /**
   * @param type resource or data source type (`aws_cloudfront_distribution`), or the provider
   *   name (`aws`) for kind 'provider'.
   */
  lookup(kind: SchemaKind, type: string): BlockSchema {
    const key = `${kind}:${type}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const schema = this.load(kind, type);
    this.cache.set(key, schema);
    return schema;
  }

  private load(kind: SchemaKind, type: string): BlockSchema {
    const provider = kind === 'provider' ? type : type.split('_')[0]!;
    const pkg = `@cdktf/provider-${provider}`;
    const rest = type.slice(provider.length + 1).replace(/_/g, '-');
    const dir = kind === 'provider' ? 'provider' : kind === 'data' ? `data-${provider}-${rest}` : rest;
    let mod: Record<string, unknown>;
    try {
      mod = this.require(`${pkg}/lib/${dir}/index.js`) as Record<string, unknown>;
    } catch (e) {
      throw new HclExportError(
        'usage',
        `No provider schema for ${kind} "${type}": ${pkg}/lib/${dir} could not be loaded (${(e as Error).message.split('\n')[0]}). ` +
          `Install the prebuilt binding ${pkg} so the export can tell blocks from attributes.`,
      );
    }
    const expected = kind === 'provider' ? provider : type;
    const cls = Object.values(mod).find(
      (v): v is { prototype: { synthesizeHclAttributes?: () => Record<string, HclAttr> } } =>
        typeof v === 'function' && (v as unknown as { tfResourceType?: string }).tfResourceType === expected,
    );
    const synth = cls?.prototype.synthesizeHclAttributes;
    if (!synth) {
      throw new HclExportError(
        'usage',
        `No provider schema for ${kind} "${type}": ${pkg}/lib/${dir} has no class with tfResourceType "${expected}".`,
      );
    }
    return schemaOf(synth.call(probe()));
  }
}

/** Turns the output of a binding's HCL mapper into a schema tree. */
function schemaOf(attrs: Record<string, HclAttr>): BlockSchema {
  const blocks = new Map<string, BlockSchema>();
  const attributes = new Set<string>();
  for (const [name, attr] of Object.entries(attrs)) {
    if (attr.isBlock) {
      const inner = Array.isArray(attr.value) ? attr.value[0] : attr.value;
      blocks.set(name, isMapperOutput(inner) ? schemaOf(inner) : ATTRIBUTES_ONLY);
    } else {
      attributes.add(name);
    }
  }
  return { blocks, attributes };
}

function isMapperOutput(v: unknown): v is Record<string, HclAttr> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const values = Object.values(v);
  return values.length > 0 && values.every((a) => typeof a === 'object' && a !== null && 'isBlock' in a);
}

/**
 * A value that answers every field with itself and is also a one-element list of itself,
 * so list, set and single-block mappers all descend into their nested types.
 */
function probe(): unknown {
  const target: unknown[] = [undefined];
  const proxy: unknown = new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === '0') return receiver;
      if (typeof prop === 'symbol' || prop === 'length' || prop in Array.prototype) return Reflect.get(t, prop, receiver);
      return receiver;
    },
  });
  return proxy;
}
