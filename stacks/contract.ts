/**
 * The stack's contract with the drill: the Terraform output names it reads and the tags it
 * relies on. Plain constants with no cdktf import, so the harness can read them without loading
 * the stack and its provider bindings.
 */

/** Tag keys the project puts on everything it creates; the drill relies on them. */
export const MANAGED_BY_TAG = 'ManagedBy';
export const MANAGED_BY_VALUE = 'edge-failover';
export const STACK_TAG = 'EdgeFailoverStack';
export const ROLE_TAG = 'EdgeFailoverRole';

/** Names of the Terraform outputs: the contract the drill harness reads. */
export const OUTPUTS = {
  distributionId: 'distribution_id',
  distributionDomainName: 'distribution_domain_name',
  primaryServiceArn: 'primary_service_arn',
  primaryServiceUrl: 'primary_service_url',
  primaryServiceName: 'primary_service_name',
  primaryRegion: 'primary_region',
  secondaryServiceArn: 'secondary_service_arn',
  secondaryServiceUrl: 'secondary_service_url',
  secondaryServiceName: 'secondary_service_name',
  secondaryRegion: 'secondary_region',
  healthCheckPath: 'health_check_path',
} as const;

/** Outputs declared only with failover.writeRouter. */
export const WRITE_ROUTER_OUTPUTS = {
  kvsArn: 'write_router_kvs_arn',
} as const;

/** Names of the monitoring layer's Terraform outputs. */
export const MONITORING_OUTPUTS = {
  alertTopicArns: 'alert_topic_arns',
  alarmRegions: 'alarm_regions',
  dashboardName: 'dashboard_name',
  healthCheckIds: 'health_check_ids',
  drillRunnerPolicyJson: 'drill_runner_policy_json',
  drillRunnerRoleArn: 'drill_runner_role_arn',
} as const;

/** The tag the drill's ephemeral mode puts on everything a run creates; the leak sweep looks for it. */
export const RUN_ID_TAG = 'EdgeFailoverRunId';
