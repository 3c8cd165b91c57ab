/** cdktf app entry: config -> stacks. Run by `cdktf synth` (see cdktf.json). */
import { App } from 'cdktf';
import { ConfigError, loadConfig } from './config/index.js';
import { EdgeFailoverStack } from './stacks/edge-failover-stack.js';

const app = new App();
try {
  const config = loadConfig({ context: (key) => app.node.tryGetContext(key) });
  new EdgeFailoverStack(app, config.namePrefix, { config });
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
app.synth();
