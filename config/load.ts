/**
 * Loading order: schema defaults, then an optional JSON config file, then cdktf context,
 * then environment variables. Later sources win; arrays are replaced, objects merged.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPlainObject } from '../core/json.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { configSchema, type EdgeFailoverConfig, type EdgeFailoverConfigInput } from './schema.js';

type Json = unknown;
type Path = readonly string[];

/** Environment variables and the config field each one sets. */
export const ENV_VARS: readonly { name: string; path: Path; kind: 'string' | 'number' | 'list' | 'numberList'; doc: string }[] = [
  { name: 'EDGE_FAILOVER_NAME_PREFIX', path: ['namePrefix'], kind: 'string', doc: 'Prefix for resource names' },
  { name: 'EDGE_FAILOVER_PRIMARY_REGION', path: ['regions', 'primary'], kind: 'string', doc: 'Primary region' },
  { name: 'EDGE_FAILOVER_SECONDARY_REGION', path: ['regions', 'secondary'], kind: 'string', doc: 'Secondary region' },
  { name: 'EDGE_FAILOVER_BACKEND', path: ['service', 'backend'], kind: 'string', doc: 'Compute backend: apprunner or ecs-express' },
  { name: 'EDGE_FAILOVER_IMAGE', path: ['service', 'image', 'identifier'], kind: 'string', doc: 'Container image URI' },
  { name: 'EDGE_FAILOVER_IMAGE_REPOSITORY_TYPE', path: ['service', 'image', 'repositoryType'], kind: 'string', doc: 'ECR_PUBLIC or ECR' },
  {
    name: 'EDGE_FAILOVER_FAILOVER_CODES',
    path: ['failover', 'statusCodes'],
    kind: 'numberList',
    doc: 'Comma-separated failover status codes',
  },
  {
    name: 'EDGE_FAILOVER_CONNECTION_ATTEMPTS',
    path: ['failover', 'connectionAttempts'],
    kind: 'number',
    doc: 'Origin connection attempts',
  },
  {
    name: 'EDGE_FAILOVER_CONNECTION_TIMEOUT',
    path: ['failover', 'connectionTimeoutSeconds'],
    kind: 'number',
    doc: 'Origin connection timeout (s)',
  },
  { name: 'EDGE_FAILOVER_READ_TIMEOUT', path: ['failover', 'readTimeoutSeconds'], kind: 'number', doc: 'Origin read timeout (s)' },
  {
    name: 'EDGE_FAILOVER_ORIGIN_VERIFY_SECRET',
    path: ['failover', 'originVerify', 'secret'],
    kind: 'string',
    doc: 'Secret origin-verify header value',
  },
  { name: 'EDGE_FAILOVER_ALERT_EMAILS', path: ['monitoring', 'alertEmails'], kind: 'list', doc: 'Comma-separated alert email addresses' },
];

/** The environment variable that names a config file. */
export const CONFIG_FILE_ENV = 'EDGE_FAILOVER_CONFIG';
/** The cdktf context key holding a partial config object, and the one naming a config file. */
export const CONTEXT_KEY = 'edgeFailover';
export const CONTEXT_FILE_KEY = 'edgeFailoverConfigFile';

export interface LoadConfigOptions {
  /** A JSON config file. Takes precedence over EDGE_FAILOVER_CONFIG and context. */
  readonly file?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** cdktf context values (app.node.getContext). */
  readonly context?: (key: string) => unknown;
  /** Applied last, e.g. from tests or CLI flags. */
  readonly overrides?: EdgeFailoverConfigInput;
  /** Base directory for a relative config file path. @default process.cwd() */
  readonly cwd?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): EdgeFailoverConfig {
  const env = options.env ?? process.env;
  const sources = new Map<string, string>();
  let merged: Record<string, Json> = {};

  const ctxFile = options.context?.(CONTEXT_FILE_KEY);
  const file = options.file ?? env[CONFIG_FILE_ENV] ?? (typeof ctxFile === 'string' ? ctxFile : undefined);
  if (file) {
    const path = resolve(options.cwd ?? process.cwd(), file);
    merged = mergeTracked(merged, readConfigFile(path), `file ${file}`, sources);
  }

  const ctx = options.context?.(CONTEXT_KEY);
  if (ctx !== undefined) {
    const parsed = typeof ctx === 'string' ? parseJson(ctx, `context ${CONTEXT_KEY}`) : ctx;
    if (!isPlainObject(parsed)) {
      throw new ConfigError([{ field: CONTEXT_KEY, value: ctx, allowed: 'a JSON object of config fields', source: 'cdktf context' }]);
    }
    merged = mergeTracked(merged, parsed, `cdktf context ${CONTEXT_KEY}`, sources);
  }

  for (const v of ENV_VARS) {
    const raw = env[v.name];
    if (raw === undefined || raw === '') continue;
    merged = mergeTracked(merged, nest(v.path, fromEnv(raw, v.kind)), `env ${v.name}`, sources);
  }

  if (options.overrides) merged = mergeTracked(merged, options.overrides as Record<string, Json>, 'overrides', sources);
  return parseConfig(merged, sources);
}

/** Validates a raw config object. Throws ConfigError naming every bad field. */
export function parseConfig(raw: unknown, sources: ReadonlyMap<string, string> = new Map()): EdgeFailoverConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const problems: ConfigProblem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = [...issue.path.map(String), key].join('.');
        problems.push({
          field,
          value: lookup(raw, [...issue.path.map(String), key]),
          allowed: 'a known field (this is an unknown field; check the spelling against the configuration table in README.md)',
          source: sourceOf(sources, field),
        });
      }
      continue;
    }
    const field = issue.path.map(String).join('.') || '(root)';
    const given = lookup(raw, issue.path.map(String));
    const value = issue.code === 'custom' || given === undefined ? issue.input : given;
    // The schema's messages are the text after "allowed: "; zod's own wording is kept as it is.
    const allowed = issue.message.replace(/^allowed:\s*/, '');
    problems.push({ field, value, allowed, source: sourceOf(sources, field) });
  }
  throw new ConfigError(problems);
}

function readConfigFile(path: string): Record<string, Json> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([
      { field: 'configFile', value: path, allowed: `a readable JSON file (${(e as NodeJS.ErrnoException).code ?? String(e)})` },
    ]);
  }
  const parsed = parseJson(text, `file ${path}`);
  if (!isPlainObject(parsed)) throw new ConfigError([{ field: 'configFile', value: path, allowed: 'a JSON object at the top level' }]);
  return parsed;
}

function parseJson(text: string, where: string): Json {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError([{ field: 'configFile', value: where, allowed: `valid JSON (${(e as Error).message})` }]);
  }
}

function fromEnv(raw: string, kind: 'string' | 'number' | 'list' | 'numberList'): Json {
  const num = (s: string) => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : s.trim());
  switch (kind) {
    case 'string':
      return raw;
    case 'number':
      return num(raw);
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'numberList':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(num);
  }
}

function nest(path: Path, value: Json): Record<string, Json> {
  return path.reduceRight<Json>((acc, key) => ({ [key]: acc }), value) as Record<string, Json>;
}

function mergeTracked(
  base: Record<string, Json>,
  over: Record<string, Json>,
  source: string,
  sources: Map<string, string>,
  prefix = '',
): Record<string, Json> {
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const field = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && isPlainObject(out[k])) {
      out[k] = mergeTracked(out[k] as Record<string, Json>, v, source, sources, field);
    } else {
      out[k] = v;
      if (!isPlainObject(v)) sources.set(field, source);
    }
    if (isPlainObject(v)) markSources(v, field, source, sources);
  }
  return out;
}

function markSources(obj: Record<string, Json>, prefix: string, source: string, sources: Map<string, string>): void {
  for (const [k, v] of Object.entries(obj)) {
    const field = `${prefix}.${k}`;
    sources.set(field, source);
    if (isPlainObject(v)) markSources(v, field, source, sources);
  }
}

function sourceOf(sources: ReadonlyMap<string, string>, field: string): string | undefined {
  for (let f = field; f; f = f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : '') {
    const s = sources.get(f);
    if (s) return s;
  }
  return undefined;
}

function lookup(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
