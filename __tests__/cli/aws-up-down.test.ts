/**
 * `dr-drill up`, `down` and `recover` with --target aws, in-process through main(), against the
 * real AWS CLI v2 (pointed at the local API stub) and the terraform stand-in.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, type CliIo } from '../../harness/cli.js';
import { RunLedger } from '../../harness/targets/aws/safety/ledger.js';
import { readJournal } from '../../harness/targets/aws/safety/journal.js';
import { AWS_CLI_V2, AwsTestWorld, describeWithAwsCli } from '../support/aws/world.js';

describeWithAwsCli('dr-drill up/down/recover --target aws', () => {
  let world: AwsTestWorld;
  let cdktfOut: string;
  let stackDir: string;
  let override: string;
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
    cdktfOut = join(world.root, 'cdktf.out');
    stackDir = join(cdktfOut, 'stacks', 'drilltest');
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, 'cdk.tf.json'), '{}\n');
    override = join(world.root, 'endpoints_override.tf.json');
    writeFileSync(override, '{"provider": {"aws": [{"skip_credentials_validation": true}]}}\n');
    world.control(world.ephemeralControl('drilltest', 'up-run'));
  });
  afterEach(async () => {
    await world.close();
  });

  function cli(args: readonly string[], ask?: CliIo['ask']) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: { ...process.env, ...world.env, EDGE_FAILOVER_NAME_PREFIX: 'drilltest' },
      cwd: world.root,
      ...(ask ? { ask } : {}),
    };
    return main(args, io).then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
  }
  const common = () => [
    '--target',
    'aws',
    '--cdktf-out',
    cdktfOut,
    '--state-dir',
    world.stateDir,
    '--aws-cli',
    AWS_CLI_V2,
    '--endpoint-url',
    world.stub.url,
  ];

  test('up applies the stack and closes its journal, so a run is not refused; down destroys the deployed stack', async () => {
    const up = await cli(['up', '--yes', ...common(), '--terraform-override', override]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(up.stdout).toMatch(/^edge: {6}https:\/\/d\w+\.cloudfront\.net$/m);
    expect(up.stdout).toContain('`dr-drill down --target aws` destroys it');
    expect(world.stub.services.size).toBe(2);
    expect(readFileSync(join(stackDir, 'endpoints_override.tf.json'), 'utf8')).toBe(readFileSync(override, 'utf8'));
    const afterUp = await readJournal(world.stateDir, 'drilltest');
    expect(afterUp).toMatchObject({ command: 'up', mode: 'deploy', applyFinished: true, destroyOwed: false });
    expect(afterUp?.finishedAt).toEqual(expect.any(String));
    expect(afterUp?.options).toEqual({
      stateDir: world.stateDir,
      endpointUrl: world.stub.url,
      awsCli: AWS_CLI_V2,
      terraformOverrides: [override],
    });
    await expect(RunLedger.refuseToStart(world.stateDir, 'drilltest')).resolves.toBeUndefined();

    const down = await cli(['down', '--yes', ...common()]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`Destroyed the stack (terraform destroy in ${stackDir})`);
    expect(world.stub.services.size).toBe(0);
    const calls = world.terraformCalls().filter((c) => c.command !== 'version');
    expect(calls.map((c) => c.command)).toEqual(expect.arrayContaining(['init', 'apply', 'output', 'destroy']));
    expect(calls.filter((c) => c.command === 'destroy').map((c) => c.chdir)).toEqual([stackDir]);
    const afterDown = await readJournal(world.stateDir, 'drilltest');
    expect(afterDown).toMatchObject({ command: 'down', destroyOwed: true, destroyed: true });
    expect(afterDown?.finishedAt).toEqual(expect.any(String));
  });

  test('a failed down leaves the destroy owed with a recovery command carrying every option; recover finishes from the journal alone', async () => {
    expect((await cli(['up', '--yes', ...common()])).code).toBe(0);
    world.control(world.ephemeralControl('drilltest', 'up-run', { destroyFailures: 1, destroyError: 'AccessDenied: injected' }));
    const down = await cli(['down', '--yes', ...common(), '--terraform-override', override]);
    expect(down.code).toBe(3);
    expect(down.stdout).toMatch(/terraform destroy failed: .*AccessDenied: injected/);
    const recoverLine = down.stdout.split('\n').find((l) => l.startsWith('dr-drill recover'));
    expect(recoverLine).toBe(
      `dr-drill recover --target aws --stack drilltest --state-dir ${world.stateDir} --endpoint-url ${world.stub.url} ` +
        `--aws-cli ${AWS_CLI_V2} --terraform-override ${override}   # does all of the below`,
    );
    expect(down.stdout).toContain(`terraform -chdir=${stackDir} destroy -auto-approve`);
    await expect(RunLedger.refuseToStart(world.stateDir, 'drilltest')).rejects.toThrow(/An earlier run .* did not finish/);
    expect(world.stub.services.size).toBe(2);

    // A recovery that would destroy asks first: without a terminal and --yes nothing is destroyed.
    const unconfirmed = await cli(['recover', '--target', 'aws', '--stack', 'drilltest', '--state-dir', world.stateDir]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(
      /^About to finish run \S+ \(down, deploy\) of the stack drilltest from its journal, destroying the stack\n/,
    );
    expect(unconfirmed.stderr).toMatch(/- destroy the stack \(terraform destroy in /);
    expect(world.stub.services.size).toBe(2);
    // --dry-run shows the same plan and leaves the run unfinished: nothing destroyed, the journal still open.
    const dry = await cli(['recover', '--dry-run', '--target', 'aws', '--stack', 'drilltest', '--state-dir', world.stateDir]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(
      /^Dry run: would finish run \S+ \(down, deploy\) of the stack drilltest from its journal, destroying the stack\n/,
    );
    expect(dry.stdout).toMatch(/^Dry run: run \S+ on stack "drilltest" is left unfinished\.\n$/);
    expect(world.stub.services.size).toBe(2);
    expect((await readJournal(world.stateDir, 'drilltest'))?.finishedAt).toBeUndefined();
    // Only where the journal is: endpoint and AWS CLI come from the journal.
    const recovered = await cli(['recover', '--yes', '--target', 'aws', '--stack', 'drilltest', '--state-dir', world.stateDir]);
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain('Destroyed the stack');
    expect(world.stub.services.size).toBe(0);
    expect((await readJournal(world.stateDir, 'drilltest'))?.finishedAt).toEqual(expect.any(String));
  });

  test('up and down ask first: without a terminal and --yes they change nothing; --dry-run plans in a copy and writes nothing', async () => {
    const refused = await cli(['up', ...common()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^About to apply the stack drilltest \(terraform apply in cdktf.out\/stacks\/drilltest\) and leave it deployed\n/,
    );
    expect(refused.stderr).toMatch(/ {2}account: {2}\d{12} as arn:aws:/);
    expect(refused.stderr).toMatch(/ {2}regions: {2}us-east-1, us-west-2\n/);
    expect(refused.stderr).toMatch(
      /\ndr-drill: refusing to apply the stack drilltest without a terminal to confirm on: pass --yes to go ahead, or --dry-run to see the plan only\n$/,
    );
    expect(world.terraformCalls()).toEqual([]);

    const dry = await cli(['up', '--dry-run', ...common()]);
    // stdout holds the run's progress only: the synthesis that reads the stack's failover settings.
    expect({ code: dry.code, stdout: dry.stdout.replace(/^Synthesiz(ing the stack|ed in) .*\n/gm, '') }).toEqual({ code: 0, stdout: '' });
    expect(dry.stderr).toMatch(
      /^Dry run: would apply the stack drilltest[^]*read-only steps:\n {4}- Plan: 3 to add, 0 to change, 0 to destroy\.\n/,
    );
    expect(dry.stderr).toMatch(/Dry run: nothing was changed\.\n$/);
    const planned = world.terraformCalls().filter((c) => c.command !== 'version');
    expect(planned.map((c) => c.command)).toEqual(['init', 'plan']);
    expect(planned.every((c) => !c.chdir.startsWith(world.root))).toBe(true);
    expect(world.stub.services.size).toBe(0);

    // A terminal that answers yes goes ahead.
    const asked = await cli(['up', ...common()], async () => 'yes');
    expect(asked.code).toBe(0);
    expect(world.stub.services.size).toBe(2);
    const dryDown = await cli(['down', '--dry-run', ...common()]);
    expect(dryDown.code).toBe(0);
    expect(dryDown.stderr).toMatch(/^Dry run: would destroy the stack drilltest[^]*- Plan: 0 to add, 0 to change, 3 to destroy\.\n/);
    expect(world.stub.services.size).toBe(2);
    const refusedDown = await cli(['down', ...common()], async () => 'n');
    expect(refusedDown.code).toBe(2);
    expect(world.stub.services.size).toBe(2);
    expect(world.terraformCalls().filter((c) => c.command === 'destroy')).toEqual([]);
    expect(await readJournal(world.stateDir, 'drilltest')).toMatchObject({ command: 'up', finishedAt: expect.any(String) });
    expect(existsSync(join(stackDir, '.terraform'))).toBe(true); // the up's own init, not the plans'
  });

  test('run asks before its run directory exists; --dry-run synthesizes and plans in temporary directories and prints the bounds', async () => {
    const tool = ['--state-dir', world.stateDir, '--aws-cli', AWS_CLI_V2, '--endpoint-url', world.stub.url];
    const refused = await cli(['run', '--target', 'aws', ...tool]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^About to apply a uniquely named copy of the stack drilltest, drill it, and destroy it\n/);
    expect(refused.stderr).toMatch(
      /refusing to apply a uniquely named copy of the stack drilltest, drill it, and destroy it without a terminal/,
    );
    const dry = await cli(['run', '--target', 'aws', '--dry-run', '--failback-threshold', '7', ...tool]);
    // stdout holds the run's progress only: the synthesis that reads the stack's failover settings.
    expect({ code: dry.code, stdout: dry.stdout.replace(/^Synthesiz(ing the stack|ed in) .*\n/gm, '') }).toEqual({ code: 0, stdout: '' });
    expect(dry.stderr).toMatch(/- synthesized drilltest-\w+: .*aws_cloudfront_distribution × 1/);
    expect(dry.stderr).toMatch(/- terraform plan: Plan: 3 to add, 0 to change, 0 to destroy\.\n/);
    expect(dry.stderr).toMatch(/- failover threshold: .*5 s/);
    expect(dry.stderr).toMatch(/- failback threshold: 7 s; viewer GET errors allowed: 0\n/);
    expect(existsSync(join(world.root, 'drill-runs'))).toBe(false);
    expect(existsSync(join(world.stateDir, 'drilltest.journal.json'))).toBe(false);
    expect(world.terraformCalls().filter((c) => c.command === 'apply')).toEqual([]);
  }, 60_000);

  test('bad input exits 2 naming the option, before terraform or AWS is called', async () => {
    const missing = await cli(['up', '--yes', ...common(), '--terraform-override', join(world.root, 'nope_override.tf.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--terraform-override = ');
    expect(missing.stderr).toContain('allowed: an existing file');
    const badName = await cli(['down', '--yes', ...common(), '--terraform-override', join(world.root, 'aws-config')]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('allowed: a file named *_override.tf.json or *_override.tf');
    const noStack = await cli(['down', '--yes', ...common().map((a) => (a === cdktfOut ? join(world.root, 'elsewhere') : a))]);
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toContain('--cdktf-out = ');
    const local = await cli(['down', '--target', 'local', '--endpoint-url', world.stub.url, '--state-dir', world.stateDir]);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain(`--endpoint-url = "${world.stub.url}": allowed: only with --target aws`);
    expect(world.terraformCalls()).toEqual([]);
    expect(world.stub.calls('GetCallerIdentity')).toHaveLength(0);
    expect(existsSync(join(world.stateDir, 'drilltest.journal.json'))).toBe(false);
  });
});
