/**
 * Values on a terminal: progress lines, tables, the verdict, errors. A value from a probe, AWS,
 * a tool or a saved run.json could carry ANSI escape sequences (colours, cursor moves, screen
 * clears, OSC hyperlinks and window titles) or bidirectional controls that make a line read
 * differently from what it says. `safeTerminalText` removes escape sequences with strip-ansi and
 * writes every remaining control character as a visible escape (`\x00`, `\u202e`).
 */
import stripAnsi from 'strip-ansi';

/**
 * C0 and C1 controls and DEL; the bidirectional marks, embeddings, overrides and isolates;
 * line and paragraph separators; the BOM, interlinear annotation marks and U+FFFE/U+FFFF; lone
 * surrogates.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff\ufff9-\ufffb\ufffe\uffff]|[\ud800-\udfff]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export interface TerminalTextOptions {
  /** Keep newlines and tabs (for a block of text rather than one line). @default false */
  readonly multiline?: boolean;
}

/** The text with no escape sequence and every control character made visible. */
export function safeTerminalText(text: string, options: TerminalTextOptions = {}): string {
  return stripAnsi(String(text)).replace(UNSAFE, (c) => {
    if (options.multiline && (c === '\n' || c === '\t')) return c;
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * `value` as JSON for a terminal: JSON.stringify escapes C0 controls already; the other characters
 * `safeTerminalText` would make visible (DEL, C1, bidirectional controls, lone surrogates) are
 * written as `\uXXXX` escapes too, so the text stays valid JSON with the same value.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE, (c) => (c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
