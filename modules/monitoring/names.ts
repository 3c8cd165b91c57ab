/**
 * Names of the monitoring resources, as pure functions of the stack's name prefix. Alarm
 * names are also how the topic policies and the drill runner's IAM policy are scoped, so
 * they are API: renaming one replaces the alarm.
 */

/** The alarms the monitoring layer creates, one per thing an operator must hear about. */
export const ALARM_KINDS = [
  'failover-active',
  'primary-unhealthy',
  'secondary-unhealthy',
  'viewers-see-errors',
  'viewers-see-502',
  'viewers-see-503',
  'viewers-see-504',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** CloudWatch alarm names: 1 to 255 characters (botocore cloudwatch AlarmName). */
export function alarmName(namePrefix: string, kind: AlarmKind): string {
  return `${namePrefix}-${kind}`;
}

/** Matches every alarm of this stack and nothing else (used in ArnLike conditions). */
export function alarmNamePattern(namePrefix: string): string {
  return `${namePrefix}-*`;
}

/** SNS topic names are regional, so every region's topic has the same name. */
export function topicName(namePrefix: string): string {
  return `${namePrefix}-alerts`;
}

export function keyAliasName(namePrefix: string): string {
  return `alias/${namePrefix}-alerts`;
}

/** EventBridge rule names: 1 to 64 characters of [.\-_A-Za-z0-9]. `slug` is the backend's word (modules/compute/registry.ts). */
export function eventRuleName(namePrefix: string, role: 'primary' | 'secondary', slug: string): string {
  return `${namePrefix}-${role}-${slug}-status`;
}

export function dashboardName(namePrefix: string): string {
  return `${namePrefix}-failover`;
}

export function healthCheckName(namePrefix: string, role: 'primary' | 'secondary'): string {
  return `${namePrefix}-${role}-health`;
}
