/**
 * Loading order: schema defaults, then an optional JSON config file, then cdktf context,
 * then environment variables. Later sources win; arrays are replaced, objects merged.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isSecretField } from '../core/errors.js';
import { isPlainObject } from '../core/json.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { configSchema, type EdgeFailoverConfig, type EdgeFailoverConfigInput } from './schema.js';
import { didYouMean, fieldsAt } from './suggest.js';
import { houseWording } from './wording.js';

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
  /** Where warnings go (unknown EDGE_FAILOVER_* variables). @default a line on stderr */
  readonly warn?: (message: string) => void;
}

/** Keys that would reach an object's prototype when merged: refused anywhere in the input. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
/** How deep a config may nest (the schema's deepest field is 3 levels down; a little room for mistakes). */
export const MAX_CONFIG_DEPTH = 16;
/** The environment variable prefix the config reads. */
export const ENV_PREFIX = 'EDGE_FAILOVER_';

export function loadConfig(options: LoadConfigOptions = {}): EdgeFailoverConfig {
  const env = options.env ?? process.env;
  const warn = options.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  const sources = new Map<string, string>();
  let merged: Record<string, Json> = {};

  const ctxFile = options.context?.(CONTEXT_FILE_KEY);
  if (ctxFile !== undefined && (typeof ctxFile !== 'string' || ctxFile === '')) {
    throw new ConfigError([
      { field: CONTEXT_FILE_KEY, value: ctxFile, allowed: 'the path of a JSON config file, as a string', source: 'cdktf context' },
    ]);
  }
  const file = options.file ?? env[CONFIG_FILE_ENV] ?? ctxFile;
  if (file) {
    const path = resolve(options.cwd ?? process.cwd(), file);
    const source = `file ${file}`;
    merged = mergeTracked(merged, checked(readConfigFile(path, source), source), source, sources);
  }

  const ctx = options.context?.(CONTEXT_KEY);
  if (ctx !== undefined) {
    const source = `cdktf context ${CONTEXT_KEY}`;
    const parsed = typeof ctx === 'string' ? parseJson(ctx, CONTEXT_KEY, 'cdktf context') : ctx;
    if (!isPlainObject(parsed)) {
      throw new ConfigError([{ field: CONTEXT_KEY, value: ctx, allowed: 'a JSON object of config fields', source: 'cdktf context' }]);
    }
    merged = mergeTracked(merged, checked(parsed, source), source, sources);
  }

  const known = new Set([CONFIG_FILE_ENV, ...ENV_VARS.map((v) => v.name)]);
  const unknown = Object.keys(env)
    .filter((k) => k.startsWith(ENV_PREFIX) && !known.has(k))
    .sort();
  for (const name of unknown) {
    const meant = didYouMean(name, [...known]);
    warn(
      `Warning: ${name} is not a variable edge-failover reads, and is ignored (${meant === undefined ? '' : `did you mean ${meant}? `}known: ${[...known].sort().join(', ')})`,
    );
  }

  for (const v of ENV_VARS) {
    const raw = env[v.name];
    if (raw === undefined || raw === '') continue;
    merged = mergeTracked(merged, nest(v.path, fromEnv(raw, v.kind)), `env ${v.name}`, sources);
  }

  if (options.overrides) merged = mergeTracked(merged, checked(options.overrides, 'overrides'), 'overrides', sources);
  return parseConfig(merged, sources);
}

/**
 * Refuses, before any merging, what no config field can hold: keys that reach an object's
 * prototype, and nesting deeper than MAX_CONFIG_DEPTH. Walks without recursion, so any depth of
 * input ends in this one message, not a stack overflow.
 */
export function checked(value: unknown, source: string): Record<string, Json> {
  const problems: ConfigProblem[] = [];
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: [] }];
  let tooDeep = false;
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (!isPlainObject(v) && !Array.isArray(v)) continue;
    if (path.length >= MAX_CONFIG_DEPTH) {
      if (!tooDeep) {
        problems.push({
          field: `${fieldName(path.slice(0, 3))}...`,
          value: `(nested more than ${MAX_CONFIG_DEPTH} levels)`,
          allowed: `at most ${MAX_CONFIG_DEPTH} levels of nesting (the deepest config field is 3 levels down)`,
          source,
        });
      }
      tooDeep = true;
      continue;
    }
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [k, x] of entries) {
      if (!Array.isArray(v) && (PROTOTYPE_KEYS as readonly string[]).includes(k)) {
        problems.push({
          field: fieldName([...path, k]),
          value: '(not shown)',
          redact: true,
          allowed: `a config field name (${PROTOTYPE_KEYS.join(', ')} are refused anywhere: they would reach the prototype of an object)`,
          source,
        });
        continue;
      }
      stack.push({ v: x, path: [...path, k] });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return value as Record<string, Json>;
}

/** Validates a raw config object. Throws ConfigError naming every bad field, once each. */
export function parseConfig(raw: unknown, sources: ReadonlyMap<string, string> = new Map()): EdgeFailoverConfig {
  const result = configSchema.safeParse(raw, { reportInput: true, error: CONFIG_WORDING });
  if (result.success) return result.data;
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (p: ConfigProblem) => {
    // One problem per field: a value that breaks several rules (1e308: not an integer and too big) is reported once.
    if (seen.has(p.field)) return;
    seen.add(p.field);
    problems.push(p);
  };
  const redact = (path: readonly string[], unknownKey = false) => (holdsSecret(path.join('.'), unknownKey) ? { redact: true } : {});
  for (const issue of result.error.issues) {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const meant = didYouMean(key, fieldsAt(configSchema, at));
        add({
          field: fieldName([...at, key]),
          value: lookup(raw, [...at, key]),
          allowed: `a known field (${meant === undefined ? '' : `did you mean ${fieldName([...at, meant])}? `}this is an unknown field; check the spelling against the configuration table in docs/configuration.md)`,
          source: sourceOf(sources, [...at, key].join('.')),
          ...redact([...at, key], true),
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
      // A record key that broke its rule: the key itself is the value.
      const key = String(issue.path[issue.path.length - 1] ?? '');
      add({
        field: fieldName(at),
        value: key,
        allowed: houseText(issue.issues[0]?.message ?? issue.message),
        source: sourceOf(sources, at.join('.')),
        ...redact(at),
      });
      continue;
    }
    const given = lookup(raw, at);
    const value = issue.code === 'custom' || given === undefined ? issue.input : given;
    add({ field: fieldName(at), value, allowed: houseText(issue.message), source: sourceOf(sources, at.join('.')), ...redact(at) });
  }
  throw new ConfigError(problems);
}

/** The house wording of the config's rules that carry no message of their own. */
const CONFIG_WORDING = houseWording({
  union: 'one of the forms in the configuration table in docs/configuration.md',
  otherwise: 'a value described in the configuration table in docs/configuration.md',
});

/** The schema's messages are the text after "allowed: ". */
function houseText(message: string): string {
  return message.replace(/^allowed:\s*/, '');
}

/** Config fields that hold a secret. */
const SECRET_FIELDS = ['failover.originVerify.secret'] as const;

/**
 * Whether a rejected value may carry a secret, so that it is never printed: a field that looks
 * secret (core isSecretField), a field that holds a secret field (`originVerify` given as a
 * string), or an unknown key beside a secret field (a misspelt `secert`).
 */
export function holdsSecret(field: string, unknownKey = false): boolean {
  if (isSecretField(field)) return true;
  return SECRET_FIELDS.some(
    (s) =>
      s.startsWith(`${field}.`) ||
      (unknownKey && field.startsWith(`${s.slice(0, s.lastIndexOf('.'))}.`) && !field.slice(s.lastIndexOf('.') + 1).includes('.')),
  );
}

/** The longest path segment a message shows whole (tag keys are up to 128 characters). */
const MAX_SEGMENT = 140;

/**
 * A field path as the user reads it: `a.b.0`, with a segment that is empty or holds anything but
 * letters, digits, `_` and `-` (a tag key `""` or `a\nb`) quoted as JSON: `tags[""]`.
 */
export function fieldName(path: readonly string[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((seg, i) => {
      // A segment longer than any field name (a hostile key) is cut, so the message stays readable.
      const cut = seg.length > MAX_SEGMENT ? `${seg.slice(0, MAX_SEGMENT - 3)}...` : seg;
      return /^[A-Za-z0-9_-]+$/.test(cut) ? (i === 0 ? cut : `.${cut}`) : `[${JSON.stringify(cut)}]`;
    })
    .join('');
}

function readConfigFile(path: string, source: string): Record<string, Json> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([
      { field: 'configFile', value: path, allowed: `a readable JSON file (${(e as NodeJS.ErrnoException).code ?? String(e)})` },
    ]);
  }
  const parsed = parseJson(text, 'configFile', source, path);
  if (!isPlainObject(parsed))
    throw new ConfigError([{ field: 'configFile', value: path, allowed: 'a JSON object at the top level', source }]);
  return parsed;
}

/** Parses JSON; a syntax error names the field that held the text and where it came from, never the text (it may hold a secret). */
function parseJson(text: string, field: string, source: string, value: string = '(not shown)'): Json {
  try {
    return JSON.parse(text);
  } catch (e) {
    const reason = (e as Error).message.replace(/"[^"]*"/g, '"..."').slice(0, 200);
    throw new ConfigError([{ field, value, allowed: `valid JSON (${reason})`, source }]);
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
  // An object field (too many tags): where its fields came from.
  for (const [f, s] of sources) if (f.startsWith(`${field}.`)) return s;
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
