/**
 * The App Runner API model (botocore's service-2.json, the authority for shapes, enums,
 * ranges and patterns) and a validator driven by it: required members, enums, string
 * lengths and patterns, numeric ranges, list and map sizes. Nothing here is hand-listed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, { readonly shape: string }>>;
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
}

export interface ServiceModel {
  readonly path: string;
  readonly metadata: { readonly targetPrefix: string; readonly apiVersion: string };
  readonly operations: Readonly<Record<string, { readonly input?: { shape: string }; readonly output?: { shape: string } }>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

/** Where botocore keeps the model: APPRUNNER_MODEL, else the image Python's botocore. */
export function findAppRunnerModel(): string | { readonly reason: string } {
  const explicit = process.env['APPRUNNER_MODEL'];
  if (explicit) return existsSync(explicit) ? explicit : { reason: `APPRUNNER_MODEL=${explicit} does not exist` };
  let dir: string;
  try {
    dir = execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      timeout: 20_000,
    }).trim();
  } catch (e) {
    return { reason: `python3 with botocore is not available (${(e as Error).message.split('\n')[0]})` };
  }
  for (const f of ['service-2.json.gz', 'service-2.json']) {
    const p = join(dir, 'data', 'apprunner', '2020-05-15', f);
    if (existsSync(p)) return p;
  }
  return { reason: `botocore at ${dir} has no apprunner 2020-05-15 model` };
}

export function loadModel(path: string): ServiceModel {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return { path, ...(JSON.parse(text) as Omit<ServiceModel, 'path'>) };
}

/** One failed constraint, in the words AWS's validation uses. */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

const patterns = new Map<string, RegExp | null>();
function patternOf(p: string): RegExp | null {
  if (!patterns.has(p)) {
    try {
      // Service-side validation matches the whole value.
      patterns.set(p, new RegExp(`^(?:${p})$`, 's'));
    } catch {
      patterns.set(p, null);
    }
  }
  return patterns.get(p)!;
}

const show = (v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length} characters)` : JSON.stringify(v));

/** Validates a value against a shape of the model. */
export function validate(model: ServiceModel, shapeName: string, value: unknown, path = ''): Violation[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [];
  const out: Violation[] = [];
  const at = path || shapeName;
  const fail = (message: string) => out.push({ path: at, message: `Value ${show(value)} at '${at}' failed to satisfy constraint: ${message}` });
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail('Member must be a structure');
        break;
      }
      const obj = value as Record<string, unknown>;
      for (const r of shape.required ?? []) {
        if (obj[r] === undefined || obj[r] === null)
          out.push({ path: `${path ? `${path}.` : ''}${r}`, message: `Value null at '${path ? `${path}.` : ''}${r}' failed to satisfy constraint: Member must not be null` });
      }
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        if (obj[name] === undefined || obj[name] === null) continue;
        out.push(...validate(model, m.shape, obj[name], `${path ? `${path}.` : ''}${name}`));
      }
      break;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        fail('Member must be a list');
        break;
      }
      if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      value.forEach((v, i) => out.push(...validate(model, shape.member!.shape, v, `${at}.${i + 1}.member`)));
      break;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail('Member must be a map');
        break;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      for (const [k, v] of entries) {
        out.push(...validate(model, shape.key!.shape, k, `${at}.key`));
        out.push(...validate(model, shape.value!.shape, v, `${at}.${k}`));
      }
      break;
    }
    case 'string': {
      if (typeof value !== 'string') {
        fail('Member must be a string');
        break;
      }
      if (shape.enum && !shape.enum.includes(value)) fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      const re = shape.pattern === undefined ? null : patternOf(shape.pattern);
      if (re && !re.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      break;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || (shape.type !== 'float' && shape.type !== 'double' && !Number.isInteger(value))) {
        fail(`Member must be a${shape.type === 'integer' ? 'n' : ''} ${shape.type}`);
        break;
      }
      if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('Member must be a boolean');
      break;
    default:
      break;
  }
  return out;
}

/** Validates an operation's input. */
export function validateInput(model: ServiceModel, operation: string, input: unknown): Violation[] {
  const shape = model.operations[operation]?.input?.shape;
  return shape ? validate(model, shape, input) : [];
}
