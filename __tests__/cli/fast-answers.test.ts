/**
 * Fast, exact answers from `dr-drill`, in-process through main(): an unknown command gets a
 * suggestion, and `run` stays the command a bare `dr-drill` (or options alone) runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../harness/cli.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fast-answers-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { CI: '1', ...env }, cwd: root };
  const code = await main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('the command word', () => {
  test('an unknown word in the command position is an unknown command, with the nearest command suggested (exit 2)', async () => {
    const typo = await cli(['rnu']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: unknown command 'rnu' \(did you mean run\?\)\n/);
    const far = await cli(['deploy-everything', '--plain']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/^error: unknown command 'deploy-everything'\n/);
  });

  test('options alone run `run` (its own option checks answer), and the program keeps its --help and --version', async () => {
    const optionsOnly = await cli(['--fault', 'nope']);
    expect(optionsOnly.code).toBe(2);
    expect(optionsOnly.stderr).toContain(`error: option '--fault <fault>' argument 'nope' is invalid.`);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Commands:\n {2}run \[options\] +run the full drill \(the default command\)$/m);
    const version = await cli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
