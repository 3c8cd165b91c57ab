/**
 * cdktf app entry: config -> stacks. Run by `cdktf synth` (see cdktf.json).
 *
 * `tsx main.ts --check` validates the config alone (cdktf.json's context, the config file and
 * EDGE_FAILOVER_* variables) and exits 2 on a bad value: `npm run synth` runs it first, because
 * cdktf reports any failure of the app as exit 1.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { CONTEXT_ENV } from 'cdktf/lib/app.js';
import { ConfigError, loadConfig, type EdgeFailoverConfig } from './config/index.js';
import { EdgeFailoverStack } from './stacks/edge-failover-stack.js';

const check = process.argv.includes('--check');

/** The cdktf context: what cdktf passes the app, or (with --check, outside cdktf) cdktf.json's own. */
function contextOf(): Record<string, unknown> {
  const fromCdktf = process.env[CONTEXT_ENV];
  if (fromCdktf !== undefined) return JSON.parse(fromCdktf) as Record<string, unknown>;
  if (!check) return {};
  const cdktfJson = JSON.parse(readFileSync(new URL('./cdktf.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> };
  return cdktfJson.context ?? {};
}

// The config is validated before the App exists: the App creates its output directory, and
// a bad value must stop synthesis before anything is written.
let config: EdgeFailoverConfig;
try {
  const context = contextOf();
  config = loadConfig({ context: (key) => context[key] });
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}

if (!check) {
  const app = new App();
  new EdgeFailoverStack(app, config.namePrefix, { config });
  app.synth();
  // The origin-verify secret is a variable default in cdk.tf.json: the file is the owner's alone.
  if (config.failover.originVerify.secret !== '') {
    chmodSync(join(app.outdir, 'stacks', config.namePrefix, 'cdk.tf.json'), 0o600);
  }
}
