/**
 * The Markdown the reports write (summary.md, history.md), built as an mdast tree and serialized
 * by mdast-util-to-markdown with the GFM extensions: every value is text or inline code whatever it
 * holds, `<`, `>` and `&` are character references, and `|` in a table cell cannot end the cell.
 * Control characters and line breaks are made visible first (`safeTerminalText`).
 */
import type { InlineCode, List, ListItem, Paragraph, PhrasingContent, RootContent, Strong, Table, TableCell, TableRow, Text } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown, type Options as ToMarkdownOptions } from 'mdast-util-to-markdown';
import { safeTerminalText } from './terminal.js';

/** Characters GitHub would read as HTML or a character reference: always written as references. */
const ENCODE = ['<', '>', '&'];

const SERIALIZE: ToMarkdownOptions = {
  bullet: '-',
  rule: '-',
  extensions: [gfmToMarkdown({ tablePipeAlign: false })],
  unsafe: ENCODE.map((character) => ({ character })),
  handlers: {
    text: (node: Text, _parent, state, info) => state.safe(node.value, { ...info, encode: ENCODE }),
  },
};

export type Inline = PhrasingContent | string;

/** A run value as plain text: one line, no control characters. */
export function clean(value: unknown): string {
  return safeTerminalText(String(value));
}

export const text = (value: unknown): Text => ({ type: 'text', value: clean(value) });
export const code = (value: unknown): InlineCode => ({ type: 'inlineCode', value: clean(value) });
export const strong = (...children: Inline[]): Strong => ({ type: 'strong', children: children.map(inline) });
export const inline = (c: Inline): PhrasingContent => (typeof c === 'string' ? text(c) : c);
export const para = (...children: Inline[]): Paragraph => ({ type: 'paragraph', children: children.map(inline) });
export const heading = (depth: 2 | 3, ...children: Inline[]): RootContent => ({ type: 'heading', depth, children: children.map(inline) });
export const cell = (...children: Inline[]): TableCell => ({ type: 'tableCell', children: children.map(inline) });
export const row = (cells: readonly (Inline | Inline[])[]): TableRow => ({
  type: 'tableRow',
  children: cells.map((c) => (Array.isArray(c) ? cell(...c) : cell(c))),
});
export const table = (head: readonly string[], rows: readonly (Inline | Inline[])[][]): Table => ({
  type: 'table',
  children: [row(head), ...rows.map(row)],
});
export const list = (items: readonly Inline[][]): List => ({
  type: 'list',
  ordered: false,
  spread: false,
  children: items.map((children): ListItem => ({ type: 'listItem', spread: false, children: [para(...children)] })),
});

/** The document: blocks serialized as GFM. */
export function serialize(blocks: readonly RootContent[]): string {
  return toMarkdown({ type: 'root', children: [...blocks] }, SERIALIZE);
}
