/**
 * Checks on how a module's values are written, which hcl2json's Terraform-JSON view cannot
 * show (it renders `"${x}"` and `x` alike):
 * - no interpolation-only strings anywhere (`"${var.x}"`), including inside expressions;
 * - provider references, depends_on, lifecycle references, dynamic iterators and variable
 *   types written bare, not quoted.
 * A small scanner finds each attribute's value text (it tracks brackets, strings, heredocs and
 * comments only); HashiCorp's HCL parser (@cdktf/hcl2json) parses every value, and the checks
 * read the resulting syntax trees.
 */
import { parseExpression, type AstNode } from './expression.js';
import { scanQuoted } from './template.js';

export interface SourceAttribute {
  /** Block path, e.g. ['resource', 'aws_sns_topic', 'alarms']. */
  readonly blockPath: readonly string[];
  readonly name: string;
  readonly value: string;
  /** 1-based line of the attribute. */
  readonly line: number;
}

export interface StructureFinding {
  readonly file: string;
  readonly line: number;
  /** Block path and attribute, e.g. resource.aws_sns_topic.t.provider. */
  readonly path: string;
  readonly problem: 'interpolation-only string' | 'quoted reference' | 'quoted keyword';
  readonly text: string;
}

/** Every attribute in an HCL file, with its value's source text. Throws on unbalanced input. */
export function scanAttributes(text: string): SourceAttribute[] {
  const out: SourceAttribute[] = [];
  let i = 0;
  const lineAt = (pos: number) => text.slice(0, pos).split('\n').length;

  const skipTrivia = (stopAtNewline: boolean) => {
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\n' && stopAtNewline) return;
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') i += 1;
      else if (ch === '#' || text.startsWith('//', i)) while (i < text.length && text[i] !== '\n') i += 1;
      else if (text.startsWith('/*', i)) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
      } else return;
    }
  };

  const body = (path: readonly string[], nested: boolean) => {
    for (;;) {
      skipTrivia(false);
      if (i >= text.length) {
        if (nested) throw new Error(`unclosed block ${path.join('.')}`);
        return;
      }
      if (text[i] === '}') {
        if (!nested) throw new Error(`unexpected "}" at line ${lineAt(i)}`);
        i += 1;
        return;
      }
      const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i, i + 200))?.[0];
      if (!id) throw new Error(`expected an attribute or block at line ${lineAt(i)}`);
      const start = i;
      i += id.length;
      skipTrivia(true);
      if (text[i] === '=' && text[i + 1] !== '=') {
        i += 1;
        const valueStart = i;
        i = scanExpressionEnd(text, i);
        out.push({ blockPath: path, name: id, value: text.slice(valueStart, i).trim(), line: lineAt(start) });
        continue;
      }
      const labels: string[] = [];
      while (text[i] === '"' || /[A-Za-z_]/.test(text[i] ?? '')) {
        if (text[i] === '"') {
          const end = scanQuoted(text, i + 1);
          labels.push(JSON.parse(text.slice(i, end)) as string);
          i = end;
        } else {
          const label = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))![0];
          labels.push(label);
          i += label.length;
        }
        skipTrivia(true);
      }
      if (text[i] !== '{') throw new Error(`expected "{" after ${id} at line ${lineAt(i)}`);
      i += 1;
      body([...path, id, ...labels], true);
    }
  };
  body([], false);
  return out;
}

/** End of an attribute's value: a newline or a closing brace outside any bracket, string or heredoc. */
function scanExpressionEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n' && depth === 0) return i;
    if (ch === '"') {
      i = scanQuoted(text, i + 1);
      continue;
    }
    if (text.startsWith('<<', i)) {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(text.slice(i));
      if (m) {
        const close = new RegExp(`\\n[ \\t]*${m[1]}[ \\t]*(?=\\r?\\n|$)`, 'g');
        close.lastIndex = i + m[0].length - 1;
        const found = close.exec(text);
        if (!found) throw new Error(`unterminated heredoc ${m[1]}`);
        i = found.index + found[0].length;
        continue;
      }
    }
    if (ch === '#' || text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth += 1;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
    i += 1;
  }
  return i;
}

/** Attribute names whose values must be bare references, by where they appear. */
function referenceKind(a: SourceAttribute): 'reference' | 'reference-list' | 'keyword' | undefined {
  const top = a.blockPath[0];
  const inLifecycle = a.blockPath[a.blockPath.length - 1] === 'lifecycle';
  if (a.name === 'provider' && (top === 'resource' || top === 'data' || top === 'import') && a.blockPath.length === 3) return 'reference';
  if (a.name === 'depends_on' && a.blockPath.length <= 3) return 'reference-list';
  if (inLifecycle && (a.name === 'ignore_changes' || a.name === 'replace_triggered_by')) return 'reference-list';
  if (a.name === 'iterator' && a.blockPath.includes('dynamic')) return 'keyword';
  if (a.name === 'type' && top === 'variable' && a.blockPath.length === 2) return 'keyword';
  if ((top === 'moved' || top === 'removed') && (a.name === 'from' || a.name === 'to')) return 'reference';
  return undefined;
}

/** Findings for one file's text. */
export async function checkStructure(file: string, text: string): Promise<StructureFinding[]> {
  const findings: StructureFinding[] = [];
  for (const a of scanAttributes(text)) {
    const path = [...a.blockPath, a.name].join('.');
    // A heredoc's closing marker must end its line.
    const ast = await parseExpression(a.value.includes('<<') ? `${a.value}\n` : a.value, `${file}:${a.line} ${path}`);
    const report = (problem: StructureFinding['problem'], t: string) => findings.push({ file, line: a.line, path, problem, text: t });
    walk(ast, (node) => {
      if (node.type === 'templateWrap') report('interpolation-only string', String(node.meta?.['value'] ?? a.value));
    });
    const kind = referenceKind(a);
    if (kind === 'reference' || kind === 'keyword') {
      if (ast.type === 'template' || ast.type === 'templateWrap')
        report(kind === 'reference' ? 'quoted reference' : 'quoted keyword', a.value);
    } else if (kind === 'reference-list') {
      const items = ast.type === 'tuple' ? (ast.children ?? []) : [ast];
      for (const item of items)
        if (item.type === 'template' || item.type === 'templateWrap') report('quoted reference', String(item.meta?.['value'] ?? a.value));
    }
  }
  return findings;
}

function walk(node: AstNode, visit: (n: AstNode) => void): void {
  visit(node);
  for (const c of node.children ?? []) walk(c, visit);
}
