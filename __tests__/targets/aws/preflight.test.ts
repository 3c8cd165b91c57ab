/**
 * The preflight of the live deployment through the real AWS CLI v2 and the stub: a run refuses to
 * pause (usage error, nothing paused) unless --force, and `dr-drill check` prints the same findings
 * as a table and as JSON with exit 0 or 1. deployment-checks.test.ts has one test per check, pure.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { main } from '../../../harness/cli.js';
import type { Finding } from '../../../harness/targets/aws/wire.js';
import { ALL_VIEWER, CUSTOM_POLICY, behavior, policy, withBehaviors } from '../../support/aws/distribution.js';
import { AwsTestWorld, EPHEMERAL_RUN as RUN, describeWithAwsCli, signal } from '../../support/aws/world.js';

describeWithAwsCli('preflight of a live deployment (AWS CLI v2 against the stub)', () => {
  let world: AwsTestWorld;
  beforeEach(async () => {
    world = await new AwsTestWorld().start();
  });
  afterEach(async () => {
    await world.close();
  });

  test('a distribution without 404 is refused before anything is paused; --force pauses and the report says so', async () => {
    const { dist, existing } = world.deployExisting();
    dist.config!.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items = [500, 502, 503, 504];
    const target = world.target({ mode: 'existing', runId: RUN, stackName: 'drilltest', existing });
    await expect(target.provision(signal())).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(
        /Refusing to pause the primary: .*\n {2}- OriginGroups.Items\[0\].FailoverCriteria.StatusCodes = 500, 502, 503, 504: must be a list with 404/,
      ),
    });
    await target.teardown(signal());
    expect(world.stub.calls('GetDistributionConfig')).toHaveLength(1);

    const forced = world.target({ mode: 'existing', runId: 'run-2', stackName: 'drilltest', existing, force: true });
    const e = await forced.provision(signal());
    expect(e.details.preflight).toMatch(
      /^overridden by --force: OriginGroups.Items\[0\].FailoverCriteria.StatusCodes = 500, 502, 503, 504/,
    );
    await forced.teardown(signal());
    expect(world.stub.calls('PauseService')).toHaveLength(0);
  }, 120_000);

  test('dr-drill check prints the findings as a table and as JSON, exit 0 or 1, and changes nothing', async () => {
    const { dist, existing } = world.deployExisting();
    const args = world.checkArgs(existing);
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return {
        out,
        err,
        io: {
          stdout: (t: string) => out.push(t),
          stderr: (t: string) => err.push(t),
          env: { ...process.env, ...world.env },
          cwd: world.root,
        },
      };
    };
    const env = { EDGE_FAILOVER_NAME_PREFIX: 'drilltest' };
    const good = io();
    expect(await main(args, { ...good.io, env: { ...good.io.env, ...env } })).toBe(0);
    expect(good.out.join('')).toMatch(/^result\s+check\s+setting\s+found\s+expected$/m);
    expect(good.out.join('')).toContain('The deployment of drilltest passes every check.');

    dist.config!.DefaultCacheBehavior.OriginRequestPolicyId = ALL_VIEWER;
    const bad = io();
    expect(await main([...args, '--json'], { ...bad.io, env: { ...bad.io.env, ...env } })).toBe(1);
    const json = JSON.parse(bad.out.join('')) as { ok: boolean; findings: Finding[] };
    expect(json.ok).toBe(false);
    expect(json.findings.filter((x) => !x.ok)).toEqual([
      expect.objectContaining({ check: 'origin-request-host', found: `${ALL_VIEWER} (AllViewer, forwards Host)` }),
    ]);
    expect(world.stub.requests.filter((r) => !/^(Describe|Get|List)/.test(r.operation))).toEqual([]);

    // An ordered behavior to the primary alone, and a custom origin request policy read with get-origin-request-policy.
    dist.config!.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY;
    world.stub.originRequestPolicies.set(CUSTOM_POLICY, policy('whitelist', ['Host']));
    const primaryOrigin = dist.config!.Origins.Items[0].Id as string;
    withBehaviors(behavior('*', primaryOrigin))(dist.config!);
    const refused = io();
    expect(await main(args, { ...refused.io, env: { ...refused.io.env, ...env } })).toBe(1);
    const table = refused.out.join('');
    expect(table).toMatch(
      /^FAIL\s+behavior-targets-group\s+CacheBehaviors\[PathPattern=\*\]\.TargetOriginId\s+"primary" \(the primary's origin alone\)/m,
    );
    expect(table).toMatch(
      /^FAIL\s+origin-request-host\s+DefaultCacheBehavior.OriginRequestPolicyId\s+c0ffee00-\S+ \(custom: headers whitelist Host, forwards Host\)/m,
    );
    expect(table).toContain('The deployment of drilltest fails 2 checks');
    expect(world.stub.calls('GetOriginRequestPolicy').map((r) => r.input)).toEqual([{ Id: CUSTOM_POLICY }]);

    world.stub.originRequestPolicies.set(CUSTOM_POLICY, policy('allExcept', ['Host']));
    const accepted = io();
    expect(await main([...args, '--accept-behavior', '*'], { ...accepted.io, env: { ...accepted.io.env, ...env } })).toBe(0);
    const unknown = io();
    expect(await main([...args, '--accept-behavior', '/nope/*'], { ...unknown.io, env: { ...unknown.io.env, ...env } })).toBe(2);
    expect(unknown.err.join('')).toContain('--accept-behavior = "/nope/*": allowed: the path pattern of a cache behavior of distribution');
  }, 120_000);
});
