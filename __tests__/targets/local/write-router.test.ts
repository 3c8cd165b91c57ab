/** The local edge runs the stack's own write-router function: writes follow the KeyValueStore key. */
import { readFileSync } from 'node:fs';
import { hit, never, provision, removeTempDirs, synthTestStack, testConfig, SECRET, type Provisioned } from './helpers.js';
import { modelledWriteSwitchDelay } from '../../../harness/cloudfront/write-switch-model.js';

const WRITE = '/api/probe';

describe('local world with the write router', () => {
  let world: Provisioned;
  let tfJsonPath: string;

  beforeAll(async () => {
    tfJsonPath = synthTestStack(testConfig({ writeRouter: true }));
    world = await provision(tfJsonPath);
  }, 60_000);

  afterAll(async () => {
    await world?.target.teardown(never());
    removeTempDirs();
  });

  afterEach(async () => {
    await world.target.clear('primary', never());
    await world.target.switchWrites('primary', never());
  });

  test('the endpoints announce the router and the modelled switch delay', () => {
    expect(world.endpoints.details.writeRouter).toBe('on');
    expect(world.endpoints.writeRouter?.switchDelaySeconds).toBe(10 * 2 + 60);
    expect(world.endpoints.writeRouter?.switchDelayBasis).toMatch(
      /^modelled: Route 53 health check 10 s x 2 failures \+ alarm .*primary-unhealthy 60 s x 1/,
    );
  });

  test('writes go to the primary while active-region is primary, with the router header', async () => {
    const seen = await hit(world.endpoints.edgeUrl, 'POST', WRITE);
    expect(seen).toMatchObject({ status: 200, edgeOrigin: 'primary' });
    expect(seen.servedBy).toMatch(/^primary\//);
  });

  test('after switchWrites(secondary) the next write is served by the secondary, GETs still by the primary', async () => {
    await world.target.switchWrites('secondary', never());
    const write = await hit(world.endpoints.edgeUrl, 'POST', WRITE);
    expect(write).toMatchObject({ status: 200, edgeOrigin: 'secondary' });
    expect(write.servedBy).toMatch(/^secondary\//);
    const get = await hit(world.endpoints.edgeUrl, 'GET', '/');
    expect(get.servedBy).toMatch(/^primary\//);
  });

  test('with the primary paused, writes fail until the switch, then succeed on the secondary', async () => {
    await world.target.inject('primary', { kind: 'pause' }, never());
    const before = await hit(world.endpoints.edgeUrl, 'POST', WRITE);
    expect(before.status).toBe(404);
    expect(before.edgeOrigin).toBe('primary');
    await world.target.switchWrites('secondary', never());
    const after = await hit(world.endpoints.edgeUrl, 'POST', WRITE);
    expect(after).toMatchObject({ status: 200, edgeOrigin: 'secondary' });
  });

  test('the function the edge runs is the one in the synthesized stack', () => {
    const tf = JSON.parse(readFileSync(tfJsonPath, 'utf8'));
    const fn = Object.values<any>(tf.resource.aws_cloudfront_function)[0];
    expect(fn.code).toContain("import cf from 'cloudfront'");
    expect(world.logs.join('\n')).toMatch(/behavior \/api\/\* runs the CloudFront Function \S+ \(viewer-request, in a vm\)/);
  });

  test('origins still refuse requests without the origin-verify header', async () => {
    const direct = await hit(world.endpoints.origins.primary.url, 'POST', WRITE);
    expect(direct.status).not.toBe(200);
    const ok = await hit(world.endpoints.origins.primary.url, 'POST', WRITE, { 'x-origin-verify': SECRET });
    expect(ok.status).toBe(200);
  });
});

describe('the modelled switch delay', () => {
  const tf = (interval: number, threshold: number, period: number, datapoints: number) => ({
    resource: {
      aws_route53_health_check: { hc: { request_interval: interval, failure_threshold: threshold } },
      aws_cloudwatch_metric_alarm: {
        a: {
          alarm_name: 'x-primary-unhealthy',
          period,
          datapoints_to_alarm: datapoints,
          dimensions: { HealthCheckId: '${aws_route53_health_check.hc.id}' },
        },
      },
    },
  });

  test.each([
    [10, 2, 60, 1, 80],
    [30, 3, 60, 1, 150],
    [10, 2, 120, 3, 380],
  ])('interval %i s x %i + period %i s x %i datapoints = %i s', (i, t, p, d, expected) => {
    expect(modelledWriteSwitchDelay(tf(i, t, p, d))?.seconds).toBe(expected);
  });

  test('no alarm, no model', () => {
    expect(modelledWriteSwitchDelay({ resource: {} })).toBeUndefined();
  });
});
