/**
 * The preflight of the live deployment: one test per check against a deliberately misconfigured
 * distribution (pure, from the CLI's JSON), then through the real AWS CLI v2 and the stub: a run
 * refuses to pause (usage error, nothing paused) unless --force, and `dr-drill check` prints the
 * same findings as a table and as JSON with exit 0 or 1.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { main } from '../../../harness/cli.js';
import { type DeploymentFacts, checkDeployment, findingsTable } from '../../../harness/targets/aws/checks/deployment-checks.js';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import type { Finding } from '../../../harness/targets/aws/wire.js';
import { ALL_VIEWER, CACHING_OPTIMIZED, type DistConfig, asChecked, goodDistributionConfig } from '../../support/aws/distribution.js';
import { AWS_CLI_V2, AwsTestWorld, EPHEMERAL_RUN as RUN, describeWithAwsCli, signal } from '../../support/aws/world.js';

const P = 'p1.us-east-1.awsapprunner.com';
const S = 's1.us-west-2.awsapprunner.com';
const tags = (role: string) => ({ ManagedBy: 'edge-failover', EdgeFailoverStack: 'shop', EdgeFailoverRole: role });

function facts(change: (c: DistConfig, f: { status: string; services: DeploymentFacts['services'] }) => void = () => {}): Finding[] {
  const c = goodDistributionConfig(P, S);
  const f = {
    status: 'Deployed',
    services: {
      primary: { role: 'primary' as const, serviceArn: 'arn:p', host: P, status: 'RUNNING', tags: tags('primary') },
      secondary: { role: 'secondary' as const, serviceArn: 'arn:s', host: S, status: 'RUNNING', tags: tags('secondary') },
    },
  };
  change(c, f);
  return checkDeployment({ distributionId: 'E1', config: asChecked(c), ...f, configCodes: [404, 500, 502, 503, 504], stackName: 'shop', backend: appRunnerBackend.checks });
}
const failed = (fs: Finding[]) => fs.filter((x) => !x.ok).map((x) => `${x.check}: ${x.setting} = ${x.found}`);

describe('deployment checks', () => {
  test('the stack as synthesized passes every check', () => {
    expect(failed(facts())).toEqual([]);
  });

  test.each<[string, (c: DistConfig, f: { status: string; services: DeploymentFacts['services'] }) => void, RegExp]>([
    [
      'the default behavior targets one origin, not the group',
      (c) => (c.DefaultCacheBehavior.TargetOriginId = 'primary'),
      /^default-behavior-targets-group: DefaultCacheBehavior.TargetOriginId = "primary" \(not an origin group\)/,
    ],
    [
      'the group members are swapped',
      (c) => c.OriginGroups.Items[0].Members.Items.reverse(),
      /^group-member-primary: OriginGroups.Items\[0\].Members.Items\[0\] = origin secondary \(s1/,
    ],
    [
      '404 is not a failover code',
      (c) => (c.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items = [500, 502, 503, 504]),
      /^failover-criteria-404: .*StatusCodes = 500, 502, 503, 504/,
    ],
    [
      'a code of the config is missing',
      (c) => (c.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items = [404, 500]),
      /^failover-criteria-config: .* = 404, 500/,
    ],
    [
      'the group behavior allows POST',
      (c) => c.DefaultCacheBehavior.AllowedMethods.Items.push('POST'),
      /^group-methods: DefaultCacheBehavior.AllowedMethods = GET, HEAD, OPTIONS, POST/,
    ],
    [
      'the origin request policy forwards Host',
      (c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = ALL_VIEWER),
      /^origin-request-host: .* = 216adef6-5c7f-47e4-b989-5492eafa07d3 \(AllViewer, forwards Host\)/,
    ],
    [
      'legacy settings forward Host',
      (c) => {
        delete c.DefaultCacheBehavior.OriginRequestPolicyId;
        c.DefaultCacheBehavior.ForwardedValues = { Headers: { Items: ['Host'] } };
      },
      /^origin-request-host: DefaultCacheBehavior.ForwardedValues.Headers = forwards Host/,
    ],
    [
      'a failover code is cached for 10 s',
      (c) => (c.CustomErrorResponses.Items = c.CustomErrorResponses.Items.filter((r: { ErrorCode: number }) => r.ErrorCode !== 503)),
      /^error-caching-ttl-503: .* = no custom error response/,
    ],
    [
      'a failover code has a TTL above 0',
      (c) => (c.CustomErrorResponses.Items[0].ErrorCachingMinTTL = 10),
      /^error-caching-ttl-404: .* = 10$/,
    ],
    ['the distribution is disabled', (c) => (c.Enabled = false), /^distribution-enabled: DistributionConfig.Enabled = false/],
    ['the distribution is not Deployed', (_c, f) => (f.status = 'InProgress'), /^distribution-deployed: Distribution.Status = InProgress/],
    [
      'the secondary is paused',
      (_c, f) => (f.services = { ...f.services, secondary: { ...f.services.secondary, status: 'PAUSED' } }),
      /^secondary-running: secondary service Status = PAUSED/,
    ],
    [
      'the primary is tagged as another stack',
      (_c, f) =>
        (f.services = { ...f.services, primary: { ...f.services.primary, tags: { ...tags('primary'), EdgeFailoverStack: 'other' } } }),
      /^primary-tag-EdgeFailoverStack: .* = other/,
    ],
    [
      'the same service twice',
      (_c, f) => (f.services = { ...f.services, secondary: { ...f.services.primary, role: 'secondary' } }),
      /^services-distinct: .* = the same service twice/,
    ],
  ])('%s is an error naming the setting and the value found', (_name, change, expected) => {
    const findings = facts(change);
    const bad = findings.filter((x) => !x.ok);
    expect(failed(findings).some((l) => expected.test(l))).toBe(true);
    expect(bad.every((x) => x.severity === 'error')).toBe(true);
  });

  test('a cache policy other than CachingDisabled is a warning, not an error', () => {
    const findings = facts((c) => (c.DefaultCacheBehavior.CachePolicyId = CACHING_OPTIMIZED));
    expect(findings.filter((x) => !x.ok)).toEqual([
      expect.objectContaining({ check: 'cache-policy', severity: 'warning', found: CACHING_OPTIMIZED }),
    ]);
    expect(findingsTable(findings)).toMatch(/^warn\s+cache-policy\s+DefaultCacheBehavior.CachePolicyId\s+658327ea/m);
  });
});

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
        /Refusing to pause the primary: .*\n {2}- OriginGroups.Items\[0\].FailoverCriteria.StatusCodes = 500, 502, 503, 504: must be including 404/,
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
    const args = [
      'check',
      '--aws-cli',
      AWS_CLI_V2,
      '--endpoint-url',
      world.stub.url,
      '--primary-service-arn',
      existing.primaryServiceArn,
      '--secondary-service-arn',
      existing.secondaryServiceArn,
      '--distribution-id',
      existing.distributionId,
      '--no-direct-probe',
    ];
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
  }, 120_000);
});
