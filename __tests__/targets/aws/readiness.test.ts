/**
 * The readiness check before the preflight (checks/readiness.ts): both services are judged, each by
 * its backend's own read, at once; a drill starts only when both may, and a refusal names the
 * service (the primary's when both are refused). The AWS answers are the AWS CLI v2's JSON in the
 * botocore output shapes (apprunner DescribeServiceResponse, ecs DescribeServicesResponse), through
 * answering-cli.ts; no AWS CLI.
 */
import { describe, expect, test } from '@jest/globals';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import { ecsExpressBackend } from '../../../harness/targets/aws/backends/ecs-express.js';
import type { ServiceBackend } from '../../../harness/targets/aws/backends/service-backend.js';
import { checkServicesReady } from '../../../harness/targets/aws/checks/readiness.js';
import type { StackRefs } from '../../../harness/targets/aws/stack-refs.js';
import type { AwsCli } from '../../../harness/targets/aws/tools/aws-cli.js';
import type { ReadServices, Role } from '../../../harness/targets/aws/wire.js';
import { AnsweringCli } from '../../support/aws/answering-cli.js';
import { rejection } from '../../support/rejection.js';

const ROLES: readonly Role[] = ['primary', 'secondary'];
const REGION: Record<Role, string> = { primary: 'us-east-1', secondary: 'us-west-2' };
const signal = () => new AbortController().signal;

function refsOf(arn: (role: Role) => string): StackRefs {
  const s = (role: Role) => ({ role, region: REGION[role], serviceArn: arn(role), url: `https://${role}.example.com` });
  return {
    distributionId: 'EDIST',
    domainName: 'd111111abcdef8.cloudfront.net',
    services: { primary: s('primary'), secondary: s('secondary') },
  };
}

describe('App Runner: both services RUNNING', () => {
  const arn = (role: Role) => `arn:aws:apprunner:${REGION[role]}:123456789012:service/drill-${role}/0123456789abcdef0123456789abcdef`;
  const refs = refsOf(arn);
  const described = (role: Role, status: string) => ({
    Service: {
      ServiceName: `drill-${role}`,
      ServiceId: '0123456789abcdef0123456789abcdef',
      ServiceArn: arn(role),
      ServiceUrl: `${role}.awsapprunner.com`,
      Status: status,
    },
  });
  const cliWith = (status: Record<Role, string>) =>
    new AnsweringCli(
      Object.fromEntries(ROLES.map((role) => [`apprunner describe-service --service-arn ${arn(role)}`, described(role, status[role])])),
    );

  test('ready: each service is read once, in its own region, and what was read is returned under its role', async () => {
    const cli = cliWith({ primary: 'RUNNING', secondary: 'RUNNING' });
    const read = await checkServicesReady(cli, refs, appRunnerBackend, signal());
    expect(Object.keys(read).sort()).toEqual(['primary', 'secondary']);
    for (const role of ROLES) expect(read[role]).toMatchObject({ serviceArn: arn(role), status: 'RUNNING' });
    expect(cli.calls.map((c) => `${c.args[1]} ${c.region}`).sort()).toEqual(ROLES.map((role) => `${arn(role)} ${REGION[role]}`).sort());
  });

  test.each<[string, Record<Role, string>, Role]>([
    ['the primary PAUSED', { primary: 'PAUSED', secondary: 'RUNNING' }, 'primary'],
    ['the secondary PAUSED', { primary: 'RUNNING', secondary: 'PAUSED' }, 'secondary'],
    ['the secondary OPERATION_IN_PROGRESS', { primary: 'RUNNING', secondary: 'OPERATION_IN_PROGRESS' }, 'secondary'],
    ['both PAUSED', { primary: 'PAUSED', secondary: 'PAUSED' }, 'primary'],
    ['the primary CREATE_FAILED, the secondary PAUSED', { primary: 'CREATE_FAILED', secondary: 'PAUSED' }, 'primary'],
  ])('%s: refused, naming the service refused (the primary when both are) and its status', async (_, status, refused) => {
    const e = await rejection(checkServicesReady(cliWith(status), refs, appRunnerBackend, signal()));
    expect(e.kind).toBe('external');
    expect(e.message.split('\n')[0]).toBe(
      `The ${refused} App Runner service ${arn(refused)} is ${status[refused]}; the drill starts only from RUNNING`,
    );
    expect(e.recovery).toContain(arn(refused));
  });

  test('what the caller has read is judged and not read again', async () => {
    const cli = cliWith({ primary: 'RUNNING', secondary: 'RUNNING' });
    const paused = { serviceArn: arn('secondary'), serviceUrl: 'secondary.awsapprunner.com', status: 'PAUSED' };
    const e = await rejection(checkServicesReady(cli, refs, appRunnerBackend, signal(), () => {}, { secondary: paused }));
    expect(e.message).toMatch(/^The secondary App Runner service .* is PAUSED;/);
    expect(cli.calls.map((c) => c.args[1])).toEqual([arn('primary')]);
    const running = { ...paused, status: 'RUNNING' };
    const read = await checkServicesReady(new AnsweringCli({}), refs, appRunnerBackend, signal(), () => {}, {
      primary: { ...running, serviceArn: arn('primary') },
      secondary: running,
    });
    expect(read).toEqual({ primary: { ...running, serviceArn: arn('primary') }, secondary: running });
  });
});

describe('ECS Express: both services ACTIVE with a running task', () => {
  const arn = (role: Role) => `arn:aws:ecs:${REGION[role]}:123456789012:service/default/drill-${role}`;
  const refs = refsOf(arn);
  const cliWith = (running: Record<Role, number>) =>
    new AnsweringCli(
      Object.fromEntries(
        ROLES.map((role) => [
          `ecs describe-services --cluster default --services ${arn(role)}`,
          {
            services: [
              {
                serviceArn: arn(role),
                serviceName: `drill-${role}`,
                status: 'ACTIVE',
                desiredCount: 1,
                runningCount: running[role],
                pendingCount: 0,
              },
            ],
            failures: [],
          },
        ]),
      ),
    );

  test("ready: each service's line goes to the caller's log; none is needed", async () => {
    const lines: string[] = [];
    const read = await checkServicesReady(cliWith({ primary: 1, secondary: 2 }), refs, ecsExpressBackend, signal(), (l) => lines.push(l));
    for (const role of ROLES) expect(read[role]).toMatchObject({ serviceArn: arn(role), status: 'ACTIVE' });
    expect(lines.sort()).toEqual([
      expect.stringMatching(new RegExp(`^primary: ECS service ${arn('primary')} ACTIVE, `)),
      expect.stringMatching(new RegExp(`^secondary: ECS service ${arn('secondary')} ACTIVE, `)),
    ]);
    await expect(checkServicesReady(cliWith({ primary: 1, secondary: 1 }), refs, ecsExpressBackend, signal())).resolves.toMatchObject({
      primary: { status: 'ACTIVE' },
      secondary: { status: 'ACTIVE' },
    });
  });

  test.each<[Record<Role, number>, Role]>([
    [{ primary: 0, secondary: 1 }, 'primary'],
    [{ primary: 1, secondary: 0 }, 'secondary'],
    [{ primary: 0, secondary: 0 }, 'primary'],
  ])('running tasks %j: the %s is refused, named', async (running, refused) => {
    const e = await rejection(checkServicesReady(cliWith(running), refs, ecsExpressBackend, signal()));
    expect(e.kind).toBe('external');
    expect(e.message).toMatch(new RegExp(`^The ${refused} ECS service ${arn(refused)} has 0 running`));
  });
});

describe('any backend', () => {
  interface Pending {
    readonly role: Role;
    readonly known: unknown;
    settle(outcome: { ok: unknown } | { error: Error }): void;
  }
  /** A backend whose ready() waits until the test settles it, recording what it was given. */
  function heldBackend(cli: AwsCli, sig: AbortSignal, log: (l: string) => void) {
    const pending: Pending[] = [];
    const backend = {
      ...appRunnerBackend,
      ready: (ctx, s, known) =>
        new Promise((resolve, reject) => {
          expect(ctx.cli).toBe(cli);
          expect(ctx.signal).toBe(sig);
          expect(ctx.log).toBe(log);
          pending.push({ role: s.role, known, settle: (o) => ('error' in o ? reject(o.error) : resolve(o.ok)) });
        }),
    } satisfies ServiceBackend;
    return { backend, pending };
  }
  const refs = refsOf((role) => `arn:aws:apprunner:${REGION[role]}:123456789012:service/${role}/x`);
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  test("both are read at once, each with its own service and what was known of it, through the caller's cli, signal and log", async () => {
    const cli = new AnsweringCli({});
    const sig = signal();
    const log = () => {};
    const { backend, pending } = heldBackend(cli, sig, log);
    const known: ReadServices = { primary: { mine: 'primary' }, secondary: { mine: 'secondary' } };
    const done = checkServicesReady(cli, refs, backend, sig, log, known);
    await turn();
    // Neither has answered, and both were asked.
    expect(pending.map((p) => [p.role, p.known])).toEqual([
      ['primary', known.primary],
      ['secondary', known.secondary],
    ]);
    pending[1]!.settle({ ok: 'S' });
    pending[0]!.settle({ ok: 'P' });
    await expect(done).resolves.toEqual({ primary: 'P', secondary: 'S' });
  });

  test.each<[string, Role, 'ok' | 'error', 'ok' | 'error', 'first' | 'last']>([
    ['the primary refused first', 'primary', 'error', 'ok', 'first'],
    ['the primary refused last', 'primary', 'error', 'ok', 'last'],
    ['the secondary refused first', 'secondary', 'ok', 'error', 'last'],
    ['the secondary refused last', 'secondary', 'ok', 'error', 'first'],
    ['both refused, the secondary first', 'primary', 'error', 'error', 'last'],
    ['both refused, the primary first', 'primary', 'error', 'error', 'first'],
  ])("%s: the refusal raised is the %s's", async (_, refused, p, s, primaryAnswers) => {
    const cli = new AnsweringCli({});
    const sig = signal();
    const log = () => {};
    const { backend, pending } = heldBackend(cli, sig, log);
    const done = rejection(checkServicesReady(cli, refs, backend, sig, log));
    await turn();
    const errors = { primary: new Error('primary refused'), secondary: new Error('secondary refused') };
    const outcome = (role: Role, which: 'ok' | 'error') => (which === 'ok' ? { ok: role } : { error: errors[role] });
    const order = primaryAnswers === 'first' ? [0, 1] : [1, 0];
    for (const i of order) {
      const role = pending[i]!.role;
      pending[i]!.settle(outcome(role, role === 'primary' ? p : s));
      await turn();
    }
    expect(await done).toBe(errors[refused]);
  });

  test('without a log, a backend that logs is still judged', async () => {
    const { backend } = {
      backend: {
        ...appRunnerBackend,
        ready: (ctx: { log: (l: string) => void }, s: { role: Role }) => {
          ctx.log(`${s.role} ready`);
          return Promise.resolve(s.role);
        },
      } as unknown as ServiceBackend,
    };
    await expect(checkServicesReady(new AnsweringCli({}), refs, backend, signal())).resolves.toEqual({
      primary: 'primary',
      secondary: 'secondary',
    });
  });
});
