/**
 * The terraform wrapper, against the terraform stand-in (__tests__/support/aws/bin/terraform),
 * and, opt-in, against a real terraform when one is installed and usable.
 */
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsTargetError, CommandError } from '../../../harness/targets/aws/tools/errors.js';
import {
  Terraform,
  isTerraformAvailable,
  parseOutputJson,
  stringOutput,
  verifyTerraform,
} from '../../../harness/targets/aws/tools/terraform.js';
import { configSchema } from '../../../config/index.js';
import { synthesize } from '../../../stacks/synth.js';
import { FAKE_BIN } from '../../support/aws/world.js';
import { testUnless } from '../../support/skip.js';
import {
  findTerraform,
  PROVIDER_MIRROR,
  providerMissing,
  TERRAFORM_ENV,
  terraform,
  writeProviderVersionOverride,
} from '../../support/terraform.js';

const FAKE = join(FAKE_BIN, 'terraform');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-wrapper-'));
  writeFileSync(join(dir, 'cdk.tf.json'), '{}');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function calls(log: string) {
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { command: string; args: string[]; chdir: string; tfInAutomation: string | null });
}

describe('Terraform wrapper (stand-in)', () => {
  test('runs init, apply, output -json and destroy with -chdir, -input=false, -no-color, var-files and TF_IN_AUTOMATION', async () => {
    const varFile = join(dir, 'drill.tfvars.json');
    writeFileSync(varFile, '{}');
    const control = join(dir, 'control.json');
    writeFileSync(
      control,
      JSON.stringify({
        resources: [{ arn: 'arn:aws:sns:us-east-1:123456789012:t', region: 'us-east-1', tags: {} }],
        outputs: { distribution_id: 'E123' },
      }),
    );
    const log = join(dir, 'calls.jsonl');
    const logFile = join(dir, 'terraform.log');
    const tf = new Terraform({
      stackDir: dir,
      binary: FAKE,
      varFiles: [varFile],
      logFile,
      env: { FAKE_TERRAFORM_CONTROL: control, FAKE_TERRAFORM_LOG: log },
    });
    const s = AbortSignal.timeout(30_000);
    await tf.init(s);
    await tf.apply(s);
    expect(await tf.output(s)).toEqual({ distribution_id: { sensitive: false, type: 'string', value: 'E123' } });
    await tf.destroy(s);
    expect(await tf.output(s)).toEqual({});
    const c = calls(log);
    expect(c.map((x) => [x.command, ...x.args])).toEqual([
      ['init', '-input=false', '-no-color'],
      ['apply', '-auto-approve', '-input=false', '-no-color', `-var-file=${varFile}`],
      ['output', '-json', '-no-color'],
      ['destroy', '-auto-approve', '-input=false', '-no-color', `-var-file=${varFile}`],
      ['output', '-json', '-no-color'],
    ]);
    expect(new Set(c.map((x) => x.chdir))).toEqual(new Set([dir]));
    expect(new Set(c.map((x) => x.tfInAutomation))).toEqual(new Set(['1']));
    const text = readFileSync(logFile, 'utf8');
    expect(text).toMatch(/Terraform has been successfully initialized!/);
    expect(text).toMatch(/Apply complete! Resources: 1 added/);
    expect(text).toMatch(/Destroy complete! Resources: 1 destroyed/);
  });

  test('a failing command raises a CommandError with the command line, exit code and stderr', async () => {
    const tf = new Terraform({ stackDir: dir, binary: FAKE, varFiles: [join(dir, 'missing.tfvars')] });
    const s = AbortSignal.timeout(30_000);
    await tf.init(s);
    const e = (await tf.apply(s).catch((x: unknown) => x)) as CommandError;
    expect(e).toBeInstanceOf(CommandError);
    expect(e.kind).toBe('external');
    expect(e.exitCode).toBe(1);
    expect(e.commandLine).toBe(`${FAKE} -chdir=${dir} apply -auto-approve -input=false -no-color -var-file=${join(dir, 'missing.tfvars')}`);
    expect(e.stderr).toMatch(/Failed to read variables file/);
    expect(e.message).toMatch(/terraform failed \(exit code 1\)/);
  });

  test('a command that outlives its timeout is killed and reported as timed out', async () => {
    const slow = join(dir, 'slow-terraform');
    writeFileSync(slow, '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
    const tf = new Terraform({ stackDir: dir, binary: slow, timeouts: { outputMs: 300 } });
    const started = Date.now();
    const e = (await tf.output(AbortSignal.timeout(30_000)).catch((x: unknown) => x)) as CommandError;
    expect(e.reason).toBe('timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('an aborted signal stops the command', async () => {
    const slow = join(dir, 'slow-terraform');
    writeFileSync(slow, '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
    const tf = new Terraform({ stackDir: dir, binary: slow });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const e = (await tf.init(controller.signal).catch((x: unknown) => x)) as CommandError;
    expect(e.reason).toBe('aborted');
  });

  test('verifyTerraform says what to do when terraform is missing; isTerraformAvailable returns false', async () => {
    const missing = join(dir, 'no-such-terraform');
    await expect(verifyTerraform(missing)).rejects.toThrow(
      /terraform is not usable \(.*no-such-terraform\): not found\nTo recover:\n  Install Terraform 1\.5\.0 or later/,
    );
    await expect(isTerraformAvailable(missing)).resolves.toBe(false);
    await expect(verifyTerraform(FAKE)).resolves.toBe('1.11.4');
  });
});

describe('parseOutputJson', () => {
  test("reads terraform's documented {name: {sensitive, type, value}} format", () => {
    const text = JSON.stringify({
      primary_service_arn: { sensitive: false, type: 'string', value: 'arn:aws:apprunner:us-east-1:1:service/x/y' },
      codes: { sensitive: false, type: ['list', 'number'], value: [404, 500] },
      secret: { sensitive: true, type: 'string', value: 's3cret' },
    });
    const out = parseOutputJson(text);
    expect(out.codes).toEqual({ sensitive: false, type: ['list', 'number'], value: [404, 500] });
    expect(out.secret?.sensitive).toBe(true);
  });

  test('rejects output that is not the documented shape, naming the output', () => {
    expect(() => parseOutputJson('{"x": {"value": 1}}')).toThrow('output "x" lacks the documented {sensitive, type, value} shape');
    expect(() => parseOutputJson('[]')).toThrow(AwsTargetError);
    expect(() => parseOutputJson('Warning: no outputs')).toThrow(/not JSON/);
  });

  test("an output named after a member of Object.prototype is an output like any other, never the table's prototype", () => {
    const names = ['__proto__', 'constructor', 'toString'];
    const text = `{${names.map((n) => `${JSON.stringify(n)}: {"sensitive": false, "type": "string", "value": "v-${n}"}`).join(', ')}}`;
    const out = parseOutputJson(text);
    expect(Object.keys(out)).toEqual(names);
    for (const n of names) expect(stringOutput(out, n, 'stack')).toBe(`v-${n}`);
    // The outputs table has no prototype-borne entries either: an output that is not there is missing.
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    for (const n of ['hasOwnProperty', 'valueOf'])
      expect(() => stringOutput(out, n, 'stack')).toThrow(`terraform output "${n}" is missing in stack`);
  });
});

/**
 * Opt-in: the real terraform, when one is installed (__tests__/support/terraform.ts). The first
 * test needs no providers (only the built-in terraform_data resource), so it runs offline; the
 * second needs the AWS provider.
 */
const real = await findTerraform();
const withTerraform = testUnless(real.found ? undefined : real.reason);
// The synthesized stack needs the AWS provider, which `terraform init` installs from the mirror.
const probeDir = mkdtempSync(join(tmpdir(), 'tf-init-probe-'));
afterAll(() => rmSync(probeDir, { recursive: true, force: true }));
const synth = synthesize(configSchema.parse({}), join(probeDir, 'out'));
if (PROVIDER_MIRROR) writeProviderVersionOverride(synth.stackDir);
const withProviders = testUnless(await providerMissing(real, synth.stackDir));

describe('real terraform (opt-in)', () => {
  withTerraform(
    `terraform ${real.found ? real.version : ''}: init, apply, output -json and destroy of a provider-less configuration`,
    async () => {
      writeFileSync(
        join(dir, 'main.tf.json'),
        JSON.stringify({
          resource: { terraform_data: { marker: { input: 'drill' } } },
          output: {
            plain: { value: '${terraform_data.marker.output}' },
            codes: { value: [404, 500] },
            hidden: { value: 'x', sensitive: true },
          },
        }),
      );
      rmSync(join(dir, 'cdk.tf.json'));
      const logFile = join(dir, 'terraform.log');
      const tf = new Terraform({ stackDir: dir, logFile, env: { TF_CLI_CONFIG_FILE: TERRAFORM_ENV['TF_CLI_CONFIG_FILE'] } });
      const s = AbortSignal.timeout(120_000);
      await tf.init(s);
      await tf.apply(s);
      const out = await tf.output(s);
      expect(out.plain).toEqual({ sensitive: false, type: 'string', value: 'drill' });
      expect(out.codes).toEqual({ sensitive: false, type: ['tuple', ['number', 'number']], value: [404, 500] });
      expect(out.hidden).toMatchObject({ sensitive: true, value: 'x' });
      await tf.destroy(s);
      expect(await tf.output(s)).toEqual({});
      expect(readFileSync(logFile, 'utf8')).toMatch(/Destroy complete!/);
    },
    120_000,
  );

  withProviders('terraform validate accepts the synthesized stack', async () => {
    const validate = await terraform(synth.stackDir, ['validate', '-no-color']);
    expect({ ok: validate.ok, output: validate.ok ? '' : validate.output }).toEqual({ ok: true, output: '' });
  });
});
