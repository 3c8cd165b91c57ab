/**
 * Semantic comparison of a parsed HCL module (hcl2json's Terraform-JSON view of it) with the
 * synthesized cdk.tf.json. Both sides are brought to one canonical form first:
 * - a block given as one object and as a one-element list of objects are the same;
 * - strings are templates; literal positions (variable defaults and descriptions, output
 *   descriptions, version constraints) are plain text on the JSON side;
 * - reference positions (provider, depends_on, iterator, type, ...) are expressions on both sides;
 * - expressions are compared by syntax tree, so `"${x}"` and `x`, `{"a" = 1}` and `{ a = 1 }`,
 *   spacing and line breaks all compare equal; object items compare as sets.
 */
import { objectEntries, parseExpression, textOf, type AstNode } from './expression.js';
import { splitTemplate } from './template.js';
import { isPlainObject } from '../core/json.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Canonical =
  | { readonly t: 'null' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'list'; readonly items: readonly Canonical[] }
  | { readonly t: 'obj'; readonly items: Readonly<Record<string, Canonical>> }
  | { readonly t: 'tmpl'; readonly parts: readonly Canonical[] }
  | { readonly t: 'expr'; readonly node: unknown };

export interface Difference {
  /** Dotted path, e.g. resource.aws_cloudfront_distribution.edge_distribution.origin[0].origin_id. */
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

export type Side = 'json' | 'hcl';

/** Paths (numeric list indexes removed) whose strings are plain text in Terraform JSON. */
function isLiteralPosition(path: readonly string[]): boolean {
  const p = path.filter((s) => !/^\d+$/.test(s));
  return (
    (p[0] === 'variable' && (p[2] === 'default' || p[2] === 'description')) ||
    (p[0] === 'output' && p[2] === 'description') ||
    (p[0] === 'terraform' && (p[1] === 'required_version' || (p[1] === 'required_providers' && !path.includes('configuration_aliases'))))
  );
}

/** Paths whose strings hold a bare reference or keyword in Terraform JSON. */
function isReferencePosition(path: readonly string[]): boolean {
  const p = path.filter((s) => !/^\d+$/.test(s));
  const last = p[p.length - 1];
  const parent = p[p.length - 2];
  if ((p[0] === 'resource' || p[0] === 'data') && p.length === 4 && last === 'provider') return true;
  // List items: their index is stripped, so the list's own name is last.
  if ((p[0] === 'resource' || p[0] === 'data' || p[0] === 'output' || p[0] === 'module') && last === 'depends_on') return true;
  if (p[0] === 'variable' && p.length === 3 && last === 'type') return true;
  if (parent === 'lifecycle' && (last === 'ignore_changes' || last === 'replace_triggered_by')) return true;
  if (p.includes('dynamic') && last === 'iterator') return true;
  if (p[0] === 'module' && parent === 'providers') return true;
  if (p[0] === 'terraform' && last === 'configuration_aliases') return true;
  if ((p[0] === 'moved' || p[0] === 'removed' || p[0] === 'import') && (last === 'from' || last === 'to')) return true;
  return false;
}

/** The canonical form of a Terraform JSON document (either side). */
export async function canonicalize(value: Json, side: Side, path: readonly string[] = []): Promise<Canonical> {
  if (value === null) return { t: 'null' };
  if (typeof value === 'boolean') return { t: 'bool', v: value };
  if (typeof value === 'number') return { t: 'num', v: value };
  if (typeof value === 'string') {
    const where = path.join('.');
    if (side === 'json' && isLiteralPosition(path)) return { t: 'str', v: value };
    if (side === 'json' && isReferencePosition(path) && !value.includes('${')) return canonicalAst(await parseExpression(value, where));
    return canonicalTemplate(value, where);
  }
  if (Array.isArray(value)) {
    const only = value.length === 1 ? value[0] : undefined;
    if (isPlainObject(only)) return canonicalize(only, side, path);
    const items: Canonical[] = [];
    for (const [i, item] of value.entries()) items.push(await canonicalize(item, side, [...path, String(i)]));
    return { t: 'list', items };
  }
  const items: Record<string, Canonical> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '//') continue;
    items[k] = await canonicalize(v, side, [...path, k]);
  }
  return { t: 'obj', items };
}

async function canonicalTemplate(template: string, where: string): Promise<Canonical> {
  const parts = splitTemplate(template);
  if (parts.every((p) => p.kind === 'literal')) return { t: 'str', v: unescape(template) };
  if (parts.length === 1 && parts[0]!.kind === 'interpolation') return canonicalAst(await parseExpression(parts[0]!.expression, where));
  const out: Canonical[] = [];
  for (const p of parts) {
    if (p.kind === 'literal') out.push({ t: 'str', v: unescape(p.text) });
    else if (p.kind === 'interpolation') out.push(canonicalAst(await parseExpression(p.expression, where)));
    else out.push({ t: 'expr', node: { directive: p.source.replace(/\s+/g, '') } });
  }
  return { t: 'tmpl', parts: out };
}

function unescape(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/** Meta fields that carry meaning beyond a node's children. */
const MEANINGFUL_META = ['operator', 'name', 'keyVar', 'valVar', 'groupedValue', 'fullAccessor', 'expandedFinalArgument'] as const;

function canonicalAst(node: AstNode): Canonical {
  const children = node.children ?? [];
  switch (node.type) {
    case 'templateWrap':
      return canonicalAst(children[0]!);
    case 'object': {
      const pairs: [string, Canonical][] = objectEntries(node).map((e) => [objectKey(e.key), canonicalAst(e.value)]);
      return { t: 'obj', items: Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
    }
    case 'tuple':
      return { t: 'list', items: children.map(canonicalAst) };
    case 'literalValue': {
      const type = node.meta?.['type'];
      const text = textOf(node);
      if (type === 'number') return { t: 'num', v: Number(text) };
      if (type === 'bool') return { t: 'bool', v: text === 'true' };
      if (type === 'string') return { t: 'str', v: text };
      if (text === 'null') return { t: 'null' };
      return { t: 'expr', node: { literal: text } };
    }
    case 'template': {
      const parts = children.map(canonicalAst);
      if (parts.every((p) => p.t === 'str')) return { t: 'str', v: parts.map((p) => (p as { v: string }).v).join('') };
      if (parts.length === 1) return parts[0]!;
      return { t: 'tmpl', parts };
    }
    default: {
      const meta: Record<string, unknown> = {};
      for (const k of MEANINGFUL_META) if (node.meta?.[k] !== undefined) meta[k] = node.meta[k];
      const canon: Record<string, unknown> = { type: node.type, meta, children: children.map(canonicalAst) };
      if (children.length === 0) canon['text'] = textOf(node).replace(/\s+/g, '');
      return { t: 'expr', node: canon };
    }
  }
}

/** An object key's value: quoted keys are unquoted, identifiers and (expressions) stay as written. */
function objectKey(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key;
    }
  }
  return key;
}

/**
 * Differences between two canonical forms; paths listed in `ignore` (dotted, without list
 * indexes) are skipped.
 */
export function diffCanonical(
  expected: Canonical,
  actual: Canonical,
  ignore: ReadonlySet<string> = new Set(),
  path: readonly string[] = [],
): Difference[] {
  const key = path.filter((s) => !/^\d+$/.test(s)).join('.');
  if (ignore.has(key)) return [];
  const here = formatPath(path);
  if (expected.t !== actual.t) return [{ path: here, expected: show(expected), actual: show(actual) }];
  if (expected.t === 'obj' && actual.t === 'obj') {
    const out: Difference[] = [];
    const keys = new Set([...Object.keys(expected.items), ...Object.keys(actual.items)]);
    for (const k of [...keys].sort()) {
      const sub = [...path, k];
      const subKey = sub.filter((s) => !/^\d+$/.test(s)).join('.');
      if (ignore.has(subKey)) continue;
      const e = expected.items[k];
      const a = actual.items[k];
      if (e === undefined) out.push({ path: formatPath(sub), expected: '(absent)', actual: show(a!) });
      else if (a === undefined) out.push({ path: formatPath(sub), expected: show(e), actual: '(absent)' });
      else out.push(...diffCanonical(e, a, ignore, sub));
    }
    return out;
  }
  if ((expected.t === 'list' && actual.t === 'list') || (expected.t === 'tmpl' && actual.t === 'tmpl')) {
    const e = expected.t === 'list' ? expected.items : (expected as { parts: readonly Canonical[] }).parts;
    const a = actual.t === 'list' ? actual.items : (actual as { parts: readonly Canonical[] }).parts;
    if (e.length !== a.length)
      return [{ path: here, expected: `${e.length} items: ${show(expected)}`, actual: `${a.length} items: ${show(actual)}` }];
    return e.flatMap((item, i) => diffCanonical(item, a[i]!, ignore, [...path, String(i)]));
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [{ path: here, expected: show(expected), actual: show(actual) }];
}

function formatPath(path: readonly string[]): string {
  return path.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function show(c: Canonical): string {
  const s = JSON.stringify(c);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}
