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
import {
  ALL_VIEWER,
  ALL_VIEWER_EXCEPT_HOST,
  CACHING_DISABLED,
  CACHING_OPTIMIZED,
  type DistConfig,
  asChecked,
  goodDistributionConfig,
} from '../../support/aws/distribution.js';
import { checkAcceptedBehaviors } from '../../../harness/targets/aws/checks/behavior-checks.js';
import { AwsTestWorld, EPHEMERAL_RUN as RUN, describeWithAwsCli, signal } from '../../support/aws/world.js';

const P = 'p1.us-east-1.awsapprunner.com';
const S = 's1.us-west-2.awsapprunner.com';
const tags = (role: string) => ({ ManagedBy: 'edge-failover', EdgeFailoverStack: 'shop', EdgeFailoverRole: role });

function facts(
  change: (c: DistConfig, f: { status: string; services: DeploymentFacts['services'] }) => void = () => {},
  more: Pick<DeploymentFacts, 'writePaths' | 'acceptedBehaviors' | 'originRequestPolicies'> = {},
): Finding[] {
  const c = goodDistributionConfig(P, S);
  const f = {
    status: 'Deployed',
    services: {
      primary: { role: 'primary' as const, serviceArn: 'arn:p', host: P, status: 'RUNNING', tags: tags('primary') },
      secondary: { role: 'secondary' as const, serviceArn: 'arn:s', host: S, status: 'RUNNING', tags: tags('secondary') },
    },
  };
  change(c, f);
  return checkDeployment({
    distributionId: 'E1',
    config: asChecked(c),
    ...f,
    configCodes: [404, 500, 502, 503, 504],
    stackName: 'shop',
    backend: appRunnerBackend.checks,
    ...more,
  });
}
const failed = (fs: Finding[]) => fs.filter((x) => !x.ok).map((x) => `${x.check}: ${x.setting} = ${x.found}: must be ${x.expected}`);

describe('deployment checks', () => {
  test('the stack as synthesized passes every check', () => {
    expect(failed(facts())).toEqual([]);
  });

  test.each<[string, (c: DistConfig, f: { status: string; services: DeploymentFacts['services'] }) => void, RegExp]>([
    [
      'the default behavior targets one origin, not the group',
      (c) => (c.DefaultCacheBehavior.TargetOriginId = 'primary'),
      /^default-behavior-targets-group: DefaultCacheBehavior.TargetOriginId = "primary" \(not an origin group: viewers are never failed over\)/,
    ],
    [
      'the group members are swapped',
      (c) => c.OriginGroups.Items[0].Members.Items.reverse(),
      /^group-member-primary: OriginGroups.Items\[0\].Members.Items\[0\] = origin secondary \(s1/,
    ],
    [
      '404 is not a failover code',
      (c) => (c.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items = [500, 502, 503, 504]),
      /^failover-criteria-404: .*StatusCodes = 500, 502, 503, 504: must be a list with 404: a paused App Runner service answers 404$/,
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
      /^origin-request-host: DefaultCacheBehavior.ForwardedValues.Headers = Host \(forwards Host\)/,
    ],
    [
      'a failover code is cached for 10 s',
      (c) => (c.CustomErrorResponses.Items = c.CustomErrorResponses.Items.filter((r: { ErrorCode: number }) => r.ErrorCode !== 503)),
      /^error-caching-ttl-503: .* = no custom error response/,
    ],
    [
      'a failover code has a TTL above 0',
      (c) => (c.CustomErrorResponses.Items[0].ErrorCachingMinTTL = 10),
      /^error-caching-ttl-404: .* = 10: must be 0, so neither the error nor failback is delayed$/,
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

/** An ordered cache behavior as the CLI prints it: `pattern` to `target`, GET and HEAD, the stack's policies. */
function behavior(pattern: string, target: string, change: (b: DistConfig) => void = () => {}): DistConfig {
  const b: DistConfig = {
    PathPattern: pattern,
    TargetOriginId: target,
    ViewerProtocolPolicy: 'redirect-to-https',
    AllowedMethods: { Quantity: 2, Items: ['GET', 'HEAD'], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
    Compress: true,
    CachePolicyId: CACHING_DISABLED,
    OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
  };
  change(b);
  return b;
}
const withBehaviors =
  (...bs: DistConfig[]) =>
  (c: DistConfig) =>
    (c.CacheBehaviors = { Quantity: bs.length, Items: bs });
const CUSTOM_POLICY = 'c0ffee00-0000-4000-8000-000000000001';
const policy = (HeaderBehavior: string, headers: string[] = []) => ({
  Name: 'custom',
  HeadersConfig: { HeaderBehavior, Headers: { Quantity: headers.length, Items: headers } },
});

describe('deployment checks of every cache behavior', () => {
  test.each(['*', '/', '/*', 'health', '/api/*'])('a %s behavior to the primary alone is refused, naming its pattern', (pattern) => {
    const findings = facts(withBehaviors(behavior(pattern, 'primary')));
    expect(failed(findings)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^behavior-targets-group: CacheBehaviors\\[PathPattern=${pattern.replace(/[*/]/g, '\\$&')}\\].TargetOriginId = "primary" \\(the primary's origin alone\\): must be an origin group: viewers on paths matching .* never failed over, so while the primary is paused they get its 404`,
        ),
      ),
    ]);
  });

  test("one of the stack's write paths may target the primary alone (with or without its leading slash)", () => {
    expect(failed(facts(withBehaviors(behavior('/api/*', 'primary')), { writePaths: ['/api/*'] }))).toEqual([]);
    expect(failed(facts(withBehaviors(behavior('api/*', 'primary')), { writePaths: ['/api/*'] }))).toEqual([]);
    const row = facts(withBehaviors(behavior('/api/*', 'primary')), { writePaths: ['/api/*'] }).find(
      (x) => x.check === 'behavior-targets-group',
    );
    expect(row).toMatchObject({
      ok: true,
      found: `"primary" (the primary's origin alone; a write path of the stack (failover.writePaths))`,
    });
  });

  test('an accepted pattern passes; the others are still refused', () => {
    const change = withBehaviors(behavior('/static/*', 'primary'), behavior('*', 'primary'));
    expect(failed(facts(change, { acceptedBehaviors: ['/static/*'] }))).toEqual([
      expect.stringMatching(/^behavior-targets-group: CacheBehaviors\[PathPattern=\*\]/),
    ]);
    expect(failed(facts(change, { acceptedBehaviors: ['/static/*', '*'] }))).toEqual([]);
  });

  test('a behavior to another origin than the primary passes: pausing the primary does not touch it', () => {
    expect(failed(facts(withBehaviors(behavior('/fallback/*', 'secondary'))))).toEqual([]);
  });

  test("a behavior to the group gets the default behavior's checks: methods, cache policy (a warning), Host", () => {
    const findings = facts(
      withBehaviors(
        behavior('/img/*', 'group', (b) => {
          b.CachePolicyId = CACHING_OPTIMIZED;
          b.AllowedMethods.Items.push('POST');
          b.OriginRequestPolicyId = ALL_VIEWER;
        }),
      ),
    );
    expect(findings.filter((x) => !x.ok).map((x) => [x.check, x.setting, x.severity])).toEqual([
      ['group-methods', 'CacheBehaviors[PathPattern=/img/*].AllowedMethods', 'error'],
      ['cache-policy', 'CacheBehaviors[PathPattern=/img/*].CachePolicyId', 'warning'],
      ['origin-request-host', 'CacheBehaviors[PathPattern=/img/*].OriginRequestPolicyId', 'error'],
    ]);
  });

  test.each<[string, ReturnType<typeof policy>, boolean]>([
    ['whitelists host (any case)', policy('whitelist', ['x-request-id', 'host']), true],
    ['sends all viewer headers', policy('allViewer'), true],
    ['sends all viewer headers and CloudFront headers', policy('allViewerAndWhitelistCloudFront', ['CloudFront-Viewer-Country']), true],
    ['sends all viewer headers except others than Host', policy('allExcept', ['Cookie']), true],
    ['sends all viewer headers except Host', policy('allExcept', ['Host']), false],
    ['whitelists other headers', policy('whitelist', ['x-request-id']), false],
    ['sends no headers', policy('none'), false],
  ])('a custom origin request policy that %s: refused when it forwards Host', (_name, config, forwards) => {
    for (const change of [
      (c: DistConfig) => (c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY),
      withBehaviors(behavior('/img/*', 'group', (b) => (b.OriginRequestPolicyId = CUSTOM_POLICY))),
    ]) {
      const bad = failed(facts(change, { originRequestPolicies: { [CUSTOM_POLICY]: config } }));
      expect(bad).toEqual(
        forwards
          ? [
              expect.stringMatching(
                new RegExp(
                  `^origin-request-host: .*OriginRequestPolicyId = ${CUSTOM_POLICY} \\(custom: headers ${config.HeadersConfig.HeaderBehavior}.*, forwards Host\\)`,
                ),
              ),
            ]
          : [],
      );
    }
  });

  test('a custom origin request policy that was not read is refused, not assumed safe', () => {
    const bad = failed(facts((c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY)));
    expect(bad).toEqual([expect.stringMatching(/^origin-request-host: .* = c0ffee00-.* \(not read/)]);
  });

  test('a default behavior that targets no group: one finding, worded for a person, no group index', () => {
    const findings = facts((c) => (c.DefaultCacheBehavior.TargetOriginId = 'primary'));
    expect(failed(findings)).toEqual([
      'default-behavior-targets-group: DefaultCacheBehavior.TargetOriginId = "primary" (not an origin group: viewers are never failed over): must be an origin group (the distribution\'s groups: group)',
    ]);
    expect(findings.map((x) => `${x.setting} ${x.found} ${x.expected}`).join('\n')).not.toMatch(/Items\[-1\]|must be including/);
  });

  test('--accept-behavior names a behavior of the distribution, or is a usage error naming the value and the patterns', () => {
    const c = asChecked(goodDistributionConfig(P, S));
    withBehaviors(behavior('/api/*', 'primary'))(c);
    expect(() => checkAcceptedBehaviors(c, ['api/*'], 'E1')).not.toThrow();
    expect(() => checkAcceptedBehaviors(c, ['/other/*'], 'E1')).toThrow(
      expect.objectContaining({
        kind: 'usage',
        message: '--accept-behavior = "/other/*": allowed: the path pattern of a cache behavior of distribution E1 ("/api/*")',
      }),
    );
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
