/**
 * Fast, exact answers from `dr-drill`, in-process through main(): an unknown command gets a
 * suggestion, and `run` stays the command a bare `dr-drill` (or options alone) runs; `check`
 * with nothing deployed says so from the stack's state alone (the real terraform, behind a
 * wrapper that logs its calls), writes nothing into the user's tree, and answers JSON with --json.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../config/schema.js';
import { main, type CliIo } from '../../harness/cli.js';
import { deployedOutputs } from '../../harness/targets/aws/deployed-outputs.js';
import { testUnless } from '../support/skip.js';
import { findTerraform, TERRAFORM, TERRAFORM_ENV } from '../support/terraform.js';
import { tree } from '../support/tree.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fast-answers-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = root) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { CI: '1', ...env }, cwd };
  const code = await main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('the command word', () => {
  test('an unknown word in the command position is an unknown command, with the nearest command suggested (exit 2)', async () => {
    const typo = await cli(['rnu']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: unknown command 'rnu' \(did you mean run\?\)\n/);
    const asJson = await cli(['rnu', '--json']);
    expect(JSON.parse(asJson.stdout)).toEqual({
      ok: false,
      error: { kind: 'usage', exitCode: 2, message: "unknown command 'rnu' (did you mean run?)" },
    });
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

const real = await findTerraform();
const withTerraform = testUnless(real.found ? undefined : real.reason);

describe('check with nothing deployed', () => {
  /** A terraform that logs each call (working directory, arguments) and runs the real one. */
  function loggedTerraform(dir: string): { binary: string; calls: () => string[][] } {
    const log = join(dir, 'terraform-calls.log');
    const binary = join(dir, 'terraform');
    writeFileSync(binary, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${TERRAFORM}' "$@"\n`);
    chmodSync(binary, 0o755);
    return {
      binary,
      calls: () => {
        try {
          return readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' '));
        } catch {
          return [];
        }
      },
    };
  }
  const env = { EDGE_FAILOVER_NAME_PREFIX: 'drilltest', TF_CLI_CONFIG_FILE: TERRAFORM_ENV['TF_CLI_CONFIG_FILE'] };
  // No AWS CLI at all: nothing-deployed is known before any AWS call.
  const noAws = ['--aws-cli', '/nonexistent/aws'];

  withTerraform(
    'nothing synthesized in the project: exit 2 naming the stack and its state, with no terraform run and nothing written',
    async () => {
      const cwd = mkdtempSync(join(root, 'check-empty-'));
      const tools = mkdtempSync(join(root, 'tools-'));
      const tf = loggedTerraform(tools);
      const r = await cli(['check', '--target', 'aws', '--terraform', tf.binary, ...noAws], env, cwd);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^dr-drill: nothing deployed for stack drilltest \(the local state cdktf\.out\/stacks\/drilltest\/terraform\.tfstate does not exist\)\nTo recover:\n/,
      );
      expect(tf.calls()).toEqual([]);
      expect(tree(cwd)).toEqual([]);
    },
  );

  withTerraform(
    'a synthesized stack whose state holds no outputs: one init and one output, outside the tree; --json answers JSON',
    async () => {
      const cwd = mkdtempSync(join(root, 'check-synthesized-'));
      const stackDir = join(cwd, 'cdktf.out', 'stacks', 'drilltest');
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(
        join(stackDir, 'cdk.tf.json'),
        JSON.stringify({
          terraform: {
            backend: { local: { path: 'terraform.tfstate' } },
            required_providers: { aws: { source: 'aws', version: '>= 6.25.0' } },
          },
        }),
      );
      writeFileSync(
        join(stackDir, 'terraform.tfstate'),
        JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 2, lineage: 'drilltest-destroyed', outputs: {}, resources: [] }),
      );
      const before = tree(cwd);
      const tools = mkdtempSync(join(root, 'tools-'));
      const tf = loggedTerraform(tools);
      const r = await cli(['check', '--target', 'aws', '--json', '--terraform', tf.binary, ...noAws], env, cwd);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toEqual({
        ok: false,
        error: {
          kind: 'usage',
          exitCode: 2,
          message: expect.stringMatching(
            /^nothing deployed for stack drilltest \(the local state cdktf\.out\/stacks\/drilltest\/terraform\.tfstate holds no outputs\)\n/,
          ),
        },
      });
      // terraform ran once each, never in the user's tree (its working directory is a temporary one, -chdir).
      expect(tf.calls().map((c) => c.find((a) => !a.startsWith('-')))).toEqual(['init', 'output']);
      for (const call of tf.calls()) expect(call[0]).not.toContain(cwd);
      expect(tree(cwd)).toEqual(before);
    },
  );

  test('--json answers a usage error found while parsing the command line as JSON too', async () => {
    const r = await cli(['check', '--target', 'aws', '--json', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: { kind: 'usage', exitCode: 2, message: expect.stringContaining("unknown option '--no-such-option'") },
    });
  });

  withTerraform('a deployed stack: its outputs are read from the state, and nothing is written next to it', async () => {
    const cwd = mkdtempSync(join(root, 'deployed-'));
    const stackDir = join(cwd, 'cdktf.out', 'stacks', 'drilltest');
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'state/drill.tfstate' } } } }));
    mkdirSync(join(stackDir, 'state'));
    writeFileSync(
      join(stackDir, 'state', 'drill.tfstate'),
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.4',
        serial: 7,
        lineage: 'drilltest-deployed',
        outputs: { write_router_kvs_arn: { value: 'arn:aws:cloudfront::123456789012:key-value-store/abc', type: 'string' } },
        resources: [],
      }),
    );
    const before = tree(cwd);
    const config = configSchema.parse({ namePrefix: 'drilltest' });
    const found = await deployedOutputs(
      config,
      { cwd, tools: { env: { TF_CLI_CONFIG_FILE: TERRAFORM_ENV['TF_CLI_CONFIG_FILE'] } } },
      AbortSignal.timeout(60_000),
    );
    expect(found).toEqual({
      stackName: 'drilltest',
      stackDir,
      outputs: {
        write_router_kvs_arn: { sensitive: false, type: 'string', value: 'arn:aws:cloudfront::123456789012:key-value-store/abc' },
      },
    });
    expect(tree(cwd)).toEqual(before);
  });
});
