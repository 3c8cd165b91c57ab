/**
 * The combinations every fault call with an ambiguous outcome is tested under (App Runner's pause in
 * ambiguous-fault.test.ts, ECS Express's modify-rule in alb-fault.test.ts): how the first attempt
 * ended × how its retry was answered.
 */
/** answered: a 5xx before anything was done; lost: done, then the answer lost; timed out: done, then no answer. */
export type First = 'answered' | 'lost' | 'timed out';
export type Retry = 'refused' | 'accepted';

export const AMBIGUOUS_CASES: readonly [First, Retry][] = [
  ['answered', 'refused'],
  ['answered', 'accepted'],
  ['lost', 'refused'],
  ['lost', 'accepted'],
  ['timed out', 'refused'],
  ['timed out', 'accepted'],
];
