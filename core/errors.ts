/**
 * The project's one error model. Every error the user can see is an `EdgeFailoverError` with a
 * kind, and `exitCodeOf` maps kinds to the exit codes both CLIs and the run record use:
 *   usage    — the user asked for something wrong (a bad option, config value or file): exit 2,
 *              raised before anything is written or applied;
 *   external — a tool, a process or AWS failed: exit 3;
 *   internal — a bug here: exit 3, with a stack.
 */

export type ErrorKind = 'usage' | 'external' | 'internal';

/** The process exit codes: the contract CI reads. */
export const EXIT = { passed: 0, failed: 1, usage: 2, infrastructure: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One rejected value: the field, where it came from, the value and what is allowed. */
export interface Problem {
  /** Dotted path of the field, e.g. `failover.connectionAttempts`, or an option such as `--rate`. */
  readonly field: string;
  /** The rejected value, as the user gave it (redacted on output when the field looks secret). */
  readonly value: unknown;
  /** What is allowed, e.g. "an integer from 1 to 3". Rendered after "allowed: ". */
  readonly allowed: string;
  /** Where the value came from: a file, an environment variable, cdktf context, a construct path. */
  readonly source?: string;
  /** Never print the value, whatever the field is called (it may hold a secret). */
  readonly redact?: boolean;
}

export interface ErrorOptions {
  readonly cause?: unknown;
  /** What to do about it: shell commands or steps, one per line. */
  readonly recovery?: string;
  /** The rejected values, for usage errors about input. */
  readonly problems?: readonly Problem[];
}

export class EdgeFailoverError extends Error {
  readonly kind: ErrorKind;
  readonly recovery?: string;
  readonly problems: readonly Problem[];

  constructor(kind: ErrorKind, message: string, options: ErrorOptions = {}) {
    super(options.recovery ? `${message}\nTo recover:\n${indent(options.recovery)}` : message, { cause: options.cause });
    this.name = 'EdgeFailoverError';
    this.kind = kind;
    this.recovery = options.recovery;
    this.problems = options.problems ?? [];
  }

  /** The field of the first problem, when the error is about one value. */
  get field(): string | undefined {
    return this.problems[0]?.field;
  }
}

/** A usage error about one or more input values, in the house format. */
export class InputError extends EdgeFailoverError {
  constructor(problems: readonly Problem[], options: { readonly heading?: string; readonly cause?: unknown } = {}) {
    const heading = options.heading ?? 'Invalid input';
    super(
      'usage',
      problems.length === 1
        ? `${heading}: ${formatProblem(problems[0]!)}`
        : `${heading} (${problems.length} problems):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
      { problems, cause: options.cause },
    );
    this.name = 'InputError';
  }
}

/** Shorthand for a usage error about one value. */
export function inputError(field: string, value: unknown, allowed: string, source?: string): InputError {
  return new InputError([{ field, value, allowed, ...(source !== undefined ? { source } : {}) }]);
}

/**
 * A construct was given a value it cannot synthesize. Named after aws-cdk's ValidationError: the
 * message starts with the construct path, so the user can find the construct in their app.
 */
export class ConstructValidationError extends InputError {
  constructor(
    /** The construct's path, e.g. `edge-failover/edge`. */
    readonly constructPath: string,
    field: string,
    value: unknown,
    allowed: string,
  ) {
    super([{ field, value, allowed, source: `construct ${constructPath}` }], { heading: `${constructPath}: invalid property` });
    this.name = 'ConstructValidationError';
  }
}

/** Field names whose values are never printed. */
const SECRET_KEY = /secret|password|passwd|token|credential|private.?key|api.?key/i;

/** Words whose misspellings (one letter wrong, missing, extra or swapped) still mark a secret. */
const SECRET_WORDS = ['secret', 'password', 'token'];

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern for every string within one edit of `word` (optimal string alignment distance ≤ 1:
 * the word itself, one letter substituted, deleted or inserted, or two adjacent letters
 * swapped). One scan of a field finds them all, however long the field (a key can be as long as
 * a config file allows).
 */
export function oneEditPattern(word: string): RegExp {
  const alternatives = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const [head, tail] = [literal(word.slice(0, i)), word.slice(i)];
    alternatives.add(`${head}[^]${literal(tail)}`); // one letter inserted before tail
    if (tail) {
      alternatives.add(`${head}[^]${literal(tail.slice(1))}`); // tail's first letter substituted (or kept)
      alternatives.add(`${head}${literal(tail.slice(1))}`); // tail's first letter deleted
    }
    if (tail.length >= 2) alternatives.add(`${head}${literal(tail[1]! + tail[0]! + tail.slice(2))}`); // two letters swapped
  }
  return new RegExp([...alternatives].join('|'));
}

const SECRET_MISSPELLINGS = SECRET_WORDS.map(oneEditPattern);

/** Whether a field path (or any of its segments) names a secret, also when the name is misspelt (`secert`). */
export function isSecretField(field: string): boolean {
  if (SECRET_KEY.test(field)) return true;
  const text = field.toLowerCase();
  return SECRET_MISSPELLINGS.some((p) => p.test(text));
}

/** `field (from SOURCE) = VALUE: allowed: …` — the one rendering of a rejected value. */
export function formatProblem(p: Problem): string {
  const from = p.source ? ` (from ${escapeControls(p.source)})` : '';
  const value = p.redact || isSecretField(p.field) ? '(redacted)' : renderValue(p.value);
  return `${escapeControls(p.field)}${from} = ${value}: allowed: ${p.allowed}`;
}

/**
 * Text a terminal would act on, written as \uXXXX: C0 and C1 controls (ESC, the 8-bit CSI),
 * DEL, line and paragraph separators, and bidirectional overrides.
 */
export function escapeControls(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A value as JSON, cut at 120 characters; numbers JSON cannot spell are written as JavaScript does. */
export function renderValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  let s: string;
  try {
    // Inside objects and arrays too: non-finite numbers as JavaScript spells them (not null), and
    // values under keys that look secret redacted.
    s =
      JSON.stringify(v, (key, x: unknown) =>
        key !== '' && isSecretField(key) ? '(redacted)' : typeof x === 'number' && !Number.isFinite(x) ? `\u0000${String(x)}\u0000` : x,
      )?.replace(/"\\u0000(-?Infinity|NaN)\\u0000"/g, '$1') ?? String(v);
    s = escapeControls(s);
  } catch {
    s = escapeControls(String(v));
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** The error's kind: EdgeFailoverError's own, else `internal`. */
export function kindOf(err: unknown): ErrorKind {
  return err instanceof EdgeFailoverError ? err.kind : 'internal';
}

/** The exit code an error ends a process with: 2 for usage, 3 for anything else. */
export function exitCodeOf(err: unknown): ExitCode {
  return kindOf(err) === 'usage' ? EXIT.usage : EXIT.infrastructure;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
