/**
 * Native HCL expressions from the expression text of a JSON-syntax interpolation, parsed with
 * HashiCorp's HCL parser (@cdktf/hcl2json). The text is kept as written except where the
 * syntax tree says otherwise:
 * - an interpolation-only template (`"${x}"`) becomes the bare expression `x`;
 * - object constructors (as in `jsonencode({...})` policies) are laid out one item per line,
 *   with keys unquoted where they are identifiers;
 * - tuples that hold objects, or are long, are laid out one item per line.
 */
import { getExpressionAst } from '@cdktf/hcl2json';
import { HclExportError } from './errors.js';

/** The parts of @cdktf/hcl2json's syntax tree that layout needs. */
export interface AstNode {
  readonly type: string;
  readonly children?: readonly AstNode[];
  readonly meta?: Record<string, unknown>;
}

/** Widest single-line tuple, in characters, before it is laid out one item per line. */
const MAX_INLINE_TUPLE = 80;

const KEYWORDS = new Set(['for', 'in', 'if', 'null', 'true', 'false']);

/** True when `key` can be written bare as an object key or attribute name. */
export function isBareKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !KEYWORDS.has(key);
}

/** Parses an expression; `where` names its place in the configuration for error messages. */
export async function parseExpression(expression: string, where: string): Promise<AstNode> {
  let ast: AstNode | null;
  try {
    ast = (await getExpressionAst('expression.tf', expression)) as unknown as AstNode | null;
  } catch (e) {
    throw new HclExportError('usage', `The expression at ${where} does not parse as HCL: ${(e as Error).message}\n  ${expression}`, {
      cause: e,
    });
  }
  if (!ast) throw new HclExportError('usage', `The expression at ${where} does not parse as HCL:\n  ${expression}`);
  return ast;
}

/**
 * Renders an expression for a line indented by `indent`. Multi-line results continue at
 * that indentation (hclwrite's canonical layout).
 */
export async function renderExpression(expression: string, indent: string, where: string): Promise<string> {
  const ast = await parseExpression(expression, where);
  return new ExpressionLayout().render(ast, indent, false);
}

/**
 * Lays out one parsed expression. Each node's `meta.value` is its source text; children are
 * found in their parent's text in source order (the tree's byte ranges cover only the head of
 * composite nodes, so they cannot be used for this).
 */
class ExpressionLayout {
  render(node: AstNode, indent: string, inline: boolean): string {
    switch (node.type) {
      case 'templateWrap':
        return this.render(node.children![0]!, indent, inline);
      case 'object':
        return this.object(node, indent, inline);
      case 'tuple':
        return this.tuple(node, indent, inline);
      case 'template':
        // Inside a quoted string nothing may span lines.
        return this.splice(node, indent, true);
      default:
        return this.splice(node, indent, inline);
    }
  }

  /** The node's own text with each child that renders differently replaced by its rendering. */
  private splice(node: AstNode, indent: string, inline: boolean): string {
    const text = textOf(node);
    let cursor = 0;
    let out = '';
    for (const child of node.children ?? []) {
      const childText = textOf(child);
      if (!childText) continue;
      const at = text.indexOf(childText, cursor);
      if (at < 0) continue;
      const rendered = this.render(child, indent, inline);
      if (rendered === childText) continue;
      out += text.slice(cursor, at) + rendered;
      cursor = at + childText.length;
    }
    return out + text.slice(cursor);
  }

  private object(node: AstNode, indent: string, inline: boolean): string {
    const items = objectEntries(node).map((e) => ({ key: keyText(e.key), value: e.value }));
    if (items.length === 0) return '{}';
    if (inline) return `{ ${items.map((it) => `${it.key} = ${this.render(it.value, indent, true)}`).join(', ')} }`;
    const inner = `${indent}  `;
    const rendered = items.map((it) => ({ name: it.key, value: this.render(it.value, inner, false) }));
    return `{\n${alignedLines(rendered, inner).join('\n')}\n${indent}}`;
  }

  private tuple(node: AstNode, indent: string, inline: boolean): string {
    const items = node.children ?? [];
    if (items.length === 0) return '[]';
    const flat = items.map((c) => this.render(c, indent, true));
    const oneLine = `[${flat.join(', ')}]`;
    const hasObject = items.some((c) => unwrap(c).type === 'object' && (unwrap(c).children ?? []).length > 0);
    if (inline || (!hasObject && oneLine.length <= MAX_INLINE_TUPLE)) return oneLine;
    const inner = `${indent}  `;
    return `[\n${items.map((c) => `${inner}${this.render(c, inner, false)},`).join('\n')}\n${indent}]`;
  }
}

export function textOf(node: AstNode): string {
  const v = node.meta?.['value'];
  return typeof v === 'string' ? v : '';
}

/**
 * The items of an object constructor as (key source text, value node) pairs in source order.
 * The tree keeps bare-identifier keys empty, so keys are read from the object's text, using
 * the parser's item list (`meta.items`, keyed by key text) to know where each key ends.
 */
export function objectEntries(node: AstNode): { key: string; value: AstNode }[] {
  const text = textOf(node);
  const keys = Object.keys((node.meta?.['items'] as Record<string, string> | undefined) ?? {}).sort((a, b) => b.length - a.length);
  const children = node.children ?? [];
  const out: { key: string; value: AstNode }[] = [];
  let cursor = text.startsWith('{') ? 1 : 0;
  for (let i = 0; i + 1 < children.length; i += 2) {
    while (cursor < text.length && /[\s,]/.test(text[cursor]!)) cursor += 1;
    const key = keys.find((k) => text.startsWith(k, cursor));
    if (key === undefined) throw new Error(`cannot find the key of item ${i / 2 + 1} in ${text}`);
    const value = children[i + 1]!;
    const valueText = textOf(value);
    const at = valueText ? text.indexOf(valueText, cursor + key.length) : -1;
    cursor = at < 0 ? cursor + key.length : at + valueText.length;
    out.push({ key, value });
  }
  return out;
}

/** An object key as written, unquoted when it is an identifier. */
function keyText(key: string): string {
  if (/^"(?:[^"\\$%]|\\["\\/bfnrt])*"$/.test(key)) {
    const value = JSON.parse(key) as string;
    return isBareKey(value) ? value : key;
  }
  return key;
}

function unwrap(node: AstNode): AstNode {
  return node.type === 'templateWrap' ? unwrap(node.children![0]!) : node;
}

/**
 * Lines `name = value` at `indent`, with the `=` of consecutive single-line items aligned as
 * hclwrite aligns them; a multi-line item ends an alignment run.
 */
export function alignedLines(items: readonly { name: string; value: string }[], indent: string): string[] {
  const lines: string[] = [];
  let run: { name: string; value: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((r) => columns(r.name)));
    for (const r of run) lines.push(`${indent}${r.name}${' '.repeat(width - columns(r.name))} = ${r.value}`);
    run = [];
  };
  for (const item of items) {
    if (item.value.includes('\n')) {
      flush();
      lines.push(`${indent}${item.name} = ${item.value}`);
    } else {
      run.push(item);
    }
  }
  flush();
  return lines;
}

/** Display columns of a name (code points, as hclwrite counts them). */
export function columns(text: string): number {
  return [...text].length;
}
