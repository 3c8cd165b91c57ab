/**
 * The exported modules with the real `terraform` binary, when there is one (TERRAFORM_BINARY,
 * else `terraform` on PATH):
 * - `terraform fmt -check` finds nothing to change;
 * - `terraform init -backend=false` loads the configuration without a diagnostic (quoted
 *   references, for instance, are diagnosed while loading, before any provider is needed);
 * - `terraform init -backend=false && terraform validate` pass, which needs the AWS provider:
 *   from the registry, a plugin cache or a mirror. Without it the test is skipped and says why.
 * Commands run with execa (argument arrays, a timeout, an AbortSignal); unlike the harness's
 * runner, a failed command's stdout is kept, because terraform prints its diagnostics there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DEFAULT_CONFIG, FULL_CONFIG, synthAndExport, type Exported } from './fixtures.js';

const BINARY = process.env['TERRAFORM_BINARY'] ?? 'terraform';
const ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
/** Diagnostics that concern the machine, not the module. */
const MACHINE_DIAGNOSTICS = [
  /Unable to open CLI configuration file/,
  /Failed to query available provider packages/,
  /Failed to install provider/,
];
const PROVIDER_INSTALL_FAILED = /Failed to query available provider packages|Failed to install provider|could not connect to registry/;

interface Outcome {
  readonly ok: boolean;
  readonly output: string;
}

async function terraform(dir: string | undefined, args: readonly string[], timeoutMs = 120_000): Promise<Outcome> {
  const r = await execa(BINARY, [...(dir ? [`-chdir=${dir}`] : []), ...args], {
    env: ENV,
    timeout: timeoutMs,
    cancelSignal: AbortSignal.timeout(timeoutMs + 10_000),
    reject: false,
    stdin: 'ignore',
    all: true,
  });
  if (r.exitCode === undefined) throw new Error(`${BINARY} ${args.join(' ')} did not run: ${r.shortMessage ?? 'unknown failure'}`);
  return { ok: r.exitCode === 0, output: String(r.all ?? '') };
}

/** Titles of the warnings and errors terraform printed. */
function diagnostics(output: string): string[] {
  return [...output.matchAll(/^(?:[│╷╵]\s*)?(Warning|Error): (.+)$/gm)].map((m) => `${m[1]}: ${m[2]!.trim()}`);
}

// Decided before the tests are declared, so a skipped test names its reason.
const version = await (async () => {
  try {
    const r = await execa(BINARY, ['version', '-json'], { env: ENV, timeout: 30_000, stdin: 'ignore' });
    return { found: true as const, version: (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version };
  } catch (e) {
    return { found: false as const, reason: `no usable terraform (${BINARY}): ${(e as Error).message.split('\n')[0]}` };
  }
})();

let modules: Exported[] = [];
/** Outcome of `terraform init -backend=false` on the default module, probed once. */
let providerProbe: { usable: boolean; reason: string } = { usable: false, reason: 'terraform not found' };
if (version.found) {
  modules = [await synthAndExport(DEFAULT_CONFIG), await synthAndExport(FULL_CONFIG)];
  const init = await terraform(modules[0]!.moduleDir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
  providerProbe = init.ok
    ? { usable: true, reason: '' }
    : {
        usable: false,
        reason: PROVIDER_INSTALL_FAILED.test(init.output)
          ? `terraform ${version.version} cannot install hashicorp/aws (${diagnostics(init.output).find((d) => PROVIDER_INSTALL_FAILED.test(d)) ?? 'no registry access'}); set TF_PLUGIN_CACHE_DIR or a provider mirror to run it`
          : `terraform init failed: ${diagnostics(init.output).join('; ')}`,
      };
  // A failure other than provider installation is the module's fault: let the test below report it.
  if (!init.ok && !PROVIDER_INSTALL_FAILED.test(init.output)) providerProbe = { usable: true, reason: '' };
}
afterAll(() => {
  for (const m of modules) m.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});
const scratch: string[] = [];

const withTerraform = version.found ? test : test.skip;
const skipNote = version.found ? '' : ` [skipped: ${version.reason}]`;
if (!version.found) console.warn(`terraform tests skipped: ${version.reason}`);
if (version.found && !providerProbe.usable) console.warn(`terraform validate skipped: ${providerProbe.reason}`);

withTerraform(`terraform fmt -check finds nothing to change${skipNote}`, async () => {
  for (const m of modules) {
    const r = await terraform(m.moduleDir, ['fmt', '-check', '-diff', '-no-color']);
    expect({ module: m.stackName, ok: r.ok, output: r.ok ? '' : r.output }).toEqual({ module: m.stackName, ok: true, output: '' });
  }
});

withTerraform(`terraform init loads the configuration without diagnostics${skipNote}`, async () => {
  for (const m of modules) {
    const r = await terraform(m.moduleDir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
    const own = diagnostics(r.output).filter((d) => !MACHINE_DIAGNOSTICS.some((p) => p.test(d)));
    expect({ module: m.stackName, diagnostics: own }).toEqual({ module: m.stackName, diagnostics: [] });
    // Loading got as far as provider installation (or through it).
    expect(r.ok || /Initializing provider plugins/.test(r.output)).toBe(true);
  }
});

withTerraform(`terraform diagnoses the quoted provider reference cdktf writes${skipNote}`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcl-tf-quoted-'));
  scratch.push(dir);
  writeFileSync(
    join(dir, 'main.tf'),
    'provider "aws" {\n  alias  = "primary"\n  region = "us-east-1"\n}\n\nresource "aws_sns_topic" "t" {\n  provider = "aws.primary"\n  name     = "t"\n}\n',
  );
  const r = await terraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
  expect(diagnostics(r.output)).toContainEqual(expect.stringMatching(/Quoted references are deprecated|must not be given in quotes/));
});

const withProviders = version.found && providerProbe.usable ? test : test.skip;
const validateNote = !version.found ? skipNote : providerProbe.usable ? '' : ` [skipped: ${providerProbe.reason}]`;
withProviders(`terraform init -backend=false && terraform validate pass${validateNote}`, async () => {
  for (const m of modules) {
    const init = await terraform(m.moduleDir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
    expect({ module: m.stackName, init: init.ok, output: init.ok ? '' : init.output }).toEqual({
      module: m.stackName,
      init: true,
      output: '',
    });
    const validate = await terraform(m.moduleDir, ['validate', '-no-color']);
    expect({ module: m.stackName, validate: validate.ok, output: validate.ok ? '' : validate.output }).toEqual({
      module: m.stackName,
      validate: true,
      output: '',
    });
  }
});
