/**
 * The ServiceBackend seam: a third backend is one object and one registration. A test-only backend,
 * registered through BackendRegistry.with, is driven through the AWS target's inject, clear, teardown
 * and `recover` (the CloudFront and STS calls still go through the real AWS CLI v2 and the stub); the
 * built-in backends' IAM actions are the ones the stack grants the drill runner, and a third backend
 * registered on the constructs' side too (modules/compute/registry.ts) is granted what it calls.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { EdgeFailoverConfig } from '../../../config/index.js';
import { COMPUTE_BACKEND_REGISTRY } from '../../../modules/compute/registry.js';
import { drillRunnerStatements } from '../../../modules/drill-runner/policy.js';
import { BACKENDS } from '../../../harness/targets/aws/backends/registry.js';
import { type ServiceBackend, makeFault } from '../../../harness/targets/aws/backends/service-backend.js';
import { AwsTarget } from '../../../harness/targets/aws/aws-target.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import { recover } from '../../../harness/targets/aws/recover.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';
import { AwsTestWorld, EPHEMERAL_RUN as RUN, describeWithAwsCli, signal } from '../../support/aws/world.js';
import { fakeComputeBackend } from '../../support/fake-compute-backend.js';

/** A backend whose fault is a flag per service, kept by the test. */
function fakeBackend(faulted: Set<string>, tags: (arn: string) => Record<string, string>, host: (arn: string) => string = () => ''): ServiceBackend {
  return {
    key: 'fake',
    noun: 'fake service',
    faultVerb: 'fake-fault the primary',
    faultStep: (role, region) => `fake-fault the ${role} in ${region}`,
    details: { backend: 'fake' },
    iamActions: [],
    arn: { pattern: /^arn:/, allowed: 'an ARN' },
    endpointsFromOptions: false,
    explicitService: (_cli, s) => Promise.resolve({ url: `https://${host(s.serviceArn)}` }),
    ready: () => Promise.resolve(undefined),
    inspect: (_cli, s) => Promise.resolve({ role: s.role, serviceArn: s.serviceArn, host: host(s.serviceArn), status: 'UP', tags: tags(s.serviceArn) }),
    checks: { faultStatus: 404, faultStatusReason: 'the fake fault answers 404', outage: 'n/a', hostRouting: 'n/a', service: () => [], services: () => [] },
    async inject(ctx, s, ledger) {
      const fault = {
        backend: 'fake',
        role: s.role,
        region: s.region,
        serviceArn: s.serviceArn,
        resource: `fake:${s.serviceArn}`,
        undoCommands: [{ region: s.region, args: ['fake', 'unfault', '--service', s.serviceArn] }],
      };
      await ledger.faultOwed(fault, 'UP');
      await makeFault({
        what: 'fake fault',
        fault,
        ledger,
        log: ctx.log,
        call: () => {
          faulted.add(s.serviceArn);
          return Promise.resolve({ ok: true as const, value: {} });
        },
        refusals: [],
        readState: () => Promise.resolve('started'),
      });
    },
    async undo(_ctx, f, ledger) {
      faulted.delete(f.serviceArn);
      await ledger.faultUndone(f.resource, 'fake fault undone');
      return `Undid the fake fault on the ${f.role}.`;
    },
  };
}

describe('the backend registry', () => {
  test('looks backends up by service.backend, names an unknown one, and refuses a key twice', () => {
    expect(BACKENDS.keys).toEqual(['apprunner', 'ecs-express']);
    expect(() => BACKENDS.get('lambda')).toThrow(/^service\.backend = "lambda": allowed: "apprunner", "ecs-express"$/);
    const fake = fakeBackend(new Set(), () => ({}));
    expect(BACKENDS.with(fake).get('fake')).toBe(fake);
    expect(() => BACKENDS.with(fake).with(fake)).toThrow(AwsTargetError);
  });

  test('the drill harness and the constructs know the same backends', () => {
    expect(BACKENDS.keys).toEqual(COMPUTE_BACKEND_REGISTRY.keys);
  });

  test.each(BACKENDS.keys)('backend %s: its IAM actions are the ones the stack grants the drill runner (modules/compute/registry.ts)', (key) => {
    const granted = Object.values(COMPUTE_BACKEND_REGISTRY.get(key).drillRunner.actions).flat();
    expect([...BACKENDS.get(key).iamActions].sort()).toEqual(granted.sort());
  });

  test("a third backend registered on both sides: the drill runner's policy grants what its ServiceBackend calls", () => {
    const harness: ServiceBackend = { ...fakeBackend(new Set(), () => ({})), iamActions: ['fake:BreakService', 'fake:DescribeService'] };
    const constructs = fakeComputeBackend({ fault: ['fake:BreakService'], observe: ['fake:DescribeService'] });
    const backends = BACKENDS.with(harness);
    const computeBackends = COMPUTE_BACKEND_REGISTRY.with(constructs);
    expect(backends.keys).toEqual(computeBackends.keys);
    const policy = drillRunnerStatements(
      {
        backend: 'fake',
        serviceArns: ['arn:aws:fake:us-east-1:111122223333:service/a'],
        regions: ['us-east-1'],
        distributionArn: 'arn:aws:cloudfront::111122223333:distribution/E1',
        originRequestPolicyArn: 'arn:aws:cloudfront::111122223333:origin-request-policy/*',
        alarmArns: ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:ef-*'],
      },
      computeBackends,
    );
    const granted = new Set(policy.flatMap((st) => st.actions));
    for (const action of backends.get('fake').iamActions) expect(granted).toContain(action);
  });
});

describeWithAwsCli('a third backend through the AWS target', () => {
  let world: AwsTestWorld;
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
  });
  afterEach(async () => {
    await world.close();
  });

  test('inject, clear, teardown and recover reach it through the registry given in the options', async () => {
    const { primary, existing } = world.deployExisting();
    const faulted = new Set<string>();
    const backends = BACKENDS.with(
      fakeBackend(
        faulted,
        (arn) => world.stub.services.get(arn)?.tags ?? {},
        (arn) => world.stub.services.get(arn)?.url ?? '',
      ),
    );
    const config = { ...world.config, service: { ...world.config.service, backend: 'fake' } } as unknown as EdgeFailoverConfig;
    const make = () => new AwsTarget(world.options({ mode: 'existing', runId: RUN, stackName: 'drilltest', existing, config, backends }));

    const target = make();
    await target.provision(signal());
    await target.inject('primary', { kind: 'pause' }, signal());
    expect(faulted).toEqual(new Set([primary.arn]));
    await expect(target.clear('primary', signal())).resolves.toEqual({ restored: true, detail: 'Undid the fake fault on the primary.' });
    expect(faulted.size).toBe(0);
    await target.inject('primary', { kind: 'pause' }, signal());
    expect((await target.teardown(signal())).detail).toContain('Undid the fake fault on the primary.');
    expect(faulted.size).toBe(0);

    // A run that dies faulted: the journal prints the backend's own undo, and `recover` finishes it.
    const dying = make();
    await dying.provision(signal());
    await dying.inject('primary', { kind: 'pause' }, signal());
    await (dying as unknown as { ledger: { release(): Promise<void> } }).ledger.release();
    const open = await readJournal(world.stateDir, 'drilltest');
    expect(open?.faults).toEqual([expect.objectContaining({ backend: 'fake', resource: `fake:${primary.arn}` })]);
    const r = await recover({ ...world.options({ mode: 'existing', runId: RUN, stackName: 'drilltest' }), stack: 'drilltest', backends }, signal());
    expect(r).toMatchObject({ found: true, ok: true, detail: expect.stringContaining('Undid the fake fault on the primary.') });
    expect(faulted.size).toBe(0);
  }, 120_000);
});
