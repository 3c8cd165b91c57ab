/**
 * The package's public entry (`import … from 'edge-failover'`): the constructs with their props,
 * and the configuration schema and loader. Everything else in the package is internal and may
 * change in any release.
 *
 * The constructs create no provider, backend or stack of their own: each takes the caller's
 * `TerraformProvider` for its region (compute) or for us-east-1 (the edge, monitoring, the drill
 * runner), so they compose inside any CDKTF stack.
 */
export { EdgeFailover, type EdgeFailoverProps } from '../modules/edge-failover.js';
export type { IRegionalCompute, RegionalComputeProps, ServedRequestsMetric } from '../modules/compute/regional-compute.js';
export { AppRunnerRegionalService, type RegionalServiceProps as AppRunnerRegionalServiceProps } from '../modules/compute/app-runner.js';
export { EcsExpressRegionalService, type EcsExpressServiceProps } from '../modules/compute/ecs-express.js';
export { FailoverMonitoring, type FailoverMonitoringProps, type TopicEncryption } from '../modules/monitoring/failover-monitoring.js';
export type { MonitoringSettings } from '../modules/monitoring/settings.js';
export { WriteRouter, type WriteRouterProps } from '../modules/write-router/write-router.js';
export type { WriteRouterOrigins } from '../modules/write-router/function-code.js';
export { DrillRunner, type DrillRunnerProps } from '../modules/drill-runner/drill-runner.js';
export { ConstructValidationError } from '../core/errors.js';
export * from './config.js';
