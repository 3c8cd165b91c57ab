/** A configuration value was rejected. Raised before anything is written or applied. */
export class ConfigError extends Error {
  readonly kind = 'usage' as const;
  constructor(
    /** One entry per rejected value. */
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${formatProblem(problems[0]!)}`
        : `Invalid configuration (${problems.length} problems):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface ConfigProblem {
  /** Dotted path of the field, e.g. failover.connectionAttempts. */
  readonly field: string;
  /** The rejected value, as the user gave it. */
  readonly value: unknown;
  /** What is allowed, e.g. "allowed: an integer from 1 to 3". */
  readonly allowed: string;
  /** Where the value came from: a file, an environment variable, cdktf context. */
  readonly source?: string;
}

export function formatProblem(p: ConfigProblem): string {
  const from = p.source ? ` (from ${p.source})` : '';
  return `${p.field}${from} = ${renderValue(p.value)}: ${p.allowed}`;
}

function renderValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
