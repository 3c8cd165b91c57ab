/**
 * The exported modules with the real `terraform` binary, when there is one (TERRAFORM_BINARY,
 * else `terraform` on PATH):
 * - `terraform fmt -check` finds nothing to change;
 * - `terraform init -backend=false` loads the configuration without a diagnostic (quoted
 *   references, for instance, are diagnosed while loading, before any provider is needed);
 * - `terraform init -backend=false && terraform validate` pass, which needs the AWS provider:
 *   from the registry, a plugin cache or a mirror. Without it the test is skipped and says why.
 * Finding terraform and running it: __tests__/support/terraform.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, FULL_CONFIG, synthAndExport, type Exported } from './fixtures.js';
import { testUnless } from '../support/skip.js';
import {
  diagnostics,
  findTerraform,
  PROVIDER_MIRROR,
  providerMissing,
  terraform,
  writeProviderVersionOverride,
} from '../support/terraform.js';

/** Diagnostics that concern the machine, not the module. */
const MACHINE_DIAGNOSTICS = [
  /Unable to open CLI configuration file/,
  /Failed to query available provider packages/,
  /Failed to install provider/,
  // A filesystem mirror records the hashes of this platform only.
  /Incomplete lock file information for providers/,
];

// Decided before the tests are declared, so a skipped test names its reason.
const real = await findTerraform();
const modules: Exported[] = real.found ? [await synthAndExport(DEFAULT_CONFIG), await synthAndExport(FULL_CONFIG)] : [];
// The module asks for the provider users get; the tests install the mirror's version.
/** The root module that calls each exported module: a module with configuration_aliases validates through its caller. */
const completeOf = (m: Exported) => join(m.moduleDir, 'examples', 'complete');
if (PROVIDER_MIRROR) for (const m of modules) for (const d of [m.moduleDir, completeOf(m)]) writeProviderVersionOverride(d);
const withTerraform = testUnless(real.found ? undefined : real.reason);
/** Probed once, on the default module. */
const withProviders = testUnless(await providerMissing(real, modules[0] ? completeOf(modules[0]) : '.'));
afterAll(() => {
  for (const m of modules) m.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});
const scratch: string[] = [];

withTerraform('terraform fmt -check finds nothing to change', async () => {
  for (const m of modules) {
    const r = await terraform(m.moduleDir, ['fmt', '-check', '-recursive', '-diff', '-no-color']);
    expect({ module: m.stackName, ok: r.ok, output: r.ok ? '' : r.output }).toEqual({ module: m.stackName, ok: true, output: '' });
  }
});

withTerraform('terraform init loads the configuration without diagnostics', async () => {
  for (const m of modules) {
    const r = await terraform(m.moduleDir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
    const own = diagnostics(r.output).filter((d) => !MACHINE_DIAGNOSTICS.some((p) => p.test(d)));
    expect({ module: m.stackName, diagnostics: own }).toEqual({ module: m.stackName, diagnostics: [] });
    // Loading got as far as provider installation (or through it).
    expect(r.ok || /Initializing provider plugins/.test(r.output)).toBe(true);
  }
});

withTerraform('terraform diagnoses the quoted provider reference cdktf writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcl-tf-quoted-'));
  scratch.push(dir);
  writeFileSync(
    join(dir, 'main.tf'),
    'provider "aws" {\n  alias  = "primary"\n  region = "us-east-1"\n}\n\nresource "aws_sns_topic" "t" {\n  provider = "aws.primary"\n  name     = "t"\n}\n',
  );
  const r = await terraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
  expect(diagnostics(r.output)).toContainEqual(expect.stringMatching(/Quoted references are deprecated|must not be given in quotes/));
});

// The default module's examples are validated (and planned) by module.test.ts; this is the module with every option set.
withProviders('terraform init -backend=false && terraform validate pass on examples/complete of the full-options module', async () => {
  for (const m of modules.slice(1)) {
    const init = await terraform(completeOf(m), ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
    expect({ module: m.stackName, init: init.ok, output: init.ok ? '' : init.output }).toEqual({
      module: m.stackName,
      init: true,
      output: '',
    });
    const validate = await terraform(completeOf(m), ['validate', '-no-color']);
    expect({ module: m.stackName, validate: validate.ok, output: validate.ok ? '' : validate.output }).toEqual({
      module: m.stackName,
      validate: true,
      output: '',
    });
  }
});
