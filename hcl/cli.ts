/**
 * `npm run export:hcl -- [--out hcl-out] [--config file] [--no-verify]`: synthesizes the stacks
 * from the validated config and writes one verified Terraform module per stack.
 * Exit codes: 0 written and verified, 2 bad input (config, output directory), 1 anything else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/index.js';
import { synthesize } from '../stacks/synth.js';
import { HclExportError } from './errors.js';
import { exportSynthesized } from './export.js';

interface CliOptions {
  readonly out: string;
  readonly config?: string;
  readonly verify: boolean;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('export:hcl')
    .description('Export each stack as a Terraform module in HCL, and verify it')
    .option('--out <dir>', 'directory to write one module per stack into', 'hcl-out')
    .option('--config <file>', 'JSON config file (otherwise EDGE_FAILOVER_CONFIG and EDGE_FAILOVER_* variables)')
    .option('--no-verify', 'skip the verification of the written modules')
    .exitOverride();
  program.parse([...argv], { from: 'user' });
  const opts = program.opts<CliOptions>();

  const config = loadConfig({ file: opts.config });
  const synthDir = mkdtempSync(join(tmpdir(), 'edge-failover-synth-'));
  try {
    const started = performance.now();
    synthesize(config, synthDir);
    const stacks = await exportSynthesized({ synthDir, outDir: opts.out, verify: opts.verify });
    const ms = Math.round(performance.now() - started);
    for (const s of stacks) {
      const where = relative(process.cwd(), s.moduleDir) || '.';
      console.log(
        `${s.stackName}: wrote ${where}/ (${s.module.resources.length} resources, ${s.module.variables.length} inputs, ${s.module.outputs.length} outputs)`,
      );
      if (s.report) console.log(`  verified: parses, matches cdk.tf.json, canonical format, bare references, no stray files`);
      for (const r of s.module.refinements) console.log(`  note: ${r.path.join('.')}: ${r.reason}`);
    }
    console.log(`done in ${ms} ms`);
    return 0;
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.code === 'string' && err.code.startsWith('commander.'))
      process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2);
    if (e instanceof ConfigError || (e instanceof HclExportError && e.kind === 'usage')) {
      console.error(e.message);
      process.exit(2);
    }
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
