/**
 * The CloudWatch dashboard body as plain data. One dashboard (in us-east-1) shows both
 * regions: each metric names its own region.
 */
import { GLOBAL_METRICS_REGION, appRunnerDimensions, cloudFrontDimensions, type ServiceMetricsSource } from './alarms.js';

export interface DashboardInputs {
  readonly title: string;
  readonly primary: ServiceMetricsSource;
  readonly secondary: ServiceMetricsSource;
  readonly distributionId: string;
  readonly healthCheckIds: { readonly primary: string; readonly secondary?: string };
  readonly alarmArns: readonly string[];
  readonly periodSeconds: number;
  readonly additionalCloudFrontMetrics: boolean;
}

type MetricLine = (string | Record<string, string>)[];

interface Widget {
  type: 'metric' | 'alarm' | 'text';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const WIDTH = 24;

function metricLine(namespace: string, metric: string, dims: Record<string, string>, options: Record<string, string>): MetricLine {
  return [namespace, metric, ...Object.entries(dims).flat(), options];
}

export function dashboardBody(input: DashboardInputs): { widgets: Widget[] } {
  const services = [
    { label: 'primary', source: input.primary },
    { label: 'secondary', source: input.secondary },
  ];
  const perService = (metric: string, stat: string) =>
    services.map(({ label, source }) =>
      metricLine('AWS/AppRunner', metric, appRunnerDimensions(source), {
        region: source.region,
        stat,
        label: `${label} ${metric} (${source.region})`,
      }),
    );
  const edge = (metric: string, stat: string) =>
    metricLine('AWS/CloudFront', metric, cloudFrontDimensions(input.distributionId), {
      region: GLOBAL_METRICS_REGION,
      stat,
      label: metric,
    });

  const widgets: Widget[] = [];
  let y = 0;
  const row = (height: number, cells: { type: Widget['type']; properties: Record<string, unknown> }[]) => {
    const width = WIDTH / cells.length;
    cells.forEach((c, i) => widgets.push({ type: c.type, x: i * width, y, width, height, properties: c.properties }));
    y += height;
  };
  const timeSeries = (title: string, metrics: MetricLine[], extra: Record<string, unknown> = {}) => ({
    type: 'metric' as const,
    properties: {
      title,
      view: 'timeSeries',
      stacked: false,
      region: GLOBAL_METRICS_REGION,
      period: input.periodSeconds,
      metrics,
      ...extra,
    },
  });

  row(2, [
    {
      type: 'text',
      properties: {
        markdown: `# ${input.title}\nPrimary ${input.primary.region}, secondary ${input.secondary.region}. Secondary requests above the health-check background mean viewers are being failed over.`,
      },
    },
  ]);
  row(6, [{ type: 'alarm', properties: { title: 'Alarm states', alarms: [...input.alarmArns], sortBy: 'stateUpdatedTimestamp' } }]);
  row(6, [
    timeSeries('Requests per service', perService('Requests', 'Sum')),
    timeSeries('Request latency p99 (ms)', perService('RequestLatency', 'p99')),
  ]);
  row(6, [
    timeSeries('4xx responses per service', perService('4xxStatusResponses', 'Sum')),
    timeSeries('5xx responses per service', perService('5xxStatusResponses', 'Sum')),
  ]);
  const errorRates = [
    '4xxErrorRate',
    '5xxErrorRate',
    'TotalErrorRate',
    ...(input.additionalCloudFrontMetrics ? ['502ErrorRate', '503ErrorRate', '504ErrorRate'] : []),
  ];
  row(6, [
    timeSeries('Edge requests', [edge('Requests', 'Sum')]),
    timeSeries(
      'Edge error rates (%)',
      errorRates.map((m) => edge(m, 'Average')),
      { yAxis: { left: { min: 0, max: 100 } } },
    ),
  ]);
  const checks = [
    { label: 'primary', id: input.healthCheckIds.primary },
    ...(input.healthCheckIds.secondary !== undefined ? [{ label: 'secondary', id: input.healthCheckIds.secondary }] : []),
  ];
  row(6, [
    timeSeries(
      'Route 53 health-check status (1 healthy, 0 unhealthy)',
      checks.map((c) =>
        metricLine(
          'AWS/Route53',
          'HealthCheckStatus',
          { HealthCheckId: c.id },
          { region: GLOBAL_METRICS_REGION, stat: 'Minimum', label: c.label },
        ),
      ),
      { yAxis: { left: { min: 0, max: 1 } } },
    ),
  ]);
  return { widgets };
}
