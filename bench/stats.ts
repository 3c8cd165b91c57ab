/** Small statistics for benchmarks. Pure functions. */

import { median } from '../harness/report/history/stats.js';

export { median };

/**
 * The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks (the method
 * numpy and R call type 7): quantile(xs, 0.5) is the median. NaN for no samples.
 */
export function quantile(xs: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q = ${q}: allowed: a number from 0 to 1`);
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** p50, p95 and max of a sample; NaN fields for an empty one. */
export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: xs.length ? Math.max(...xs) : NaN };
}

/**
 * Combines the summaries of several runs of the same measurement: the median of the runs'
 * p50s and p95s, the largest max, and the total count.
 */
export function combineRuns(runs: readonly Summary[]): Summary {
  return {
    n: runs.reduce((a, r) => a + r.n, 0),
    p50: median(runs.map((r) => r.p50)),
    p95: median(runs.map((r) => r.p95)),
    max: runs.length ? Math.max(...runs.map((r) => r.max)) : NaN,
  };
}

/** Rounds to `digits` decimals, for results files (NaN stays NaN). */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
