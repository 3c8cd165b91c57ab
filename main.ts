/** cdktf app entry: config -> stacks. Run by `cdktf synth` (see cdktf.json). */
import { App } from 'cdktf';
import { CONTEXT_ENV } from 'cdktf/lib/app.js';
import { ConfigError, loadConfig, type EdgeFailoverConfig } from './config/index.js';
import { EdgeFailoverStack } from './stacks/edge-failover-stack.js';

// The config is validated before the App exists: the App creates its output directory, and
// a bad value must stop synthesis before anything is written.
let config: EdgeFailoverConfig;
try {
  const context = JSON.parse(process.env[CONTEXT_ENV] ?? '{}') as Record<string, unknown>;
  config = loadConfig({ context: (key) => context[key] });
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}

const app = new App();
new EdgeFailoverStack(app, config.namePrefix, { config });
app.synth();
