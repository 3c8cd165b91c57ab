/**
 * The configuration schema and its loader (`import … from 'edge-failover/config'`), without the
 * constructs: validates a config with the same rules as synthesis and the drill, and needs
 * neither cdktf nor the AWS provider bindings.
 */
export { configSchema, type EdgeFailoverConfig, type EdgeFailoverConfigInput } from '../config/schema.js';
export { loadConfig, parseConfig, ENV_VARS, CONFIG_FILE_ENV, type LoadConfigOptions } from '../config/load.js';
export { ConfigError, type ConfigProblem } from '../config/errors.js';
