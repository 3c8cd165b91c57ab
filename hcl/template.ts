/**
 * Terraform string templates as they appear in JSON syntax ("prefix-${expr}"), split into
 * literal text and interpolations, and written back as native HCL quoted strings.
 */

export type TemplatePart =
  /** Literal text in template spelling: `$${` and `%%{` stay escaped. */
  | { readonly kind: 'literal'; readonly text: string }
  /** `${...}`: `expression` is the text between the braces. */
  | { readonly kind: 'interpolation'; readonly expression: string; readonly source: string }
  /** `%{...}`: a template directive, kept verbatim. */
  | { readonly kind: 'directive'; readonly source: string };

/** Splits a template into its parts. Throws on an unterminated `${` or `%{`. */
export function splitTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const two = template.slice(i, i + 2);
    const three = template.slice(i, i + 3);
    if (three === '$${' || three === '%%{') {
      literal += three;
      i += 3;
    } else if (two === '${' || two === '%{') {
      const end = scanToClosingBrace(template, i + 2);
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      const source = template.slice(i, end + 1);
      parts.push(two === '${' ? { kind: 'interpolation', expression: template.slice(i + 2, end), source } : { kind: 'directive', source });
      i = end + 1;
    } else {
      literal += template[i];
      i += 1;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** The expression of a template that is exactly one interpolation ("${expr}"), else undefined. */
export function loneInterpolation(template: string): string | undefined {
  if (!template.startsWith('${')) return undefined;
  const parts = splitTemplate(template);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind !== 'interpolation') return undefined;
  // Strip markers (${~ x ~}) change whitespace handling; such templates stay templates.
  if (only.expression.startsWith('~') || only.expression.endsWith('~')) return undefined;
  return only.expression.trim();
}

/** A native HCL quoted template for a JSON-syntax template; interpolations are kept verbatim. */
export function quoteTemplate(template: string): string {
  return `"${splitTemplate(template)
    .map((p) => (p.kind === 'literal' ? escapeLiteral(p.text) : p.source))
    .join('')}"`;
}

/** A native HCL quoted string whose value is exactly `text` (no interpolation). */
export function quoteLiteral(text: string): string {
  // A function replacement: in a replacement string "$$" would mean a single "$".
  return `"${escapeLiteral(text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{'))}"`;
}

/** Escapes text for the inside of an HCL quoted string; template escapes ($${, %%{) pass through. */
function escapeLiteral(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/**
 * Index of the `}` that closes an interpolation or directive whose body starts at `start`,
 * skipping nested braces and quoted strings (which may hold templates of their own).
 */
function scanToClosingBrace(s: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '"') {
      i = scanQuoted(s, i + 1);
      continue;
    }
    if (ch === '{') depth += 1;
    else if (ch === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
    i += 1;
  }
  throw new Error(`unterminated template sequence in ${JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s)}`);
}

/** Index just after the closing quote of a quoted string whose content starts at `start`. */
export function scanQuoted(s: string, start: number): number {
  let i = start;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '"') return i + 1;
    const three = s.slice(i, i + 3);
    if (three === '$${' || three === '%%{') {
      i += 3;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '${' || two === '%{') {
      i = scanToClosingBrace(s, i + 2) + 1;
      continue;
    }
    i += 1;
  }
  throw new Error(`unterminated quoted string in ${JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s)}`);
}
