/**
 * What the preflight decides from its findings (pause, refuse, or go ahead under --force), the refusal
 * it raises, the rule that only this stack's tagged primary may be faulted, and the reads behind the
 * findings. The reads answer with the AWS CLI v2's JSON in the botocore output shapes (cloudfront
 * GetDistributionConfigResult, GetDistributionResult, GetOriginRequestPolicyResult; apprunner
 * DescribeServiceResponse, ListTagsForResourceResponse); preflight.test.ts drives them through the
 * AWS CLI v2 and the stub.
 */
import { describe, expect, test } from '@jest/globals';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import { ecsExpressBackend } from '../../../harness/targets/aws/backends/ecs-express.js';
import { checkManaged } from '../../../harness/targets/aws/backends/managed.js';
import { blocking, describeFinding, findingsTable } from '../../../harness/targets/aws/checks/deployment-checks.js';
import { inspectDeployment, preflightVerdict, refusal } from '../../../harness/targets/aws/checks/inspect.js';
import type { StackRefs } from '../../../harness/targets/aws/stack-refs.js';
import type { Finding } from '../../../harness/targets/aws/wire.js';
import { AnsweringCli } from '../../support/aws/answering-cli.js';
import { ALL_VIEWER, CUSTOM_POLICY, asChecked, goodDistributionConfig, policy } from '../../support/aws/distribution.js';

const finding = (check: string, ok: boolean, severity: Finding['severity'] = 'error'): Finding => ({
  check,
  setting: `${check} setting`,
  found: `${check} found`,
  expected: `${check} expected`,
  ok,
  severity,
});
const describedAs = (x: Finding) => `${x.check} setting = ${x.check} found: must be ${x.check} expected`;

describe('the preflight verdict', () => {
  const okRow = finding('distribution-enabled', true);
  const warning = finding('cache-policy', false, 'warning');
  const error = finding('distribution-deployed', false);
  const tag = finding('primary-tag-ManagedBy', false);

  test('every check holding: passed, nothing refused, nothing to note', () => {
    expect(preflightVerdict([okRow, finding('services-distinct', true)], {})).toEqual({
      refused: [],
      details: { preflight: 'passed' },
      notes: [],
    });
  });

  test('a failed warning does not refuse: it is reported and logged', () => {
    expect(preflightVerdict([okRow, warning], {})).toEqual({
      refused: [],
      details: { preflight: 'passed', preflightWarnings: describedAs(warning) },
      notes: [`preflight warning: ${describedAs(warning)}`],
    });
  });

  test('several warnings are reported one after the other, each logged', () => {
    const other = finding('error-caching-ttl-404', false, 'warning');
    const v = preflightVerdict([warning, other], {});
    expect(v.details.preflightWarnings).toBe(`${describedAs(warning)}; ${describedAs(other)}`);
    expect(v.notes).toEqual([`preflight warning: ${describedAs(warning)}`, `preflight warning: ${describedAs(other)}`]);
  });

  test('a failed error refuses, and only it; the warnings are still reported', () => {
    const v = preflightVerdict([okRow, warning, error], {});
    expect(v.refused).toEqual([error]);
    expect(v.details).toEqual({ preflightWarnings: describedAs(warning) });
    expect(v.notes).toEqual([`preflight warning: ${describedAs(warning)}`]);
  });

  test('--force refuses nothing, and the report and the log name every error it overrode', () => {
    const second = finding('services-distinct', false);
    const v = preflightVerdict([error, okRow, second], { force: true });
    const text = `${describedAs(error)}; ${describedAs(second)}`;
    expect(v).toEqual({
      refused: [],
      details: { preflight: `overridden by --force: ${text}` },
      notes: [`preflight failed but --force was given: ${text}`],
    });
    expect(preflightVerdict([warning, error], { force: true }).details).toEqual({
      preflight: `overridden by --force: ${describedAs(error)}`,
      preflightWarnings: describedAs(warning),
    });
  });

  test('--allow-unmanaged turns only the tag errors into warnings', () => {
    const v = preflightVerdict([tag, error], { allowUnmanaged: true });
    expect(v.refused).toEqual([error]);
    expect(v.details.preflightWarnings).toBe(describedAs(tag));
    expect(preflightVerdict([tag], { allowUnmanaged: true }).refused).toEqual([]);
    expect(preflightVerdict([tag], {}).refused).toEqual([tag]);
    expect(preflightVerdict([tag], { allowUnmanaged: false }).refused).toEqual([tag]);
  });

  test('blocking: the failed errors only', () => {
    expect(blocking([okRow, warning, error, tag])).toEqual([error, tag]);
    expect(describeFinding(error)).toBe(describedAs(error));
  });
});

describe('the refusal', () => {
  test('a usage error naming the distribution, the count and each failed check, with how to go on', () => {
    const one = refusal([finding('a', false)], 'E1', appRunnerBackend);
    expect(one).toMatchObject({ kind: 'usage' });
    expect(one.message.split('\nTo recover:\n')[0]).toBe(
      `Refusing to pause the primary: the live deployment (distribution E1) fails 1 check:\n  - ${describedAs(finding('a', false))}`,
    );
    expect(one.recovery).toBe(
      'Fix the deployment (apply the stack again), check it with `dr-drill check --target aws`, or pass --force to go ahead anyway (the report says so).',
    );
    const two = refusal([finding('a', false), finding('b', false)], 'E2', ecsExpressBackend);
    expect(two.message).toMatch(
      /^Refusing to fault the primary's listener rule: the live deployment \(distribution E2\) fails 2 checks:\n {2}- a setting.*\n {2}- b setting/,
    );
    expect(two.recovery).toContain(`(apply the stack again; ${ecsExpressBackend.refusalHint})`);
  });
});

describe('the findings table', () => {
  test('one aligned row a finding, its result first; no trailing blanks', () => {
    const table = findingsTable([finding('x', true), finding('longer-check', false), finding('w', false, 'warning')]);
    const lines = table.split('\n');
    const head = ['result', 'check', 'setting', 'found', 'expected'];
    expect(lines[0]!.split(/\s{2,}/)).toEqual(head);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ['ok', 'x', 'x setting', 'x found', 'x expected'],
      ['FAIL', 'longer-check', 'longer-check setting', 'longer-check found', 'longer-check expected'],
      ['warn', 'w', 'w setting', 'w found', 'w expected'],
    ]);
    // Each column starts where its heading does, two blanks after the widest cell before it.
    const starts = head.map((h) => lines[0]!.indexOf(h));
    expect(starts).toEqual([
      0,
      'result'.length + 2,
      8 + 'longer-check'.length + 2,
      22 + 'longer-check setting'.length + 2,
      44 + 'longer-check found'.length + 2,
    ]);
    for (const l of lines.slice(1)) for (const at of starts.slice(1)) expect(l.slice(at - 2, at + 1)).toMatch(/^ {2}\S$/);
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
    expect(findingsTable([])).toBe('result  check  setting  found  expected');
  });

  test('no line ends in blanks, whatever the last cell holds: empty, or a value that ends in a blank', () => {
    const said = (expected: string): Finding => ({ ...finding('x', false), expected });
    for (const last of ['', ' ', 'trailing ', 'a  ']) {
      const lines = findingsTable([said(last), finding('longer-check', true)]).split('\n');
      expect(lines.filter((l) => /\s$/.test(l))).toEqual([]);
      expect(lines[1]).toBe(`FAIL    x             x setting             x found             ${last}`.trimEnd());
    }
  });
});

describe('only the tagged primary of this stack is faulted', () => {
  const tags = { ManagedBy: 'edge-failover', EdgeFailoverStack: 'shop', EdgeFailoverRole: 'primary' };
  const opts = (allow?: boolean) => {
    const lines: string[] = [];
    return {
      lines,
      o: { stackName: 'shop', log: (l: string) => lines.push(l), ...(allow === undefined ? {} : { allowUnmanagedPause: allow }) },
    };
  };

  test('the primary with the three tags passes, silently', () => {
    const { lines, o } = opts();
    expect(() => checkManaged(o, 'primary', 'pause arn:p', tags)).not.toThrow();
    expect(lines).toEqual([]);
  });

  test('anything else is a usage error naming each problem; the override logs them instead', () => {
    const { o } = opts(false);
    const wrong = { ManagedBy: 'someone', EdgeFailoverRole: 'primary' };
    const e = (() => {
      try {
        checkManaged(o, 'primary', 'pause arn:p', wrong);
      } catch (error) {
        return error as Error & { kind: string; recovery?: string };
      }
      return undefined;
    })();
    expect(e?.kind).toBe('usage');
    expect(e?.message.split('\n')[0]).toBe(
      'Refusing to pause arn:p: tag ManagedBy is "someone", expected "edge-failover"; tag EdgeFailoverStack is missing, expected "shop"',
    );
    expect(e?.recovery).toMatch(/--allow-unmanaged/);
    expect(() => checkManaged(o, 'secondary', 'pause arn:s', { ...tags, EdgeFailoverRole: 'secondary' })).toThrow(
      /^Refusing to pause arn:s: it is the secondary, not the primary\n/,
    );
    expect(() => checkManaged(o, 'primary', 'pause arn:p', { ...tags, EdgeFailoverStack: 'other' })).toThrow(
      /tag EdgeFailoverStack is "other", expected "shop"\n/,
    );
    const allowed = opts(true);
    expect(() => checkManaged(allowed.o, 'secondary', 'pause arn:s', tags)).not.toThrow();
    expect(allowed.lines).toEqual([
      'pause arn:s although it is the secondary, not the primary; tag EdgeFailoverRole is "primary", expected "secondary" (override given)',
    ]);
  });
});

describe('reading the live deployment', () => {
  const P = 'p1.us-east-1.awsapprunner.com';
  const S = 's1.us-west-2.awsapprunner.com';
  const arn = (r: string, n: string) => `arn:aws:apprunner:${r}:123456789012:service/${n}/0123456789abcdef0123456789abcdef`;
  const refs: StackRefs = {
    distributionId: 'EDIST',
    domainName: 'd111111abcdef8.cloudfront.net',
    services: {
      primary: { role: 'primary', region: 'us-east-1', serviceArn: arn('us-east-1', 'p'), url: `https://${P}` },
      secondary: { role: 'secondary', region: 'us-west-2', serviceArn: arn('us-west-2', 's'), url: `https://${S}` },
    },
  };
  const tagsOf = (role: string) => ({
    Tags: [
      { Key: 'ManagedBy', Value: 'edge-failover' },
      { Key: 'EdgeFailoverStack', Value: 'shop' },
      { Key: 'EdgeFailoverRole', Value: role },
    ],
  });
  const service = (r: keyof StackRefs['services'], host: string, status = 'RUNNING') => ({
    Service: {
      ServiceName: r,
      ServiceId: '0123456789abcdef0123456789abcdef',
      ServiceArn: refs.services[r].serviceArn,
      ServiceUrl: host,
      Status: status,
    },
  });
  function answers(change: (c: ReturnType<typeof goodDistributionConfig>) => void = () => {}): Record<string, unknown> {
    const config = goodDistributionConfig(P, S);
    change(config);
    return {
      'cloudfront get-distribution-config --id EDIST': { ETag: 'E2QWRUHAPOMQZL', DistributionConfig: config },
      'cloudfront get-distribution --id EDIST': {
        ETag: 'E2QWRUHAPOMQZL',
        Distribution: { Id: 'EDIST', DomainName: refs.domainName, Status: 'Deployed' },
      },
      [`apprunner describe-service --service-arn ${refs.services.primary.serviceArn}`]: service('primary', P),
      [`apprunner describe-service --service-arn ${refs.services.secondary.serviceArn}`]: service('secondary', S),
      [`apprunner list-tags-for-resource --resource-arn ${refs.services.primary.serviceArn}`]: tagsOf('primary'),
      [`apprunner list-tags-for-resource --resource-arn ${refs.services.secondary.serviceArn}`]: tagsOf('secondary'),
    };
  }
  const options = { configCodes: [404, 500, 502, 503, 504], stackName: 'shop', backend: appRunnerBackend };
  const signal = () => new AbortController().signal;
  const failed = (fs: Finding[]) => fs.filter((x) => !x.ok).map((x) => x.check);

  test('the deployment as the stack makes it passes; each service is read in its own region', async () => {
    const cli = new AnsweringCli(answers());
    expect(failed(await inspectDeployment(cli, refs, options, signal()))).toEqual([]);
    expect(
      cli.calls
        .filter((c) => c.service === 'apprunner')
        .map((c) => `${c.operation} ${c.region}`)
        .sort(),
    ).toEqual([
      'describe-service us-east-1',
      'describe-service us-west-2',
      'list-tags-for-resource us-east-1',
      'list-tags-for-resource us-west-2',
    ]);
  });

  test('what the caller has read is not read again, and is what the checks judge', async () => {
    const cli = new AnsweringCli(answers());
    const paused = { serviceArn: refs.services.primary.serviceArn, serviceUrl: P, status: 'PAUSED' };
    const findings = await inspectDeployment(
      cli,
      refs,
      { ...options, read: { primary: paused }, distributionStatus: 'InProgress' },
      signal(),
    );
    expect(failed(findings)).toEqual(['distribution-deployed', 'primary-running']);
    expect(cli.calls.map((c) => c.operation)).not.toContain('get-distribution');
    expect(cli.calls.filter((c) => c.operation === 'describe-service').map((c) => c.region)).toEqual(['us-west-2']);
  });

  test('a distribution status the caller has read as Deployed passes without reading it again', async () => {
    const cli = new AnsweringCli(answers());
    expect(failed(await inspectDeployment(cli, refs, { ...options, distributionStatus: 'Deployed' }, signal()))).toEqual([]);
    expect(cli.calls.map((c) => c.operation)).not.toContain('get-distribution');
  });

  test('a custom origin request policy is read once and judged; a managed one is not read', async () => {
    const cli = new AnsweringCli({
      ...answers((c) => {
        c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY;
        c.CacheBehaviors = {
          Quantity: 1,
          Items: [{ ...c.DefaultCacheBehavior, PathPattern: '/img/*', OriginRequestPolicyId: CUSTOM_POLICY }],
        };
      }),
      [`cloudfront get-origin-request-policy --id ${CUSTOM_POLICY}`]: {
        ETag: 'E1',
        OriginRequestPolicy: { Id: CUSTOM_POLICY, OriginRequestPolicyConfig: policy('whitelist', ['Host']) },
      },
    });
    const findings = await inspectDeployment(cli, refs, options, signal());
    expect(failed(findings)).toEqual(['origin-request-host', 'origin-request-host']);
    // The policy read is the one judged: one that keeps Host back passes.
    const keepsHost = new AnsweringCli({
      ...answers((c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = CUSTOM_POLICY)),
      [`cloudfront get-origin-request-policy --id ${CUSTOM_POLICY}`]: {
        ETag: 'E1',
        OriginRequestPolicy: { Id: CUSTOM_POLICY, OriginRequestPolicyConfig: policy('allExcept', ['Host']) },
      },
    });
    expect(failed(await inspectDeployment(keepsHost, refs, options, signal()))).toEqual([]);
    expect(cli.calls.filter((c) => c.operation === 'get-origin-request-policy')).toHaveLength(1);
    const managed = new AnsweringCli(answers((c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = ALL_VIEWER)));
    expect(failed(await inspectDeployment(managed, refs, options, signal()))).toEqual(['origin-request-host']);
    expect(managed.calls.map((c) => c.operation)).not.toContain('get-origin-request-policy');
  });

  test('write paths and accepted behaviors reach the checks; an accepted pattern the distribution lacks is refused', async () => {
    const toPrimary = (c: ReturnType<typeof goodDistributionConfig>) => {
      c.CacheBehaviors = {
        Quantity: 1,
        Items: [{ ...c.DefaultCacheBehavior, PathPattern: '/api/*', TargetOriginId: c.Origins.Items[0].Id as string }],
      };
    };
    expect(failed(await inspectDeployment(new AnsweringCli(answers(toPrimary)), refs, options, signal()))).toEqual([
      'behavior-targets-group',
    ]);
    expect(
      failed(await inspectDeployment(new AnsweringCli(answers(toPrimary)), refs, { ...options, writePaths: ['/api/*'] }, signal())),
    ).toEqual([]);
    expect(
      failed(await inspectDeployment(new AnsweringCli(answers(toPrimary)), refs, { ...options, acceptedBehaviors: ['/api/*'] }, signal())),
    ).toEqual([]);
    await expect(
      inspectDeployment(new AnsweringCli(answers(toPrimary)), refs, { ...options, acceptedBehaviors: ['/nope/*'] }, signal()),
    ).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('distribution EDIST') });
  });

  test('the tags are checked against the stack name given', async () => {
    const findings = await inspectDeployment(new AnsweringCli(answers()), refs, { ...options, stackName: 'other' }, signal());
    expect(failed(findings)).toEqual(['primary-tag-EdgeFailoverStack', 'secondary-tag-EdgeFailoverStack']);
    expect(asChecked(goodDistributionConfig(P, S)).Enabled).toBe(true);
  });
});
