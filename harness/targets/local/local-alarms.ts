/**
 * The stack's alarms in the local world. What the world publishes is derived from the resources
 * the synthesized stack declares, never from the alarms, so an alarm that watches the wrong
 * metric, dimension or region sees no data here as it would in AWS:
 *
 * - each origin's service (App Runner): `AWS/AppRunner` Requests and 2xx/4xx/5xxStatusResponses,
 *   dimensions ServiceName and ServiceID, in the service's region, one sample per request its
 *   fault front let through to the service (health checks included, as App Runner counts them);
 * - each Route 53 health check of an origin: one checker probing the origin's resource path every
 *   `request_interval` seconds; the endpoint turns unhealthy after `failure_threshold` consecutive
 *   failures and healthy after as many successes (docs/aws-behaviour/alarms.md#route-53-health-check-evidence);
 *   each probe puts `AWS/Route53` HealthCheckStatus (1 healthy, 0 not), dimension HealthCheckId, in us-east-1;
 * - the distribution: `AWS/CloudFront` Requests and 4xx/5xx/TotalErrorRate (each viewer response a
 *   sample of 100 or 0, so a period's Average is the rate), dimensions DistributionId and Region=Global, in us-east-1.
 *
 * Every alarm is evaluated by LocalCloudWatch, in real time (60 s periods take 60 s).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { GLOBAL_METRICS_REGION } from '../../../core/aws-facts.js';
import { isPlainObject } from '../../../core/json.js';
import { LocalCloudWatch, type MetricId } from '../../alarms/local-cloudwatch.js';
import { providerRegions, readStackAlarms } from '../../alarms/stack-alarms.js';
import type { EdgeRules } from '../../cloudfront/stack-rules.js';
import type { AlarmStatus, AlarmTransition, Role, TargetAlarms, TargetLog } from '../target.js';

/** Route 53's HTTP(S) check passes on a 2xx or 3xx within four seconds to connect and two more to answer (docs/aws-behaviour/alarms.md). */
const CHECK_TIMEOUT_MS = 6_000;

export interface HealthCheckModel {
  /** aws_route53_health_check.<name> */
  readonly address: string;
  readonly role: Role;
  readonly resourcePath: string;
  readonly requestIntervalSeconds: number;
  readonly failureThreshold: number;
}

/** The Route 53 health checks of the stack that probe an origin's service (their fqdn refers to it). */
export function healthChecksOf(tf: unknown, rules: EdgeRules): HealthCheckModel[] {
  const resources = isPlainObject<unknown>(tf) && isPlainObject<unknown>(tf.resource) ? tf.resource : {};
  const checks = isPlainObject<unknown>(resources.aws_route53_health_check) ? resources.aws_route53_health_check : {};
  const models: HealthCheckModel[] = [];
  for (const [name, block] of Object.entries(checks)) {
    if (!isPlainObject<unknown>(block) || typeof block.fqdn !== 'string') continue;
    const fqdn = block.fqdn;
    const role = (['primary', 'secondary'] as const).find((r) => {
      const address = rules.origins[r].serviceAddress;
      return address !== undefined && fqdn.includes(`\${${address}.`);
    });
    if (!role) continue;
    models.push({
      address: `aws_route53_health_check.${name}`,
      role,
      // Absent: Route 53's defaults (botocore route53 HealthCheckConfig): "/", 30 s, 3.
      resourcePath: typeof block.resource_path === 'string' ? block.resource_path : '/',
      requestIntervalSeconds: typeof block.request_interval === 'number' ? block.request_interval : 30,
      failureThreshold: typeof block.failure_threshold === 'number' ? block.failure_threshold : 3,
    });
  }
  return models;
}

/** The metric an origin's service counts its requests under, or undefined when the local world does not publish it. */
export function servedMetricOf(rules: EdgeRules, role: Role, metricName: string): MetricId | undefined {
  const o = rules.origins[role];
  if (!o.serviceAddress?.startsWith('aws_apprunner_service.')) return undefined;
  return {
    region: o.region,
    namespace: 'AWS/AppRunner',
    metricName,
    dimensions: { ServiceName: `\${${o.serviceAddress}.service_name}`, ServiceID: `\${${o.serviceAddress}.service_id}` },
  };
}

/** The local world's stand-in for the account id in the ARNs it makes (it has no account). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * An alarm action as the deployed alarm would hold it: a reference to one of the stack's SNS
 * topics (`${aws_sns_topic.X.arn}`) becomes that topic's ARN in its provider's region, with the
 * local account id; anything else is kept as synthesized.
 */
export function actionArn(tf: unknown, action: string): string {
  const ref = /^\$\{aws_sns_topic\.([\w-]+)\.arn\}$/.exec(action);
  if (!ref || !isPlainObject<unknown>(tf) || !isPlainObject<unknown>(tf.resource)) return action;
  const topics = tf.resource.aws_sns_topic;
  const topic = isPlainObject<unknown>(topics) ? topics[ref[1]!] : undefined;
  if (!isPlainObject<unknown>(topic) || typeof topic.name !== 'string' || topic.name.includes('${')) return action;
  const region = providerRegions(tf).get(typeof topic.provider === 'string' ? topic.provider : 'aws');
  return region === undefined ? action : `arn:aws:sns:${region}:${LOCAL_ACCOUNT_ID}:${topic.name}`;
}

function distributionMetric(rules: EdgeRules, metricName: string): MetricId {
  return {
    region: GLOBAL_METRICS_REGION,
    namespace: 'AWS/CloudFront',
    metricName,
    dimensions: { DistributionId: `\${${rules.distributionAddress}.id}`, Region: 'Global' },
  };
}

export interface LocalAlarmWorldProps {
  readonly tf: unknown;
  readonly tfJsonPath: string;
  readonly rules: EdgeRules;
  /** Where each origin's health checker sends its probes (its fault front), read when the checkers start. */
  readonly originUrl: (role: Role) => string;
  readonly log: TargetLog;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** The metrics and alarms of one local world, from its provision to its teardown. */
export class LocalAlarmWorld {
  readonly cloudWatch: LocalCloudWatch;
  readonly checks: readonly HealthCheckModel[];
  private readonly stopped = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly clock: () => number;

  constructor(private readonly props: LocalAlarmWorldProps) {
    this.clock = props.clock ?? Date.now;
    this.cloudWatch = new LocalCloudWatch(readStackAlarms(props.tf, props.tfJsonPath), this.clock());
    this.checks = healthChecksOf(props.tf, props.rules);
    for (const role of ['primary', 'secondary'] as const) {
      if (!servedMetricOf(props.rules, role, 'Requests')) {
        props.log(
          `alarms: the ${role} origin's served-requests metric is not published locally (only App Runner's AWS/AppRunner Requests is)`,
        );
      }
    }
  }

  /** Starts the health checkers. */
  start(): void {
    for (const check of this.checks) {
      this.props.log(
        `alarms: Route 53 health check ${check.address} probes the ${check.role} origin's ${check.resourcePath} every ${check.requestIntervalSeconds} s (unhealthy after ${check.failureThreshold} failures)`,
      );
      this.loops.push(this.runChecker(check));
    }
  }

  /** The fault front let a request through to the role's service, which answered `status`. */
  served(role: Role, status: number): void {
    const at = this.clock();
    const put = (name: string) => {
      const m = servedMetricOf(this.props.rules, role, name);
      if (m) this.cloudWatch.put(m, 1, at);
    };
    put('Requests');
    const klass = Math.floor(status / 100);
    if (klass >= 2 && klass <= 5 && klass !== 3) put(`${klass}xxStatusResponses`);
  }

  /** The edge answered a viewer with `status`. */
  viewerAnswered(status: number): void {
    const at = this.clock();
    const put = (name: string, value: number) => this.cloudWatch.put(distributionMetric(this.props.rules, name), value, at);
    put('Requests', 1);
    put('4xxErrorRate', status >= 400 && status < 500 ? 100 : 0);
    put('5xxErrorRate', status >= 500 ? 100 : 0);
    put('TotalErrorRate', status >= 400 ? 100 : 0);
  }

  /** Stops the health checkers and waits for their last probe. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await Promise.all(this.loops);
  }

  /** The world's alarms for the drill, named `<namePrefix>-<kind>`. */
  targetAlarms(namePrefix: string): TargetAlarms {
    return {
      namePrefix,
      describe: async (names, signal): Promise<AlarmStatus[]> => {
        signal.throwIfAborted();
        const arns = (actions: readonly string[]) => actions.map((a) => actionArn(this.props.tf, a));
        return this.cloudWatch
          .describe(names, this.clock())
          .map((s) => ({ ...s, alarmActions: arns(s.alarmActions), okActions: arns(s.okActions) }));
      },
      history: async (alarm, since, signal): Promise<AlarmTransition[]> => {
        signal.throwIfAborted();
        return this.cloudWatch.history(alarm.name, since, this.clock());
      },
    };
  }

  private async runChecker(check: HealthCheckModel): Promise<void> {
    const signal = this.stopped.signal;
    const metric: MetricId = {
      region: GLOBAL_METRICS_REGION,
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensions: { HealthCheckId: `\${${check.address}.id}` },
    };
    const url = this.props.originUrl(check.role);
    let healthy = true;
    let streak = 0;
    // Probes at a fixed cadence, however long one takes to answer.
    const first = this.clock();
    for (let k = 1; !signal.aborted; k++) {
      let passed = false;
      try {
        const res = await request(`${url}${check.resourcePath}`, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(CHECK_TIMEOUT_MS)]),
        });
        await res.body.dump();
        passed = res.statusCode >= 200 && res.statusCode < 400;
      } catch {
        if (signal.aborted) return;
      }
      // A result that disagrees with the status counts toward the threshold; one that agrees resets it.
      streak = passed === healthy ? 0 : streak + 1;
      if (streak >= check.failureThreshold) {
        healthy = passed;
        streak = 0;
        this.props.log(`alarms: ${check.address} sees the ${check.role} origin ${healthy ? 'healthy' : 'unhealthy'}`);
      }
      this.cloudWatch.put(metric, healthy ? 1 : 0, this.clock());
      try {
        await sleep(Math.max(0, first + k * check.requestIntervalSeconds * 1000 - this.clock()), undefined, { signal });
      } catch {
        return;
      }
    }
  }
}
