import { dashboardBody, type DashboardInputs } from '../../../modules/monitoring/dashboard.js';

const input: DashboardInputs = {
  title: 'ef',
  primary: { region: 'eu-west-1', serviceName: 'ef-primary', serviceId: 'p-id' },
  secondary: { region: 'us-west-2', serviceName: 'ef-secondary', serviceId: 's-id' },
  distributionId: 'E123',
  healthCheckIds: { primary: 'hc-p', secondary: 'hc-s' },
  alarmArns: ['arn:a', 'arn:b'],
  periodSeconds: 60,
  additionalCloudFrontMetrics: false,
};
type Line = (string | Record<string, string>)[];
const metricsOf = (body: ReturnType<typeof dashboardBody>) =>
  body.widgets.flatMap((w) =>
    ((w.properties.metrics as Line[] | undefined) ?? []).map((l) => ({ title: w.properties.title as string, line: l })),
  );

test('shows requests, latency, 4xx and 5xx of both services, each from its own region', () => {
  const lines = metricsOf(dashboardBody(input)).filter((m) => m.line[0] === 'AWS/AppRunner');
  for (const metric of ['Requests', 'RequestLatency', '4xxStatusResponses', '5xxStatusResponses']) {
    for (const [name, id, region] of [
      ['ef-primary', 'p-id', 'eu-west-1'],
      ['ef-secondary', 's-id', 'us-west-2'],
    ]) {
      const line = lines.find((m) => m.line[1] === metric && m.line.includes(name!))?.line;
      expect(line).toBeDefined();
      expect(line).toEqual(expect.arrayContaining(['ServiceName', name, 'ServiceID', id]));
      expect(line![line!.length - 1]).toMatchObject({ region });
    }
  }
});

test('shows edge requests and error rates from us-east-1 with Region=Global', () => {
  const edge = metricsOf(dashboardBody({ ...input, additionalCloudFrontMetrics: true })).filter((m) => m.line[0] === 'AWS/CloudFront');
  expect(edge.map((m) => m.line[1]).sort()).toEqual(
    ['4xxErrorRate', '502ErrorRate', '503ErrorRate', '504ErrorRate', '5xxErrorRate', 'Requests', 'TotalErrorRate'].sort(),
  );
  for (const m of edge) {
    expect(m.line.slice(2, 6)).toEqual(['DistributionId', 'E123', 'Region', 'Global']);
    expect(m.line[6]).toMatchObject({ region: 'us-east-1' });
  }
});

test('shows both health checks and every alarm', () => {
  const body = dashboardBody(input);
  const checks = metricsOf(body).filter((m) => m.line[0] === 'AWS/Route53');
  expect(checks.map((m) => m.line[3])).toEqual(['hc-p', 'hc-s']);
  expect(body.widgets.find((w) => w.type === 'alarm')?.properties.alarms).toEqual(['arn:a', 'arn:b']);
  expect(
    metricsOf(dashboardBody({ ...input, healthCheckIds: { primary: 'hc-p' } })).filter((m) => m.line[0] === 'AWS/Route53'),
  ).toHaveLength(1);
});

test('widgets fit the 24-column grid without overlapping', () => {
  const cells = new Set<string>();
  for (const w of dashboardBody(input).widgets) {
    expect(w.x + w.width).toBeLessThanOrEqual(24);
    for (let x = w.x; x < w.x + w.width; x++)
      for (let y = w.y; y < w.y + w.height; y++) {
        expect(cells.has(`${x},${y}`)).toBe(false);
        cells.add(`${x},${y}`);
      }
  }
});
