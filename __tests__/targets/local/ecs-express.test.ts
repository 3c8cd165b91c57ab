import { loadEdgeRules } from '../../../harness/cloudfront/stack-rules.js';
import { ALB_PAUSE_MEANING, albFixedResponse } from '../../../harness/targets/local/alb-model.js';
import { PROBE_APP_START_COMMAND } from '../../../app/launch.js';
import { SECRET, hit, never, provision, removeTempDirs, synthTestStack, testConfig, type Provisioned } from './helpers.js';

const ecsConfig = () => ({ ...testConfig(), service: { backend: 'ecs-express' as const } });

afterAll(() => removeTempDirs());

describe('the ALB model', () => {
  test('fixed-response 503 comes from the ALB, with no served-by header', () => {
    const r = albFixedResponse();
    expect(r.status).toBe(503);
    expect(r.headers.server).toBe('awselb/2.0');
    expect(Object.keys(r.headers)).not.toContain('x-served-by');
  });
});

describe('the local world with service.backend "ecs-express"', () => {
  test('reads each origin from its Express service: backend, region, command and environment', async () => {
    const rules = await loadEdgeRules({ tfJsonPath: synthTestStack(ecsConfig()) });
    expect(rules.origins.primary.backend).toBe('ecs-express');
    expect(rules.origins.secondary.region).toBe('us-west-2');
    expect(rules.origins.primary.startCommand).toBe(PROBE_APP_START_COMMAND);
    expect(rules.origins.primary.serviceEnvironment.PROBE_ROLE).toBe('primary');
    expect(rules.origins.primary.serviceEnvironment.ORIGIN_VERIFY_SECRET).toBe(SECRET);
    expect(rules.warnings.filter((w) => /does not refer/.test(w))).toEqual([]);
  });

  describe('pause is the ALB fixed-response 503, and the edge fails over on it', () => {
    let world: Provisioned;
    beforeAll(async () => {
      world = await provision(synthTestStack(ecsConfig()));
    });
    afterAll(async () => {
      await world?.target.teardown(never());
    });

    test('the primary answers 503 from the ALB, viewers are served by the secondary, clear restores', async () => {
      const { target, endpoints, logs } = world;
      const headers = { ...endpoints.origins.primary.headers };
      expect(endpoints.details.backend).toBe('ecs-express');
      expect(endpoints.details.pauseFault).toBe(ALB_PAUSE_MEANING);
      await target.inject('primary', { kind: 'pause' }, never());
      const direct = await hit(endpoints.origins.primary.url, 'GET', '/', headers);
      expect([direct.status, direct.servedBy]).toEqual([503, undefined]);
      const viewer = await hit(endpoints.edgeUrl, 'GET', '/');
      expect([viewer.status, viewer.servedBy]).toEqual([200, 'secondary/us-west-2']);
      expect(logs.some((l) => l.includes(ALB_PAUSE_MEANING))).toBe(true);
      await target.clear('primary', never());
      expect((await hit(endpoints.edgeUrl, 'GET', '/')).servedBy).toBe('primary/us-east-1');
    });
  });
});
