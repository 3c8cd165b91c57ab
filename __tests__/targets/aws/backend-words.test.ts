/**
 * What each backend says of itself, where the refusal and the preflight's findings use it: the
 * refusal names the fault it refuses as the plan's step for the primary does; each reason a finding
 * gives is about this backend's fault (the status its faulted primary answers) or its routing (by
 * Host). Pure: the findings are those of checks/behavior-checks.ts over a distribution configured as
 * the stack configures it, then broken one way at a time; no AWS CLI.
 */
import { describe, expect, test } from '@jest/globals';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import { ecsExpressBackend } from '../../../harness/targets/aws/backends/ecs-express.js';
import type { ServiceBackend } from '../../../harness/targets/aws/backends/service-backend.js';
import { checkBehaviors } from '../../../harness/targets/aws/checks/behavior-checks.js';
import { refusal } from '../../../harness/targets/aws/checks/inspect.js';
import type { Finding } from '../../../harness/targets/aws/wire.js';
import {
  ALL_VIEWER,
  DEFAULT_CODES,
  type DistConfig,
  asChecked,
  behavior,
  goodDistributionConfig,
  withBehaviors,
} from '../../support/aws/distribution.js';

const P = 'primary.example.com';
const S = 'secondary.example.com';

/** The failed findings of the behavior checks over the stack's distribution changed by `change`, judged for `backend`. */
function failed(backend: ServiceBackend, change: (c: DistConfig) => void): Finding[] {
  const c = goodDistributionConfig(P, S);
  change(c);
  const out: Finding[] = [];
  checkBehaviors(
    {
      config: asChecked(c),
      services: { primary: { host: P }, secondary: { host: S } },
      configCodes: DEFAULT_CODES,
      backend: backend.checks,
    },
    (check, setting, ok, found, expected, severity = 'error') => out.push({ check, setting, ok, found, expected, severity }),
  );
  return out.filter((x) => !x.ok);
}

/** The one failed finding of `check`. */
function only(findings: readonly Finding[], check: string): Finding {
  const of = findings.filter((x) => x.check === check);
  expect(of).toHaveLength(1);
  return of[0]!;
}

describe.each([appRunnerBackend, ecsExpressBackend].map((b) => [b.key, b] as const))('%s', (_key, backend) => {
  const status = String(backend.checks.faultStatus);

  test("a refusal names the fault it refuses as the plan does: the plan's step for the primary begins with it", () => {
    const finding: Finding = { check: 'c', setting: 'a setting', found: 'x', expected: 'y', ok: false, severity: 'error' };
    const refused = /^Refusing to (.+?): the live deployment/.exec(refusal([finding], 'E1', backend).message)?.[1];
    expect(refused).toBeDefined();
    for (const region of ['us-east-1', 'eu-west-1']) expect(backend.faultStep('primary', region).startsWith(`${refused} `)).toBe(true);
  });

  test('a group without the fault status among its failover codes is refused saying why: its faulted primary answers that status', () => {
    const f = only(
      failed(
        backend,
        (c) => (c.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items = DEFAULT_CODES.filter((x) => String(x) !== status)),
      ),
      `failover-criteria-${status}`,
    );
    const why = /^a list with (\d+): (.+)$/.exec(f.expected);
    expect(why?.[1]).toBe(status);
    expect(why?.[2]).toContain(status);
  });

  test("a path served by the primary alone is refused saying what its viewers get during the fault: the faulted primary's status", () => {
    const f = only(failed(backend, withBehaviors(behavior('/x/*', 'primary'))), 'behavior-targets-group');
    const outage = /never failed over, so (.+) \(accept it: --accept-behavior '\/x\/\*'\)$/.exec(f.expected)?.[1];
    expect(outage).toContain(status);
  });

  test("a behavior that sends the viewer's Host to the origin is refused saying why: the backend routes by Host", () => {
    const f = only(
      failed(backend, (c) => (c.DefaultCacheBehavior.OriginRequestPolicyId = ALL_VIEWER)),
      'origin-request-host',
    );
    const why = /^a policy that does not send the viewer's Host \(e\.g\. AllViewerExceptHostHeader\): (.+)$/.exec(f.expected)?.[1];
    expect(why).toMatch(/routes by Host/);
  });
});
