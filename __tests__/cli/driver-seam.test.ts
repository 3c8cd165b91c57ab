/**
 * The commands reach a target only through its driver: a verb a target does not serve is a usage
 * error naming the target and the verb, and each driver option is declared once for every verb.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram, main, type CliIo } from '../../harness/cli.js';
import { drivers, serves } from '../../harness/commands/common.js';
import type { Verb } from '../../harness/targets/driver.js';

const VERBS: readonly Verb[] = ['run', 'up', 'down', 'recover', 'check', 'switch-writes'];

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd };
}

describe('a verb the chosen target does not serve', () => {
  const work = mkdtempSync(join(tmpdir(), 'driver-seam-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test.each([
    ['check', ['check', '--target', 'local']],
    [
      'switch-writes',
      ['switch-writes', '--target', 'local', '--to', 'secondary', '--edge-url', 'http://127.0.0.1:9', '--write-path', '/a'],
    ],
  ])('%s --target local is a usage error naming the target and the verb', async (verb, args) => {
    const o = io(work);
    expect(await main(args, o)).toBe(2);
    expect(o.err.join('')).toContain(`\`dr-drill ${verb}\` is unsupported with --target local: --target = "local": allowed: aws`);
    expect(o.out.join('')).toBe('');
  });

  test('check and switch-writes default to the target that serves them', () => {
    const program = buildProgram(io(work));
    for (const verb of ['check', 'switch-writes'] as const) {
      const target = program.commands.find((c) => c.name() === verb)!.options.find((x) => x.long === '--target')!;
      expect({ verb, default: target.defaultValue }).toEqual({ verb, default: 'aws' });
      expect(target.argChoices).toEqual(Object.keys(drivers));
    }
  });

  test('switch-writes without --kvs-arn reads the deployed stack: with nothing deployed it says so (exit 2)', async () => {
    const o = io(work);
    expect(await main(['switch-writes', '--to', 'secondary', '--edge-url', 'http://127.0.0.1:9', '--write-path', '/a'], o)).toBe(2);
    expect(o.err.join('')).toMatch(
      /^dr-drill: nothing deployed for stack edge-failover \(the local state cdktf\.out\/stacks\/edge-failover\/terraform\.tfstate does not exist\)\n/,
    );
  });
});

describe('driver options', () => {
  test('every driver serves run, up, down and recover; the AWS driver also check and switch-writes', () => {
    expect(VERBS.filter((v) => serves(drivers.local, v))).toEqual(['run', 'up', 'down', 'recover']);
    expect(VERBS.filter((v) => serves(drivers.aws, v))).toEqual(VERBS);
  });

  test('an option a driver gives several verbs is the same option in each (declared once)', () => {
    for (const driver of Object.values(drivers)) {
      const seen = new Map<string, string>();
      for (const verb of VERBS) {
        for (const option of driver.options(verb)) {
          const shape = JSON.stringify({ flags: option.flags, parser: String(option.parseArg), choices: option.argChoices });
          expect({ verb, flag: option.long, shape: seen.get(option.long!) ?? shape }).toEqual({ verb, flag: option.long, shape });
          seen.set(option.long!, shape);
        }
      }
    }
  });

  test('switch-writes takes the AWS CLI options from the AWS driver', () => {
    const program = buildProgram(io(process.cwd()));
    const sw = program.commands.find((c) => c.name() === 'switch-writes')!;
    const awsCli = drivers.aws.options('run').find((o) => o.long === '--aws-cli')!;
    for (const flag of ['--aws-cli', '--profile', '--endpoint-url', '--kvs-arn'])
      expect(sw.options.filter((o) => o.long === flag)).toHaveLength(1);
    expect(sw.options.find((o) => o.long === '--aws-cli')!.description).toBe(awsCli.description);
  });
});
