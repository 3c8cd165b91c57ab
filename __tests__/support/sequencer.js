/**
 * Test order: the suites that take longest start first, so two workers finish together instead
 * of one long suite starting last.
 *
 * jest's own order (failed last time, then the durations it recorded, then file size) is kept,
 * except that a file whose docblock carries `@slow` goes to the front. On a fresh machine (every
 * CI run) jest has no recorded durations, and file size says little about a suite that applies a
 * real Terraform stack.
 */
import { readFileSync } from 'node:fs';
import TestSequencer from '@jest/test-sequencer';
import { extract, parse } from 'jest-docblock';

const Base = TestSequencer.default ?? TestSequencer;

export function isSlow(path) {
  return Object.hasOwn(parse(extract(readFileSync(path, 'utf8'))), 'slow');
}

export default class SlowFirstSequencer extends Base {
  sort(tests) {
    const ordered = super.sort(tests);
    const slow = new Set(ordered.filter((t) => isSlow(t.path)));
    return [...ordered.filter((t) => slow.has(t)), ...ordered.filter((t) => !slow.has(t))];
  }
}
