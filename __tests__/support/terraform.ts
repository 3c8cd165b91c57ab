/**
 * The real `terraform` for the opt-in tests: TERRAFORM_BINARY, else `terraform` on PATH. Found
 * with the harness's own check (verifyTerraform); commands run with execa and keep stdout on
 * failure, because terraform prints its diagnostics there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { verifyTerraform } from '../../harness/targets/aws/tools/terraform.js';
import { findProviderMirror, noInstallCliConfig, type ProviderMirror } from './offline.js';

export const TERRAFORM = process.env['TERRAFORM_BINARY'] ?? 'terraform';

/**
 * The image's filesystem mirror of hashicorp/aws (TF_PROVIDER_MIRROR overrides where to look).
 * Tests install providers only from it: the CLI config has no `direct` block, so terraform never
 * asks the public registry, and a machine without the mirror skips before running init. The
 * same config is TF_CLI_CONFIG_FILE for the whole test process (./environment.js).
 */
export { MIRROR_CANDIDATES, findProviderMirror, type ProviderMirror } from './offline.js';

const MIRROR = findProviderMirror();
export const PROVIDER_MIRROR: ProviderMirror | undefined = 'dir' in MIRROR ? MIRROR : undefined;
/** Why tests that need the AWS provider cannot run here, or undefined. */
export const NO_PROVIDER_MIRROR: string | undefined = 'reason' in MIRROR ? MIRROR.reason : undefined;

/**
 * The environment every test terraform runs with: no prompts, no checkpoint call, and the
 * mirror-only CLI config (or, without a mirror, a CLI config that can install nothing).
 * GOGC/GOMEMLIMIT reach terraform and the provider plugins it starts (Go programs both): the
 * garbage collector waits until a process holds 1 GiB instead of running every time the heap
 * doubles, which takes a quarter of the CPU time off each short-lived command (validate: 3.9 s
 * of CPU, 3.1 s with these) without changing what any command does.
 */
export const TERRAFORM_ENV: Readonly<Record<string, string>> = {
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
  GOGC: 'off',
  GOMEMLIMIT: '1GiB',
  TF_CLI_CONFIG_FILE: PROVIDER_MIRROR?.cliConfigFile ?? noInstallCliConfig(),
};
const ENV = TERRAFORM_ENV;

/**
 * Writes `<name>_override.tf.json` into a Terraform directory so that its hashicorp/aws
 * constraint accepts the mirror's version. What users get keeps its own constraint.
 */
export function writeProviderVersionOverride(dir: string, name = 'zz_mirror'): void {
  if (!PROVIDER_MIRROR) throw new Error(NO_PROVIDER_MIRROR);
  writeFileSync(
    join(dir, `${name}_override.tf.json`),
    JSON.stringify(
      { terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: PROVIDER_MIRROR.awsVersion } } } },
      null,
      2,
    ),
  );
}
/** terraform init could not get the AWS provider: the machine's fault, not the configuration's. */
export const PROVIDER_INSTALL_FAILED =
  /Failed to query available provider packages|Failed to install provider|could not connect to registry/;

export type RealTerraform = { readonly found: true; readonly version: string } | { readonly found: false; readonly reason: string };

export async function findTerraform(): Promise<RealTerraform> {
  try {
    return { found: true, version: await verifyTerraform(TERRAFORM) };
  } catch (e) {
    return { found: false, reason: `no usable terraform (${TERRAFORM}): ${(e as Error).message.split('\n')[0]}` };
  }
}

export interface Outcome {
  readonly ok: boolean;
  readonly output: string;
}

export async function terraform(dir: string | undefined, args: readonly string[], timeoutMs = 120_000): Promise<Outcome> {
  const r = await execa(TERRAFORM, [...(dir ? [`-chdir=${dir}`] : []), ...args], {
    env: ENV,
    timeout: timeoutMs,
    cancelSignal: AbortSignal.timeout(timeoutMs + 10_000),
    reject: false,
    stdin: 'ignore',
    all: true,
  });
  if (r.exitCode === undefined) throw new Error(`${TERRAFORM} ${args.join(' ')} did not run: ${r.shortMessage ?? 'unknown failure'}`);
  return { ok: r.exitCode === 0, output: String(r.all ?? '') };
}

/** Titles of the warnings and errors terraform printed. */
export function diagnostics(output: string): string[] {
  return [...output.matchAll(/^(?:[│╷╵]\s*)?(Warning|Error): (.+)$/gm)].map((m) => `${m[1]}: ${m[2]!.trim()}`);
}

/**
 * Runs `terraform init -backend=false` in dir and says why tests that need the AWS provider
 * cannot run, or undefined when they can. An init that fails for another reason is the
 * configuration's fault, so it returns undefined and lets those tests report it.
 */
export async function providerMissing(real: RealTerraform, dir: string): Promise<string | undefined> {
  if (!real.found) return real.reason;
  if (NO_PROVIDER_MIRROR) return NO_PROVIDER_MIRROR;
  const init = await terraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
  if (init.ok || !PROVIDER_INSTALL_FAILED.test(init.output)) return undefined;
  const why = diagnostics(init.output).find((d) => PROVIDER_INSTALL_FAILED.test(d)) ?? 'no registry access';
  return `terraform ${real.version} cannot install hashicorp/aws from the mirror ${PROVIDER_MIRROR?.dir} (${why})`;
}
