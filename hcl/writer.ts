/** A small document model for HCL bodies and its canonical (hclwrite `format`) text. */
import { alignedLines } from './expression.js';

export type BodyItem =
  /** `name = value`; `value` is rendered for the item's indentation and may span lines. */
  | { readonly kind: 'attribute'; readonly name: string; readonly value: string }
  | { readonly kind: 'block'; readonly type: string; readonly labels: readonly string[]; readonly body: readonly BodyItem[] }
  /** An empty line between groups. */
  | { readonly kind: 'blank' }
  | { readonly kind: 'comment'; readonly text: string };

export const attribute = (name: string, value: string): BodyItem => ({ kind: 'attribute', name, value });
export const block = (type: string, labels: readonly string[], body: readonly BodyItem[]): BodyItem => ({
  kind: 'block',
  type,
  labels,
  body,
});
export const blank: BodyItem = { kind: 'blank' };
export const comment = (text: string): BodyItem => ({ kind: 'comment', text });

/** Lines of a body at `indent`, with `=` aligned across runs of single-line attributes. */
export function renderBody(items: readonly BodyItem[], indent: string): string[] {
  const lines: string[] = [];
  let run: { name: string; value: string }[] = [];
  const flush = () => {
    lines.push(...alignedLines(run, indent));
    run = [];
  };
  for (const item of tidy(items)) {
    if (item.kind === 'attribute') {
      run.push(item);
      continue;
    }
    flush();
    if (item.kind === 'blank') lines.push('');
    else if (item.kind === 'comment') lines.push(...item.text.split('\n').map((l) => `${indent}#${l ? ` ${l}` : ''}`));
    else {
      const head = [item.type, ...item.labels.map((l) => JSON.stringify(l))].join(' ');
      const inner = renderBody(item.body, `${indent}  `);
      lines.push(`${indent}${head} {`, ...inner, `${indent}}`);
    }
  }
  flush();
  return lines;
}

/** The text of a file made of top-level items, ending in one newline. */
export function renderFile(items: readonly BodyItem[]): string {
  return `${renderBody(items, '').join('\n')}\n`;
}

/** Drops leading, trailing and repeated blank lines. */
function tidy(items: readonly BodyItem[]): BodyItem[] {
  const out: BodyItem[] = [];
  for (const item of items) {
    if (item.kind === 'blank' && (out.length === 0 || out[out.length - 1]!.kind === 'blank')) continue;
    out.push(item);
  }
  while (out.length > 0 && out[out.length - 1]!.kind === 'blank') out.pop();
  return out;
}
