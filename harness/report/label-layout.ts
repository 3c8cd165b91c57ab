/**
 * Places text labels on rows so that none overlaps another and none runs off its band: each label
 * is anchored at an x (a moment on the chart), its width estimated from a fixed width per character
 * and font size (generous, so the real text is narrower), written to the right of its anchor, or to
 * its left when it would run off the right edge, and put on the first row where it overlaps nothing
 * placed before it. The caller grows its drawing by `rows × lineHeight`. Pure.
 */

/** Width per character as a share of the font size: wider than DejaVu Sans's and Arial's average letter. */
const EM_ASCII = 0.64;
/** Arrows, dashes and other non-ASCII characters are counted as a full em. */
const EM_OTHER = 1;

/** The width of `text` in pixels at `fontSize`, never less than the real width in the chart's fonts. */
export function textWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const c of text) ems += c.charCodeAt(0) < 0x80 ? (/[A-Z@%&mwMW]/.test(c) ? 0.9 : EM_ASCII) : EM_OTHER;
  return Math.ceil(ems * fontSize);
}

export interface LabelInput {
  /** Pixel x of the anchor, within [0, width]. */
  readonly x: number;
  readonly text: string;
}

export interface PlacedLabel extends LabelInput {
  /** Row from the top, 0-based. */
  readonly row: number;
  /** Left edge of the text box in pixels; the text is drawn left-aligned from here. */
  readonly left: number;
  readonly right: number;
  /** Which side of the anchor the text is on. */
  readonly side: 'right' | 'left';
}

export interface LabelLayout {
  readonly labels: readonly PlacedLabel[];
  readonly rows: number;
}

/**
 * Rows for labels in a band `width` pixels wide. A label wider than the band is shortened with an
 * ellipsis to fit (a label is never drawn outside the band); `gap` pixels separate neighbours.
 */
export function layoutLabels(inputs: readonly LabelInput[], width: number, fontSize: number, gap = 6): LabelLayout {
  const placed: PlacedLabel[] = [];
  const order = inputs.map((l, i) => ({ l, i })).sort((a, b) => a.l.x - b.l.x || a.i - b.i);
  const out: PlacedLabel[] = new Array<PlacedLabel>(inputs.length);
  for (const { l, i } of order) {
    const text = fit(l.text, width, fontSize);
    const w = textWidth(text, fontSize);
    const x = Math.min(width, Math.max(0, l.x));
    const side = x + 3 + w <= width ? 'right' : 'left';
    const left = side === 'right' ? x + 3 : Math.max(0, x - 3 - w);
    const right = left + w;
    let row = 0;
    while (placed.some((p) => p.row === row && p.left < right + gap && left < p.right + gap)) row++;
    const label: PlacedLabel = { x, text, row, left, right, side };
    placed.push(label);
    out[i] = label;
  }
  return { labels: out, rows: placed.reduce((max, p) => Math.max(max, p.row + 1), 0) };
}

/** `text`, shortened with an ellipsis when it is wider than `width` (linear in its length). */
export function fit(text: string, width: number, fontSize: number): string {
  if (textWidth(text, fontSize) + 3 <= width) return text;
  const room = width - 3 - textWidth('…', fontSize);
  let used = 0;
  let kept = '';
  for (const c of text) {
    used += textWidth(c, fontSize);
    if (used > room) break;
    kept += c;
  }
  return `${kept}…`;
}

/** `text` broken at spaces into lines no wider than `width` at `fontSize` (a word wider than a line is cut to fit). */
export function wrapText(text: string, width: number, fontSize: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (textWidth(next, fontSize) <= width) line = next;
    else {
      if (line !== '') lines.push(line);
      line = textWidth(word, fontSize) <= width ? word : fit(word, width, fontSize);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
