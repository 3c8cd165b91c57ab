import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as facts from '../../core/aws-facts.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const source = readFileSync(`${root}core/aws-facts.ts`, 'utf8');
const doc = readFileSync(`${root}docs/aws-behaviour.md`, 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchors = new Set(
  [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
    m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  ),
);

test('every fact cites a section of docs/aws-behaviour.md that exists', () => {
  const exported = [...source.matchAll(/^export const (\w+)/gm)].map((m) => m[1]!);
  const cited = [...source.matchAll(/docs\/aws-behaviour\.md#([a-z0-9-]+)/g)].map((m) => m[1]!);
  expect(cited.length).toBeGreaterThan(20);
  for (const a of cited) expect({ anchor: a, exists: anchors.has(a) }).toEqual({ anchor: a, exists: true });
  // Each exported constant is preceded by a comment that cites its source (derived lists excepted).
  const derived = new Set(['APP_RUNNER_CPUS', 'APP_RUNNER_MEMORIES']);
  for (const name of exported.filter((n) => !derived.has(n))) {
    const before = source.slice(0, source.indexOf(`export const ${name}`));
    const comment = before.slice(before.lastIndexOf('/**'));
    expect({ name, cites: /docs\/aws-behaviour\.md#/.test(comment) }).toEqual({ name, cites: true });
  }
});

test('the ranges the issue pinned', () => {
  expect(facts.CONNECTION_ATTEMPTS).toEqual({ min: 1, max: 3, default: 3 });
  expect(facts.CONNECTION_TIMEOUT_SECONDS).toEqual({ min: 1, max: 10, default: 10 });
  expect(facts.ORIGIN_READ_TIMEOUT_SECONDS).toEqual({ min: 1, max: 60, default: 30 });
  expect(facts.ORIGIN_KEEPALIVE_TIMEOUT_SECONDS).toEqual({ min: 1, max: 60, default: 5 });
  expect(facts.ALARM_EVALUATION_PERIODS.max * facts.ALARM_PERIOD_MULTIPLE_SECONDS).toBe(facts.ALARM_MAX_EVALUATION_SECONDS);
});

test('method sets are consistent: the origin group methods and the write-only methods partition every method', () => {
  expect([...facts.ORIGIN_GROUP_METHODS, ...facts.WRITE_ONLY_METHODS].sort()).toEqual([...facts.ALL_METHODS].sort());
  for (const m of facts.CACHED_METHODS) expect(facts.ORIGIN_GROUP_METHODS).toContain(m);
});

test('instance sizes: every memory belongs to some CPU, and App Runner default is a valid pair', () => {
  expect(facts.APP_RUNNER_CPUS).toEqual(['0.25 vCPU', '0.5 vCPU', '1 vCPU', '2 vCPU', '4 vCPU']);
  const { cpu, memory } = facts.APP_RUNNER_DEFAULT_INSTANCE;
  expect(facts.APP_RUNNER_CPU_MEMORY[cpu]).toContain(memory);
});

test('PORT is reserved, other names are not', () => {
  expect(facts.isReservedAppRunnerEnvName('PORT')).toBe(true);
  expect(facts.isReservedAppRunnerEnvName('port')).toBe(false);
  expect(facts.isReservedAppRunnerEnvName('APP_ROLE')).toBe(false);
});

test('inRange and describeRange', () => {
  expect(facts.inRange(3, facts.CONNECTION_ATTEMPTS)).toBe(true);
  expect(facts.inRange(4, facts.CONNECTION_ATTEMPTS)).toBe(false);
  expect(facts.inRange(1.5, facts.CONNECTION_ATTEMPTS)).toBe(false);
  expect(facts.inRange('2', facts.CONNECTION_ATTEMPTS)).toBe(false);
  expect(facts.describeRange(facts.ORIGIN_READ_TIMEOUT_SECONDS)).toBe('an integer from 1 to 60');
});
