/**
 * The documentation tables of options and faults, tested against the code: commander's option
 * definitions (buildProgram, the drivers) and the local world's fault list.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../harness/cli.js';
import { drivers } from '../../harness/commands/common.js';
import type { Verb } from '../../harness/targets/driver.js';
import { createLocalTarget } from '../../harness/targets/local/index.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const harnessReadme = read('harness/README.md');
const VERBS: readonly Verb[] = ['run', 'up', 'down', 'recover', 'check', 'switch-writes'];

/** The rows of the first table after `heading`, as cells (with `\|` kept as `|`). */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .replace(/\\\|/g, '\u0000')
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/\u0000/g, '|')),
    );
  }
  return rows;
}
const flagsIn = (cell: string) => [...cell.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);

const program = buildProgram({ stdout: () => {}, stderr: () => {}, env: {}, cwd: process.cwd() });
const command = (name: string) => program.commands.find((c: Command) => c.name() === name)!;
const awsOnly = (verb: Verb) => new Set(drivers.aws.options(verb).map((o) => o.long!));
const shared = (verb: Verb): Option[] => command(verb).options.filter((o: Option) => !awsOnly(verb).has(o.long!));

describe('harness/README.md option tables match the commander definitions', () => {
  const runTable = tableAfter(harnessReadme, '## Options of `run`');
  const awsTable = tableAfter(harnessReadme, '## Options of the AWS target');

  test.each(shared('run').map((o) => [o.long!, o] as const))('run %s is in the run table, with its default', (flag, option) => {
    const row = runTable.find((r) => flagsIn(r[0]!).includes(flag));
    expect(row).toBeDefined();
    if (option.defaultValue !== undefined) expect(row![1]).toContain(`\`${String(option.defaultValue)}\``);
  });

  test('every flag in the run table is an option of run, and not an AWS-only one', () => {
    const known = new Set(shared('run').map((o) => o.long!));
    for (const row of runTable)
      for (const flag of flagsIn(row[0]!)) expect({ flag, known: known.has(flag) }).toEqual({ flag, known: true });
  });

  test('the AWS table lists each AWS-only option with exactly the commands that take it', () => {
    const byFlag = new Map<string, Verb[]>();
    for (const verb of VERBS) for (const flag of awsOnly(verb)) byFlag.set(flag, [...(byFlag.get(flag) ?? []), verb]);
    const documented = new Map<string, string[]>();
    for (const row of awsTable)
      for (const flag of flagsIn(row[0]!))
        documented.set(
          flag,
          [...row[1]!.matchAll(/`([\w-]+)`/g)].map((m) => m[1]!),
        );
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(byFlag));
  });

  test('the options every target shares are named for up, down and recover', () => {
    const sentence = harnessReadme.split('\n').find((l) => l.startsWith('`up`, `down` and `recover` take'))!;
    for (const verb of ['up', 'down', 'recover'] as const) {
      expect(new Set(flagsIn(sentence))).toEqual(new Set(shared(verb).map((o) => o.long!)));
    }
  });
});

describe('fault tables match the local world', () => {
  const kinds = createLocalTarget({ tfJsonPath: 'unused/cdk.tf.json' }).supportedFaults;

  test('harness/targets/README.md has one row per fault', () => {
    const rows = tableAfter(read('harness/targets/README.md'), '| Fault ');
    expect(rows.map((r) => /^`([a-z]+)/.exec(r[0]!)![1])).toEqual([...kinds]);
  });

  test('docs/local-world.md lists every fault, and the --fault row and help name them all', () => {
    const doc = read('docs/local-world.md');
    for (const kind of kinds) expect(doc).toMatch(new RegExp(`^- \`${kind}(:<\\w+>)?\`:`, 'm'));
    const row = tableAfter(harnessReadme, '## Options of `run`').find((r) => r[0]!.includes('--fault'))!;
    const help = command('run').options.find((o: Option) => o.long === '--fault')!.description;
    for (const kind of kinds) {
      expect(row[2]).toMatch(new RegExp(`\`${kind}[\`:]`));
      expect(help).toMatch(new RegExp(`\\b${kind}\\b`));
    }
  });
});
