/**
 * The preflight's checks of the live deployment as pure functions, one test per check against a
 * deliberately misconfigured distribution (from the CLI's JSON); preflight.test.ts drives them
 * through the real AWS CLI v2 and the stub.
 */
import { describe, expect, test } from '@jest/globals';
import { type DeploymentFacts, checkDeployment, findingsTable } from '../../../harness/targets/aws/checks/deployment-checks.js';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import type { Finding } from '../../../harness/targets/aws/wire.js';
import {
  ALL_VIEWER,
  CACHING_OPTIMIZED,
  CUSTOM_POLICY,
  type DistConfig,
  asChecked,
  behavior,
  goodDistributionConfig,
  policy,
  withBehaviors,
} from '../../support/aws/distribution.js';
import {
  checkAcceptedBehaviors,
  checkBehaviors,
  originRequestPoliciesToRead,
} from '../../../harness/targets/aws/checks/behavior-checks.js';
import { ecsExpressBackend } from '../../../harness/targets/aws/backends/ecs-express.js';

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

describe('what each finding says', () => {
  const row = (findings: Finding[], check: string) => findings.find((x) => x.check === check);
  const rows = (findings: Finding[], check: string) => findings.filter((x) => x.check === check);

  test('the findings come in report order: behaviors and groups, error caching, distribution, services, tags', () => {
    const checks = facts().map((x) => x.check);
    expect(checks).toEqual([
      'default-behavior-targets-group',
      'group-member-primary',
      'group-member-secondary',
      'failover-criteria-404',
      'failover-criteria-config',
      'group-methods',
      'cache-policy',
      'origin-request-host',
      'error-caching-ttl-404',
      'error-caching-ttl-500',
      'error-caching-ttl-502',
      'error-caching-ttl-503',
      'error-caching-ttl-504',
      'distribution-enabled',
      'distribution-deployed',
      'services-distinct',
      'primary-running',
      'primary-tag-ManagedBy',
      'primary-tag-EdgeFailoverStack',
      'primary-tag-EdgeFailoverRole',
      'secondary-running',
      'secondary-tag-ManagedBy',
      'secondary-tag-EdgeFailoverStack',
      'secondary-tag-EdgeFailoverRole',
    ]);
    expect(facts().every((x) => x.ok && (x.severity === 'error') === (x.check !== 'cache-policy'))).toBe(true);
  });

  test('passing rows say what was found, for the table of `dr-drill check`', () => {
    const f = facts();
    const said: Record<string, Partial<Finding>> = {
      'default-behavior-targets-group': {
        found: '"group" (an origin group)',
        expected: "an origin group (the distribution's groups: group)",
      },
      'group-member-primary': {
        setting: 'OriginGroups.Items[0].Members.Items[0]',
        found: `origin primary (${P})`,
        expected: `the primary service's domain ${P}`,
      },
      'group-member-secondary': { setting: 'OriginGroups.Items[0].Members.Items[1]', found: `origin secondary (${S})` },
      'failover-criteria-config': {
        found: '404, 500, 502, 503, 504',
        expected: 'a list with every code of failover.statusCodes (404, 500, 502, 503, 504); missing: none',
      },
      'group-methods': { found: 'GET, HEAD, OPTIONS', expected: 'GET, HEAD, OPTIONS at most: only they fail over' },
      'origin-request-host': {
        setting: 'DefaultCacheBehavior.OriginRequestPolicyId',
        found: 'b689b0a8-53d0-40ab-baf2-68738e2966ac (AllViewerExceptHostHeader)',
      },
      'error-caching-ttl-502': { setting: 'CustomErrorResponses[ErrorCode=502].ErrorCachingMinTTL', found: '0' },
      'distribution-enabled': { found: 'true' },
      'services-distinct': { found: 'two services' },
      'primary-tag-EdgeFailoverRole': { setting: 'primary service tag EdgeFailoverRole', found: 'primary', expected: 'primary' },
      'secondary-tag-EdgeFailoverStack': { found: 'shop', expected: 'shop' },
    };
    for (const [check, fields] of Object.entries(said)) expect(row(f, check)).toMatchObject(fields);
  });

  test('failover codes: found sorted, the missing ones named, each code once in error caching', () => {
    const f = facts((c) => (c.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items = [503, 404, 500, 404]));
    expect(row(f, 'failover-criteria-config')).toMatchObject({
      ok: false,
      found: '404, 404, 500, 503',
      expected: expect.stringMatching(/; missing: 502, 504$/),
    });
    expect(f.filter((x) => x.check.startsWith('error-caching-ttl-')).map((x) => x.check)).toEqual([
      'error-caching-ttl-404',
      'error-caching-ttl-500',
      'error-caching-ttl-502',
      'error-caching-ttl-503',
      'error-caching-ttl-504',
    ]);
    const none = facts((c) => (c.OriginGroups.Items[0].FailoverCriteria = {}));
    expect(row(none, 'failover-criteria-404')).toMatchObject({ ok: false, found: 'none' });
  });

  test("a failover code of a used group that the config does not ask for is checked for error caching too; an unused group's are not", () => {
    const f = facts((c) => {
      c.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items.push(429);
      c.OriginGroups.Items.push({ Id: 'unused', FailoverCriteria: { StatusCodes: { Items: [418] } }, Members: { Items: [] } });
    });
    expect(row(f, 'error-caching-ttl-429')).toMatchObject({
      ok: false,
      found: 'no custom error response (CloudFront caches the error for 10 s)',
    });
    expect(row(f, 'error-caching-ttl-418')).toBeUndefined();
    const unset = facts((c) => delete c.CustomErrorResponses.Items[1].ErrorCachingMinTTL);
    expect(row(unset, 'error-caching-ttl-500')).toMatchObject({ ok: false, found: 'unset (CloudFront caches the error for 10 s)' });
  });

  test('a group with a member missing or naming no origin: each member named', () => {
    const one = facts((c) => c.OriginGroups.Items[0].Members.Items.pop());
    expect(row(one, 'group-member-secondary')).toMatchObject({ ok: false, found: 'no member' });
    const ghost = facts((c) => (c.OriginGroups.Items[0].Members.Items[1].OriginId = 'ghost'));
    expect(row(ghost, 'group-member-secondary')).toMatchObject({ ok: false, found: 'origin ghost (no such origin)' });
    expect(row(ghost, 'group-member-primary')).toMatchObject({ ok: true });
  });

  test('a group behavior without methods, or with methods of their own, is refused; legacy cache settings are a warning', () => {
    expect(
      row(
        facts((c) => (c.DefaultCacheBehavior.AllowedMethods.Items = [])),
        'group-methods',
      ),
    ).toMatchObject({ ok: false, found: 'none' });
    expect(
      row(
        facts((c) => delete c.DefaultCacheBehavior.AllowedMethods),
        'group-methods',
      ),
    ).toMatchObject({ ok: false });
    expect(
      row(
        facts((c) => c.DefaultCacheBehavior.AllowedMethods.Items.push('PUT', 'DELETE')),
        'group-methods',
      ),
    ).toMatchObject({
      ok: false,
      expected: 'GET, HEAD, OPTIONS at most: only they fail over (PUT, DELETE need a behavior of their own)',
    });
    expect(
      row(
        facts((c) => delete c.DefaultCacheBehavior.CachePolicyId),
        'cache-policy',
      ),
    ).toMatchObject({
      ok: false,
      severity: 'warning',
      found: 'none (legacy cache settings)',
    });
  });

  test('Host forwarding: by legacy settings ("*" too), by no setting, by a custom policy without headers or name', () => {
    const legacy = (items: string[]) =>
      row(
        facts((c) => {
          delete c.DefaultCacheBehavior.OriginRequestPolicyId;
          c.DefaultCacheBehavior.ForwardedValues = { Headers: { Items: items } };
        }),
        'origin-request-host',
      );
    expect(legacy(['*'])).toMatchObject({ ok: false, setting: 'DefaultCacheBehavior.ForwardedValues.Headers', found: '* (forwards Host)' });
    expect(legacy(['X-Id', 'HOST'])).toMatchObject({ ok: false, found: 'X-Id, HOST (forwards Host)' });
    expect(legacy(['X-Id'])).toMatchObject({ ok: true, setting: 'DefaultCacheBehavior.OriginRequestPolicyId', found: 'none' });
    expect(
      row(
        facts((c) => delete c.DefaultCacheBehavior.OriginRequestPolicyId),
        'origin-request-host',
      ),
    ).toMatchObject({ ok: true, found: 'none' });
    const bare = row(
      facts((c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY), { originRequestPolicies: { [CUSTOM_POLICY]: {} } }),
      'origin-request-host',
    );
    expect(bare).toMatchObject({ ok: true, found: `${CUSTOM_POLICY} (custom: headers none)` });
    const named = row(
      facts((c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY), {
        originRequestPolicies: { [CUSTOM_POLICY]: { ...policy('allExcept', ['Host', 'Cookie']), Name: 'no-host' } },
      }),
      'origin-request-host',
    );
    expect(named).toMatchObject({ ok: true, found: `${CUSTOM_POLICY} (no-host: headers allExcept Host, Cookie)` });
    expect(
      row(
        facts((c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY)),
        'origin-request-host',
      ),
    ).toMatchObject({
      ok: false,
      found: `${CUSTOM_POLICY} (not read: get-origin-request-policy was not asked)`,
    });
  });

  test('a default behavior to one origin still has its Host forwarding checked; nothing of the group is', () => {
    const f = facts((c) => {
      c.DefaultCacheBehavior.TargetOriginId = 'primary';
      c.DefaultCacheBehavior.OriginRequestPolicyId = ALL_VIEWER;
    });
    expect(f.filter((x) => !x.ok).map((x) => x.check)).toEqual(['default-behavior-targets-group', 'origin-request-host']);
    expect(f.map((x) => x.check)).not.toContain('group-methods');
    expect(f.map((x) => x.check).filter((x) => x.startsWith('error-caching-ttl-'))).toHaveLength(5);
    const noTarget = facts((c) => delete c.DefaultCacheBehavior.TargetOriginId);
    expect(row(noTarget, 'default-behavior-targets-group')).toMatchObject({
      ok: false,
      found: 'null (not an origin group: viewers are never failed over)',
    });
  });

  test('ordered behaviors: one to the group shares its checks once; one to another origin or to none passes, named', () => {
    const f = facts(
      withBehaviors(behavior('/a/*', 'group'), behavior('/b/*', 'group'), behavior('/c/*', 'secondary'), behavior('/d/*', 'nowhere')),
    );
    expect(f.filter((x) => !x.ok)).toEqual([]);
    expect(rows(f, 'group-member-primary')).toHaveLength(1);
    expect(rows(f, 'group-methods').map((x) => x.setting)).toEqual([
      'DefaultCacheBehavior.AllowedMethods',
      'CacheBehaviors[PathPattern=/a/*].AllowedMethods',
      'CacheBehaviors[PathPattern=/b/*].AllowedMethods',
    ]);
    expect(rows(f, 'behavior-targets-group').map((x) => [x.setting, x.found, x.expected])).toEqual([
      ['CacheBehaviors[PathPattern=/a/*].TargetOriginId', '"group" (an origin group)', 'an origin group'],
      ['CacheBehaviors[PathPattern=/b/*].TargetOriginId', '"group" (an origin group)', 'an origin group'],
      [
        'CacheBehaviors[PathPattern=/c/*].TargetOriginId',
        `"secondary" (origin secondary (${S}), not the primary)`,
        'an origin group, or an origin other than the primary',
      ],
      [
        'CacheBehaviors[PathPattern=/d/*].TargetOriginId',
        '"nowhere" (no such origin)',
        'an origin group, or an origin other than the primary',
      ],
    ]);
    // A behavior not to the primary has nothing to fail over: its Host forwarding is not the drill's concern.
    expect(rows(f, 'origin-request-host')).toHaveLength(3);
  });

  test('a behavior to the primary alone has its Host forwarding checked too; an accepted one says so', () => {
    const f = facts(withBehaviors(behavior('/x/*', 'primary', (b) => (b.OriginRequestPolicyId = ALL_VIEWER))), {
      acceptedBehaviors: ['x/*'],
    });
    expect(row(f, 'behavior-targets-group')).toMatchObject({
      ok: true,
      found: `"primary" (the primary's origin alone; accepted with --accept-behavior)`,
    });
    expect(rows(f, 'origin-request-host').map((x) => [x.setting, x.ok])).toEqual([
      ['DefaultCacheBehavior.OriginRequestPolicyId', true],
      ['CacheBehaviors[PathPattern=/x/*].OriginRequestPolicyId', false],
    ]);
    const refused = facts(withBehaviors(behavior('/x/*', 'primary')), { acceptedBehaviors: [], writePaths: ['/y/*'] });
    expect(row(refused, 'behavior-targets-group')).toMatchObject({
      ok: false,
      expected: expect.stringContaining("(accept it: --accept-behavior '/x/*')"),
    });
  });

  test('distribution and services: an unset Enabled, a missing tag, a service left out of two', () => {
    expect(
      row(
        facts((c) => delete c.Enabled),
        'distribution-enabled',
      ),
    ).toMatchObject({ ok: false, found: 'unset' });
    const untagged = facts((_c, f) => (f.services = { ...f.services, secondary: { ...f.services.secondary, tags: {} } }));
    expect(row(untagged, 'secondary-tag-ManagedBy')).toMatchObject({ ok: false, found: 'missing', expected: 'edge-failover' });
    const twice = facts((_c, f) => (f.services = { ...f.services, secondary: { ...f.services.primary, role: 'secondary' } }));
    expect(row(twice, 'services-distinct')).toMatchObject({
      setting: '--primary-service-arn, --secondary-service-arn',
      found: 'the same service twice (arn:p)',
      expected: 'two different services',
    });
  });

  test('--accept-behavior on a distribution with only the default behavior says it has none', () => {
    expect(() => checkAcceptedBehaviors(asChecked(goodDistributionConfig(P, S)), ['/x/*'], 'E9')).toThrow(
      '--accept-behavior = "/x/*": allowed: the path pattern of a cache behavior of distribution E9 (it has none but the default behavior)',
    );
    expect(() => checkAcceptedBehaviors(asChecked(goodDistributionConfig(P, S)), [], 'E9')).not.toThrow();
  });

  test('the origin request policies to read: each custom one once, no managed one, none where unset', () => {
    const c = asChecked(goodDistributionConfig(P, S));
    expect(originRequestPoliciesToRead(c)).toEqual([]);
    const other = 'c0ffee00-0000-4000-8000-000000000002';
    const withCustom = goodDistributionConfig(P, S);
    withCustom.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY;
    withBehaviors(
      behavior('/a/*', 'group', (b) => (b.OriginRequestPolicyId = CUSTOM_POLICY)),
      behavior('/b/*', 'group', (b) => (b.OriginRequestPolicyId = other)),
      behavior('/c/*', 'group', (b) => delete b.OriginRequestPolicyId),
      behavior('/d/*', 'group', (b) => (b.OriginRequestPolicyId = ALL_VIEWER)),
    )(withCustom);
    expect(originRequestPoliciesToRead(asChecked(withCustom))).toEqual([CUSTOM_POLICY, other]);
  });
});

describe('origin request policy ids are looked up as own entries only', () => {
  // Ids come from the distribution's config; one named after a member of Object.prototype is no
  // managed policy and no policy that was read.
  const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
  const withPolicy = (id: string) => {
    const c = goodDistributionConfig(P, S);
    c.DefaultCacheBehavior.OriginRequestPolicyId = id;
    withBehaviors(behavior('/a/*', 'group', (b) => (b.OriginRequestPolicyId = id)))(c);
    return c;
  };

  test.each(INHERITED)('%s is a custom policy to read', (id) => {
    expect(originRequestPoliciesToRead(asChecked(withPolicy(id)))).toEqual([id]);
  });

  test.each(INHERITED)('%s not read is refused as a policy that may send the Host, on every behavior', (id) => {
    const hosts = facts((c) => Object.assign(c, withPolicy(id))).filter((x) => x.check === 'origin-request-host');
    expect(hosts).toHaveLength(2);
    for (const h of hosts) {
      expect(h).toMatchObject({ ok: false, found: `${id} (not read: get-origin-request-policy was not asked)` });
    }
  });

  test.each(INHERITED)('%s read is judged by what it sends: Host sent is refused, Host withheld passes', (id) => {
    const judged = (p: ReturnType<typeof policy>) =>
      facts((c) => Object.assign(c, withPolicy(id)), { originRequestPolicies: Object.fromEntries([[id, p]]) })
        .filter((x) => x.check === 'origin-request-host')
        .map((x) => x.ok);
    expect(judged(policy('allViewer', []))).toEqual([false, false]);
    expect(judged(policy('allExcept', ['Host']))).toEqual([true, true]);
  });
});

describe('every finding names the setting, the value found and what is allowed', () => {
  type Change = (c: DistConfig, f: { status: string; services: DeploymentFacts['services'] }) => void;
  const deployments: [string, Change][] = [
    ['as synthesized', () => {}],
    ['disabled and not deployed', (c, f) => ((c.Enabled = false), (f.status = 'InProgress'))],
    ['Enabled unset', (c) => delete c.Enabled],
    ['the default behavior to one origin', (c) => (c.DefaultCacheBehavior.TargetOriginId = 'primary')],
    [
      'no failover codes, no members',
      (c) => ((c.OriginGroups.Items[0].FailoverCriteria = {}), (c.OriginGroups.Items[0].Members.Items = [])),
    ],
    ['no error responses', (c) => (c.CustomErrorResponses = { Quantity: 0 })],
    ['a behavior to the primary alone', withBehaviors(behavior('/x/*', 'primary'))],
    [
      'untagged services',
      (_c, f) => (f.services = { primary: { ...f.services.primary, tags: {} }, secondary: { ...f.services.secondary, tags: {} } }),
    ],
  ];

  test.each(deployments)('%s: no finding has an empty setting, value or expectation', (_name, change) => {
    for (const x of facts(change)) {
      expect({ check: x.check, setting: x.setting === '', found: x.found === '', expected: x.expected === '' }).toEqual({
        check: x.check,
        setting: false,
        found: false,
        expected: false,
      });
    }
  });
});

test("the default behavior's Host forwarding is refused under its own field, whether it targets the group or one origin", () => {
  for (const target of ['group', 'primary', 'secondary']) {
    const f = facts((c) => {
      c.DefaultCacheBehavior.TargetOriginId = target;
      c.DefaultCacheBehavior.OriginRequestPolicyId = ALL_VIEWER;
    });
    expect(f.filter((x) => x.check === 'origin-request-host')).toEqual([
      expect.objectContaining({
        ok: false,
        setting: 'DefaultCacheBehavior.OriginRequestPolicyId',
        found: expect.stringContaining(ALL_VIEWER),
      }),
    ]);
  }
});

describe('parts the CLI leaves out are refused by name, never a crash', () => {
  // The AWS CLI prints an empty list as `{ "Quantity": 0 }`, without Items, and leaves out optional
  // structures (a group's failover criteria, a policy's header list, legacy headers).
  const row = (findings: Finding[], check: string) => findings.find((x) => x.check === check);
  const ttlCodes = (findings: Finding[]) => findings.filter((x) => x.check.startsWith('error-caching-ttl-')).map((x) => x.check.slice(18));

  test('no origin groups: the default behavior is refused naming none; error caching still checks the config codes', () => {
    for (const change of [(c: DistConfig) => (c.OriginGroups = { Quantity: 0 }), (c: DistConfig) => delete c.OriginGroups]) {
      const f = facts(change);
      expect(row(f, 'default-behavior-targets-group')).toMatchObject({
        ok: false,
        found: '"group" (not an origin group: viewers are never failed over)',
        expected: "an origin group (the distribution's groups: none)",
      });
      expect(f.filter((x) => x.check.startsWith('group-') || x.check.startsWith('failover-'))).toEqual([]);
      expect(ttlCodes(f)).toEqual(['404', '500', '502', '503', '504']);
    }
  });

  test('no origins: each member names the origin it points to as missing', () => {
    for (const change of [(c: DistConfig) => (c.Origins = { Quantity: 0 }), (c: DistConfig) => delete c.Origins]) {
      const f = facts(change);
      expect(row(f, 'group-member-primary')).toMatchObject({ ok: false, found: 'origin primary (no such origin)' });
      expect(row(f, 'group-member-secondary')).toMatchObject({ ok: false, found: 'origin secondary (no such origin)' });
    }
  });

  test('no default behavior: refused as targeting no group; nothing forwards the Host', () => {
    const f = facts((c) => delete c.DefaultCacheBehavior);
    expect(row(f, 'default-behavior-targets-group')).toMatchObject({
      ok: false,
      found: 'null (not an origin group: viewers are never failed over)',
    });
    expect(row(f, 'origin-request-host')).toMatchObject({ ok: true, setting: 'DefaultCacheBehavior.OriginRequestPolicyId', found: 'none' });
    expect(originRequestPoliciesToRead(asChecked({ ...goodDistributionConfig(P, S), DefaultCacheBehavior: undefined }))).toEqual([]);
  });

  test('a group without failover criteria or members: each member and the codes refused; error caching checks exactly the config codes', () => {
    const f = facts((c) => (c.OriginGroups.Items[0] = { Id: 'group' }));
    expect(row(f, 'group-member-primary')).toMatchObject({ ok: false, found: 'no member' });
    expect(row(f, 'group-member-secondary')).toMatchObject({ ok: false, found: 'no member' });
    expect(row(f, 'failover-criteria-404')).toMatchObject({ ok: false, found: 'none' });
    expect(row(f, 'failover-criteria-config')).toMatchObject({
      ok: false,
      found: 'none',
      expected: expect.stringMatching(/; missing: 404, 500, 502, 503, 504$/),
    });
    expect(ttlCodes(f)).toEqual(['404', '500', '502', '503', '504']);
    const empty = facts((c) => (c.OriginGroups.Items[0].FailoverCriteria = { StatusCodes: { Quantity: 0 } }));
    expect(row(empty, 'failover-criteria-404')).toMatchObject({ ok: false, found: 'none' });
    expect(ttlCodes(empty)).toEqual(['404', '500', '502', '503', '504']);
  });

  test('no custom error responses at all: every failover code is refused as cached for 10 s', () => {
    for (const change of [
      (c: DistConfig) => delete c.CustomErrorResponses,
      (c: DistConfig) => (c.CustomErrorResponses = { Quantity: 0 }),
    ]) {
      const ttl = facts(change).filter((x) => x.check.startsWith('error-caching-ttl-'));
      expect(ttl.map((x) => [x.ok, x.found])).toEqual(
        Array(5).fill([false, 'no custom error response (CloudFront caches the error for 10 s)']),
      );
    }
  });

  test('no ordered behaviors: nothing to check or read for them', () => {
    const f = facts((c) => (c.CacheBehaviors = { Quantity: 0 }));
    expect(failed(f)).toEqual([]);
    expect(f.filter((x) => x.check === 'behavior-targets-group')).toEqual([]);
    const c = asChecked({ ...goodDistributionConfig(P, S), CacheBehaviors: { Quantity: 0 } });
    expect(originRequestPoliciesToRead(c)).toEqual([]);
    expect(() => checkAcceptedBehaviors(c, ['/x/*'], 'E1')).toThrow('(it has none but the default behavior)');
  });

  test('a group behavior without AllowedMethods is refused naming none', () => {
    expect(
      row(
        facts((c) => delete c.DefaultCacheBehavior.AllowedMethods),
        'group-methods',
      ),
    ).toMatchObject({ ok: false, found: 'none' });
    expect(
      row(
        facts((c) => (c.DefaultCacheBehavior.AllowedMethods = { Quantity: 0 })),
        'group-methods',
      ),
    ).toMatchObject({
      ok: false,
      found: 'none',
    });
  });

  test('a custom policy whose header behavior comes without a header list, and legacy settings without headers', () => {
    const bare = (HeaderBehavior: string) =>
      row(
        facts((c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY), {
          originRequestPolicies: { [CUSTOM_POLICY]: { Name: 'p', HeadersConfig: { HeaderBehavior } } },
        }),
        'origin-request-host',
      );
    expect(bare('none')).toMatchObject({ ok: true, found: `${CUSTOM_POLICY} (p: headers none)` });
    expect(bare('allViewer')).toMatchObject({ ok: false, found: `${CUSTOM_POLICY} (p: headers allViewer, forwards Host)` });
    // allExcept with no header named sends every header, Host among them.
    expect(bare('allExcept')).toMatchObject({ ok: false, found: `${CUSTOM_POLICY} (p: headers allExcept, forwards Host)` });
    const legacy = row(
      facts((c) => {
        delete c.DefaultCacheBehavior.OriginRequestPolicyId;
        c.DefaultCacheBehavior.ForwardedValues = { QueryString: false, Cookies: { Forward: 'none' } };
      }),
      'origin-request-host',
    );
    expect(legacy).toMatchObject({ ok: true, setting: 'DefaultCacheBehavior.OriginRequestPolicyId', found: 'none' });
  });
});

describe("a refusal says why in the backend's words", () => {
  test.each([appRunnerBackend, ecsExpressBackend])(
    '$key: the fault code, the outage on a primary-only path, the Host routing',
    (backend) => {
      const b = backend.checks;
      const c = goodDistributionConfig(P, S);
      c.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items = [500];
      c.DefaultCacheBehavior.OriginRequestPolicyId = ALL_VIEWER;
      withBehaviors(behavior('/x/*', 'primary'))(c);
      const out: Finding[] = [];
      checkBehaviors(
        { config: asChecked(c), services: { primary: { host: P }, secondary: { host: S } }, configCodes: [500], backend: b },
        (check, setting, ok, found, expected, severity = 'error') => out.push({ check, setting, ok, found, expected, severity }),
      );
      const refused = (check: string) => out.filter((x) => x.check === check && !x.ok).map((x) => x.expected);
      expect(refused(`failover-criteria-${b.faultStatus}`)).toEqual([`a list with ${b.faultStatus}: ${b.faultStatusReason}`]);
      expect(refused('origin-request-host')).toEqual([
        `a policy that does not send the viewer's Host (e.g. AllViewerExceptHostHeader): ${b.hostRouting}`,
      ]);
      expect(refused('behavior-targets-group')).toEqual([
        `an origin group: viewers on paths matching /x/* are served by the primary alone and never failed over, so ${b.outage} (accept it: --accept-behavior '/x/*')`,
      ]);
    },
  );

  test('a cache policy warning names CachingDisabled and why it matters', () => {
    const f = facts((c) => (c.DefaultCacheBehavior.CachePolicyId = CACHING_OPTIMIZED)).find((x) => x.check === 'cache-policy');
    expect(f).toMatchObject({
      ok: false,
      severity: 'warning',
      expected: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad (CachingDisabled): a cached response can hide failover and failback',
    });
  });
});

test('--accept-behavior refused names every path pattern the distribution has, each quoted', () => {
  const c = asChecked(goodDistributionConfig(P, S));
  withBehaviors(behavior('/api/*', 'primary'), behavior('img/*', 'group'), behavior('*.js', 'secondary'))(c);
  expect(() => checkAcceptedBehaviors(c, ['/api/*', '/img/*', '/other/*', '/x'], 'E1')).toThrow(
    '--accept-behavior = "/other/*": allowed: the path pattern of a cache behavior of distribution E1 ("/api/*", "img/*", "*.js")',
  );
});
