/**
 * The synthesized stack as JSON, the way Terraform reads it: reading cdk.tf.json and tfvars files,
 * resolving `${var.*}` references from the variables' defaults and the tfvars, and the block helpers
 * the edge and service rules share.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { isPlainObject } from '../../core/json.js';
import { ALL_METHODS, type IntRange } from '../../core/aws-facts.js';
import { StackRulesError } from './errors.js';

export type Json = unknown;
export type JsonObject = Record<string, Json>;

/** The shared plain-object test, typed for the stack's JSON. */
export const isObject: (v: unknown) => v is JsonObject = isPlainObject;

/** Reads a cdk.tf.json file; throws a usage error saying how to produce it. */
export async function readTfJson(path: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new StackRulesError(
      'cdk.tf.json',
      path,
      `a readable synthesized stack (${(e as NodeJS.ErrnoException).code ?? String(e)}); run \`npm run synth\` first`,
      path,
    );
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new StackRulesError('cdk.tf.json', path, `valid JSON (${(e as Error).message}); synthesize the stack again`, path);
  }
  if (!isObject(parsed)) throw new StackRulesError('(root)', parsed, 'a JSON object', path);
  return parsed;
}

/** Reads variable values from a tfvars file: JSON when it ends in .json, HCL otherwise. */
export async function readTfvars(path: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new StackRulesError('tfvars', path, `a readable tfvars file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, path);
  }
  let parsed: Json;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : await parseHcl(path, text);
  } catch (e) {
    throw new StackRulesError('tfvars', path, `valid ${path.endsWith('.json') ? 'JSON' : 'HCL'} (${(e as Error).message})`, path);
  }
  if (!isObject(parsed)) throw new StackRulesError('(root)', parsed, 'an object of variable names and values', path);
  for (const [name, value] of Object.entries(parsed)) {
    if (containsInterpolation(value)) {
      throw new StackRulesError(name, value, 'a literal value (tfvars files cannot hold references or expressions)', path);
    }
  }
  return parsed;
}

/** Variable values: tfvars over defaults, and the resolution of `${var.*}` references. */
export class Variables {
  private readonly values = new Map<string, Json>();
  private readonly declared: JsonObject;

  constructor(
    tf: JsonObject,
    tfvars: JsonObject | undefined,
    private readonly file: string,
    tfvarsPath: string | undefined,
    warnings: string[],
  ) {
    this.declared = isObject(tf.variable) ? tf.variable : {};
    for (const [name, decl] of Object.entries(this.declared)) {
      if (isObject(decl) && 'default' in decl) this.values.set(name, decl.default);
    }
    for (const [name, value] of Object.entries(tfvars ?? {})) {
      if (!(name in this.declared)) {
        warnings.push(`${tfvarsPath}: value for undeclared variable "${name}" ignored`);
        continue;
      }
      this.values.set(name, value);
    }
  }

  /** Resolves `${var.x}` (keeping the variable's type) and `${var.x}` inside strings; other references throw. */
  resolve(value: Json, field: string): Json {
    if (typeof value === 'string') {
      const whole = /^\$\{\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}$/.exec(value);
      if (whole) return this.lookup(whole[1]!, field);
      if (!value.includes('${')) return value;
      return value.replace(/\$\{([^}]*)\}/g, (_m, expr: string) => {
        const ref = /^\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*$/.exec(expr);
        if (!ref) {
          throw new StackRulesError(
            field,
            value,
            'a literal or a ${var.<name>} reference (the local world does not evaluate other expressions)',
            this.file,
          );
        }
        const v = this.lookup(ref[1]!, field);
        if (typeof v === 'object' && v !== null) {
          throw new StackRulesError(
            field,
            value,
            `a reference to a string or number variable; var.${ref[1]} is ${JSON.stringify(v)}`,
            this.file,
          );
        }
        return String(v);
      });
    }
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${field}[${i}]`));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v, `${field}.${k}`)]));
    return value;
  }

  string(value: Json, field: string): string {
    const v = this.resolve(value, field);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new StackRulesError(field, v, 'a string', this.file);
  }

  /** An integer inside an AWS range; a missing value takes the range's AWS default. */
  int(value: Json, field: string, { min, max, default: fallback }: IntRange): number {
    if (value === undefined || value === null) {
      if (fallback === undefined) throw new StackRulesError(field, value, `an integer from ${min} to ${max}`, this.file);
      return fallback;
    }
    const v = this.resolve(value, field);
    const n = typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new StackRulesError(field, v, `an integer from ${min} to ${max}`, this.file);
    }
    return n;
  }

  methods(value: Json, field: string): string[] {
    const v = this.resolve(value, field);
    const allowed: readonly string[] = ALL_METHODS;
    if (!Array.isArray(v) || v.length === 0 || v.some((m) => typeof m !== 'string' || !allowed.includes(m.toUpperCase()))) {
      throw new StackRulesError(field, v, `a non-empty list of methods from ${allowed.join(', ')}`, this.file);
    }
    return v.map((m) => (m as string).toUpperCase());
  }

  private lookup(name: string, field: string): Json {
    if (!(name in this.declared)) {
      throw new StackRulesError(field, `\${var.${name}}`, `a declared variable; var.${name} is not declared in the stack`, this.file);
    }
    if (!this.values.has(name)) {
      throw new StackRulesError(
        field,
        `\${var.${name}}`,
        `a value for var.${name}: it has no default, so set it in a tfvars file`,
        this.file,
      );
    }
    return this.values.get(name);
  }
}

/** The region of the aws provider a resource names (`aws.<alias>`, or the default provider). */
export function providerRegion(tf: JsonObject, vars: Variables, provider: Json): string | undefined {
  const alias = typeof provider === 'string' && provider.startsWith('aws.') ? provider.slice(4) : undefined;
  const aws = isObject(tf.provider) ? tf.provider.aws : undefined;
  const configs = Array.isArray(aws) ? aws : isObject(aws) ? [aws] : [];
  const cfg = configs.find((c) => isObject(c) && (alias === undefined ? c.alias === undefined : c.alias === alias));
  if (!isObject(cfg)) return undefined;
  try {
    return vars.string(cfg.region, 'provider.aws.region');
  } catch {
    return undefined;
  }
}

export function objectAt(v: Json, field: string, file: string): JsonObject {
  if (!isObject(v)) throw new StackRulesError(field, v, 'an object', file);
  return v;
}

/** A nested block, which Terraform JSON writes as an object or a list of objects. */
export function blocks(v: Json, field: string, file: string): JsonObject[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((b, i) => objectAt(b, `${field}[${i}]`, file));
}

export function singleBlock(v: Json, field: string, file: string): JsonObject {
  const list = blocks(v, field, file);
  if (list.length !== 1) throw new StackRulesError(field, v, 'exactly one block', file);
  return list[0]!;
}

export function containsInterpolation(v: Json): boolean {
  if (typeof v === 'string') return v.includes('${');
  if (Array.isArray(v)) return v.some(containsInterpolation);
  if (isObject(v)) return Object.values(v).some(containsInterpolation);
  return false;
}
