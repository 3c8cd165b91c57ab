/**
 * @slow
 *
 * The way past CDKTF's archive: the project's stack, its sources untouched, synthesized with CDK
 * Terrain (cdktn, @cdktn/provider-aws, installed in compat/cdktn with their own lock file) equals
 * the cdktf one apart from the differences listed below, for the default, ECS Express and
 * full-option configurations, and terraform validates the CDK Terrain stack with the provider
 * mirror. compat/cdktn/README.md says how the package names are mapped.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { loadConfig } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { ADDRESS_CONFIGS } from '../stacks/addresses.js';
import { describeUnless, testUnless } from '../support/skip.js';
import { findTerraform, NO_PROVIDER_MIRROR, terraform, writeProviderVersionOverride } from '../support/terraform.js';

type Json = Record<string, unknown>;
const COMPAT = fileURLToPath(new URL('../../compat/cdktn/', import.meta.url));
const installed = existsSync(join(COMPAT, 'node_modules/cdktn/package.json'));
const versionOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
const real = await findTerraform();

/** Where two JSON values differ (the keys leading there), with both values. */
function differences(a: unknown, b: unknown, path: string[] = []): { path: string[]; cdktf: unknown; cdktn: unknown }[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences((a as Json)[k], (b as Json)[k], [...path, k]));
  }
  return [{ path, cdktf: a, cdktn: b }];
}

describeUnless(installed ? undefined : `compat/cdktn/node_modules is missing (run npm ci in ${COMPAT})`, 'CDK Terrain', () => {
  let work: string;
  let cdktn: Record<string, string>;
  const cdktf: Record<string, string> = {};
  const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as Json;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'edge-failover-cdktn-'));
    writeFileSync(join(work, 'configs.json'), JSON.stringify(ADDRESS_CONFIGS));
    const r = await execa(process.execPath, ['--import', './register.mjs', 'synth.mjs', join(work, 'cdktn'), join(work, 'configs.json')], {
      cwd: COMPAT,
      stdin: 'ignore',
    });
    cdktn = JSON.parse(r.stdout) as Record<string, string>;
    mkdirSync(join(work, 'cdktf'));
    for (const [label, overrides] of Object.entries(ADDRESS_CONFIGS)) {
      cdktf[label] = synthesize(loadConfig({ env: {}, overrides }), join(work, 'cdktf', label)).stackDir;
    }
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test.each(Object.keys(ADDRESS_CONFIGS))('%s: cdk.tf.json equals the cdktf one apart from the listed differences', (label) => {
    expect(differences(json(cdktf[label]!), json(cdktn[label]!))).toEqual([
      // The synthesizer's own version, recorded in the metadata block (not read by terraform).
      {
        path: ['//', 'metadata', 'version'],
        cdktf: versionOf(join(fileURLToPath(new URL('../../', import.meta.url)), 'node_modules/cdktf')),
        cdktn: versionOf(join(COMPAT, 'node_modules/cdktn')),
      },
      // The provider's source address: cdktf's binding writes the short form, CDK Terrain's the
      // full one; terraform reads both as registry.terraform.io/hashicorp/aws. The version
      // constraint (>= 6.25.0) is the stack's own override, so it does not differ.
      { path: ['terraform', 'required_providers', 'aws', 'source'], cdktf: 'aws', cdktn: 'hashicorp/aws' },
    ]);
  });

  // ECS Express Mode needs hashicorp/aws 6.25 or later and the mirror's provider predates it, so the
  // App Runner stacks are validated; the ECS Express one is held equal to cdktf's above.
  const withProviders = testUnless(real.found ? NO_PROVIDER_MIRROR : real.reason);
  withProviders(
    'terraform validates the default and full-option CDK Terrain stacks with the provider mirror',
    async () => {
      await Promise.all(['default', 'full'].map((label) => validates(cdktn[label]!)));
    },
    300_000,
  );
});

async function validates(dir: string): Promise<void> {
  writeProviderVersionOverride(dir);
  const init = await terraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], 300_000);
  expect({ dir, ok: init.ok, output: init.ok ? '' : init.output }).toEqual({ dir, ok: true, output: '' });
  const validate = await terraform(dir, ['validate', '-no-color']);
  expect({ dir, ok: validate.ok, output: validate.ok ? '' : validate.output }).toEqual({ dir, ok: true, output: '' });
}
