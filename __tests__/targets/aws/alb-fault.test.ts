/**
 * The ECS Express fault and preflight against moto's ELBv2, ECS and CloudFront through the emulated
 * AWS, driven by the real AWS CLI v2. moto has no Express API, so express-world.ts builds what
 * CreateExpressGatewayService would: a shared ALB, a host-header listener rule per service forwarding
 * to its target group, the ECS services registered with them, next to another service's rule, and
 * the distribution in front. A fault-injecting proxy in front of moto (fault-proxy.ts) loses or replaces
 * the answers of chosen ModifyRule calls after moto made the change, for the ambiguous outcomes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkMoto } from '../../../emulator/moto/moto-server.js';
import { findAppRunnerModel } from '../../../emulator/apprunner/model.js';
import { AWS_CLI_V2 } from '../../../emulator/aws-cli.js';
import { FAKE_CREDENTIALS, startEmulatedAws, type EmulatedAws } from '../../../emulator/world.js';
import { AwsCli } from '../../../harness/targets/aws/tools/aws-cli.js';
import { configSchema } from '../../../config/index.js';
import { findServiceRule, fixedResponseActions, ruleProblems } from '../../../harness/targets/aws/backends/alb-rules.js';
import { ecsExpressBackend, faultRule } from '../../../harness/targets/aws/backends/ecs-express.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import type { AlbRule, JournalFault } from '../../../harness/targets/aws/wire.js';
import { FaultProxy, type ProxyStep } from '../../support/aws/fault-proxy.js';
import { hangingCallTimeoutMs } from '../../support/aws/world.js';
import { AMBIGUOUS_CASES, type First } from '../../support/aws/ambiguous-cases.js';
import { WayBack } from '../../../harness/targets/aws/backends/service-backend.js';
import { resolveWaits } from '../../../harness/targets/aws/tools/waits.js';
import { AwsTarget } from '../../../harness/targets/aws/aws-target.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { recover } from '../../../harness/targets/aws/recover.js';
import { describeUnless } from '../../support/skip.js';
import {
  EXPRESS_REGION,
  EXPRESS_STACK,
  type ExpressWorld,
  OTHER_HOST,
  PRIMARY_HOST,
  SECONDARY_HOST,
  buildExpressWorld,
} from '../../support/aws/express-world.js';

const AWS = AWS_CLI_V2;
const moto = checkMoto();
const model = findAppRunnerModel();
const missing = !existsSync(AWS)
  ? `the AWS CLI v2 is not at ${AWS} (apt-get install awscli)`
  : 'reason' in moto
    ? moto.reason
    : typeof model !== 'string'
      ? model.reason
      : undefined;

const REGION = EXPRESS_REGION;
const HOST = PRIMARY_HOST;
const never = () => new AbortController().signal;
const cliEnv = { ...FAKE_CREDENTIALS, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };

describeUnless(missing, 'the listener-rule fault on moto ELBv2', () => {
  let world: EmulatedAws;
  let cli: AwsCli;
  let stateDir: string;
  let express: ExpressWorld;
  let serviceArn: string;
  let ownTg: string;
  let otherRule: string;

  beforeAll(async () => {
    world = await startEmulatedAws({ operationMs: 100 });
    cli = new AwsCli({
      binary: AWS,
      endpointUrl: world.endpoint,
      env: cliEnv,
      attempts: 1,
    });
    stateDir = mkdtempSync(join(tmpdir(), 'alb-fault-'));
    express = await buildExpressWorld(cli);
    ({ primaryArn: serviceArn, primaryTg: ownTg, otherRule } = express);
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const ref = () => ({ role: 'primary' as const, region: REGION, serviceArn, endpointHost: HOST });
  const openLedger = (name: string) =>
    RunLedger.open({
      stateDir,
      name,
      runId: `alb-${name}`,
      mode: 'existing',
      command: 'run',
      stackDir: stateDir,
      varFiles: [],
      regions: [REGION],
      options: { terraformOverrides: [] },
    });

  test('finds the rule by host header and target group, never another service on the shared ALB', async () => {
    const found = await findServiceRule(cli, ref(), never());
    expect(found.targetGroupArn).toBe(ownTg);
    expect(found.rule.RuleArn).not.toBe(otherRule);
    expect(ruleProblems(found.rule, HOST, ownTg)).toEqual([]);
    expect(ruleProblems(found.rule, OTHER_HOST, ownTg)).toEqual([`its host-header condition does not name ${OTHER_HOST}`]);
  });

  test('journals the original actions before modify-rule, answers fixed-response 503; recover restores them exactly from the journal', async () => {
    const ledger = await openLedger('drill');
    const found = await findServiceRule(cli, ref(), never());
    const original = found.rule.Actions;
    const ctx = { cli, waits: resolveWaits(), signal: never(), log: () => {}, wayBack: new WayBack(30_000), stackName: EXPRESS_STACK };
    const service = { role: 'primary' as const, region: REGION, serviceArn, url: `https://${HOST}` };
    await ecsExpressBackend.inject(ctx, service, ledger);
    expect(ledger.owedFaults).toEqual([
      expect.objectContaining({ backend: 'ecs-express', role: 'primary', resource: found.rule.RuleArn, region: REGION, undo: original }),
    ]);
    expect(await ledger.finish()).toBe(false); // a restore is owed
    const during = await cli.call<any>('elbv2', 'describe-rules', ['--rule-arns', found.rule.RuleArn], REGION, never());
    expect(during.Rules[0].Actions[0]).toMatchObject({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } });
    // The faulted rule is still recognised as the service's own (by host), and is refused a second fault.
    await expect(ecsExpressBackend.inject(ctx, service, ledger)).rejects.toThrow(/already answers a fixed response/);
    // The printed way back names the exact modify-rule.
    expect(ledger.recoverySteps()).toContain(
      `aws elbv2 modify-rule --rule-arn ${found.rule.RuleArn} --actions '${JSON.stringify(original)}' --region ${REGION}`,
    );
    // The run dies here (the lock goes, the journal stays open); `dr-drill recover` restores the rule from the journal.
    await ledger.release();
    const recovered = await recover(
      { stack: 'drill', stateDir, awsCli: AWS, endpointUrl: world.endpoint, env: cliEnv, awsAttempts: 1 },
      never(),
    );
    expect(recovered).toMatchObject({ found: true, ok: true });
    expect(recovered.detail).toContain(`Restored the original actions of the primary listener rule (${found.rule.RuleArn}).`);
    expect(recovered.journal?.finishedAt).toBeDefined();
    expect(recovered.journal?.faults).toEqual([]);
    const after = await cli.call<any>('elbv2', 'describe-rules', ['--rule-arns', found.rule.RuleArn], REGION, never());
    expect(after.Rules[0].Actions).toEqual(original);
  });

  test('a service whose endpoint no rule names is refused with what was looked for', async () => {
    await expect(findServiceRule(cli, { ...ref(), endpointHost: 'nobody.ecs.us-east-1.on.aws' }, never())).rejects.toThrow(
      /No listener rule of the primary ECS Express service: none has a host-header condition for nobody\.ecs\.us-east-1\.on\.aws/,
    );
  });

  test('provision reads the services with ECS describe-services and refuses a rule left answering a fixed response (exit 2), naming it', async () => {
    const logs: string[] = [];
    const target = new AwsTarget({
      log: (l) => logs.push(l),
      config: configSchema.parse({ namePrefix: EXPRESS_STACK, service: { backend: 'ecs-express' } }),
      mode: 'existing',
      runId: 'alb-preflight-test',
      stackName: EXPRESS_STACK,
      stackDir: stateDir,
      runDir: join(stateDir, 'run'),
      stateDir: join(stateDir, 'state'),
      awsCli: AWS,
      endpointUrl: world.endpoint,
      env: cliEnv,
      awsAttempts: 1,
      waits: { serviceTransitionMs: 30_000, pollIntervalMs: 100, maxPollIntervalMs: 400, distributionDeployedMs: 30_000 },
      existing: {
        primaryServiceArn: express.primaryArn,
        secondaryServiceArn: express.secondaryArn,
        distributionId: express.distributionId,
        primaryEndpoint: PRIMARY_HOST,
        secondaryEndpoint: `https://${SECONDARY_HOST}/`,
      },
    });
    const rule = { RuleArn: express.primaryRule, Actions: [{ Type: 'forward', TargetGroupArn: ownTg }] };
    // A fault a drill left behind (or a hand edit): the rule answers 503 instead of forwarding.
    await cli.call(
      'elbv2',
      'modify-rule',
      ['--rule-arn', rule.RuleArn, '--actions', JSON.stringify(fixedResponseActions())],
      REGION,
      never(),
    );
    try {
      const refused = await target.provision(never()).catch((e: unknown) => e as AwsTargetError);
      expect(refused).toBeInstanceOf(AwsTargetError);
      expect((refused as AwsTargetError).kind).toBe('usage');
      // Everything else moto holds passes: the one failed check is the rule's actions.
      expect((refused as AwsTargetError).message).toMatch(
        new RegExp(
          `^Refusing to fault the primary's listener rule: the live deployment \\(distribution ${express.distributionId}\\) fails 1 check:\n {2}- ${rule.RuleArn.replace(/[/.]/g, '\\$&')} Actions = fixed-response 503 \\(a fault left behind\\?\\): must be forward to the service's target group ${ownTg.replace(/[/.]/g, '\\$&')}; restore it: dr-drill recover --target aws`,
        ),
      );
      expect(logs).toEqual(
        expect.arrayContaining([
          `primary: ECS service ${express.primaryArn} ACTIVE, 1 running of 1 desired (0 pending)`,
          `secondary: ECS service ${express.secondaryArn} ACTIVE, 1 running of 1 desired (0 pending)`,
        ]),
      );
      for (const op of ['DescribeService', 'ListTagsForResource']) expect(world.appRunner.callsOf(op)).toEqual([]);
    } finally {
      await target.teardown(never());
      await cli.call('elbv2', 'modify-rule', ['--rule-arn', rule.RuleArn, '--actions', JSON.stringify(rule.Actions)], REGION, never());
    }
  }, 120_000);

  describe('a modify-rule whose outcome is ambiguous (answers lost after moto made the change)', () => {
    let proxy: FaultProxy;
    let viaProxy: AwsCli;
    let original: AlbRule;
    let callTimeoutMs = 0;
    const refused: ProxyStep = { kind: 'refuse', status: 400, code: 'OperationNotPermitted', message: 'injected refusal' };
    const answered500: ProxyStep = { kind: 'refuse', status: 500, code: 'InternalFailure', message: 'injected 5xx' };

    beforeAll(async () => {
      proxy = await FaultProxy.start(world.endpoint, (body) => /(^|&)Action=ModifyRule(&|$)/.test(body));
      // Each call's timeout, which the "timed out" cases' hanging call meets (see hangingCallTimeoutMs).
      callTimeoutMs = await hangingCallTimeoutMs();
      viaProxy = new AwsCli({ binary: AWS, endpointUrl: proxy.url, env: cliEnv, attempts: 2, retryDelayMs: 50, timeoutMs: callTimeoutMs });
      original = (await findServiceRule(cli, ref(), never())).rule;
    }, 60_000);
    afterAll(async () => {
      await proxy?.close();
    });

    const service = () => ({ role: 'primary' as const, region: REGION, serviceArn, url: `https://${HOST}` });
    const ctx = (signal = never()) => ({ cli: viaProxy, waits: resolveWaits(), signal, log: () => {}, wayBack: new WayBack(30_000) });
    /** The rule's actions read back from moto (not through the proxy). */
    const actionsNow = async () =>
      (await cli.call<{ Rules: AlbRule[] }>('elbv2', 'describe-rules', ['--rule-arns', original.RuleArn], REGION, never())).Rules[0]!
        .Actions;
    const journalOf = async (name: string) => (await readJournal(stateDir, name))!;
    const faultOf = (name: string): Promise<JournalFault> => journalOf(name).then((j) => j.faults[0]!);

    const FIRST: Record<First, ProxyStep> = {
      answered: answered500,
      lost: { kind: 'lost', as: '500' },
      'timed out': { kind: 'lost', as: 'hang' },
    };
    // Each case also loses the restore's answer in one way, and one restore is refused before it is made.
    const UNDO: Record<string, { steps: ProxyStep[]; refusedFirst?: true }> = {
      'answered accepted': { steps: [{ kind: 'lost', as: '500' }, { kind: 'pass' }] },
      'lost refused': { steps: [{ kind: 'lost', as: 'reset' }, refused] },
      'lost accepted': { steps: [{ kind: 'lost', as: '500' }, refused] },
      'timed out refused': { steps: [refused], refusedFirst: true },
      'timed out accepted': { steps: [{ kind: 'pass' }] },
    };

    test.each(AMBIGUOUS_CASES)(
      'first attempt %s, retry %s: the rule ends with its original actions and the journal tells the truth',
      async (first, retry) => {
        const name = `ambiguous-${first.replace(' ', '-')}-${retry}`;
        const ledger = await openLedger(name);
        try {
          proxy.script(FIRST[first], retry === 'refused' ? refused : { kind: 'pass' });
          const injected = await faultRule(ctx(), service(), original, ledger).then(
            () => undefined,
            (e: unknown) => e as Error,
          );
          expect(proxy.handled).toEqual([FIRST[first].kind, retry === 'refused' ? 'refuse' : 'pass']);
          const started = first !== 'answered' || retry === 'accepted';
          const events = (await journalOf(name)).events.map((e) => e.what);
          if (!started) {
            // Nothing was changed, and describe-rules showed it before the journal let go.
            expect(injected?.message).toMatch(/OperationNotPermitted/);
            expect(await actionsNow()).toEqual(original.Actions);
            expect(events).toContainEqual(
              expect.stringMatching(/not started, nothing to undo: no answer \(2 attempts, .*\), and the real state shows nothing started/),
            );
            expect((await journalOf(name)).faults).toEqual([]);
            expect(await ledger.finish()).toBe(true);
            return;
          }
          expect(injected).toBeUndefined();
          expect((await actionsNow())[0]).toMatchObject({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } });
          expect(await faultOf(name)).toMatchObject({ resource: original.RuleArn, undo: original.Actions });
          if (first !== 'answered' && retry === 'refused')
            expect(events).toContainEqual(expect.stringMatching(/took effect although its answer was lost/));
          // The restore: its answer is lost (or it is refused before it is made); the rule read back decides.
          const undo = UNDO[`${first} ${retry}`]!;
          proxy.script(...undo.steps);
          if (undo.refusedFirst) {
            await expect(ecsExpressBackend.undo(ctx(), await faultOf(name), ledger)).rejects.toThrow(
              /does not read back its original actions after restore .*modify-rule: .*OperationNotPermitted/s,
            );
            expect(await faultOf(name)).toMatchObject({ resource: original.RuleArn }); // still owed
            expect(await ledger.finish()).toBe(false);
            proxy.script();
          }
          await expect(ecsExpressBackend.undo(ctx(), await faultOf(name), ledger)).resolves.toMatch(/Restored the original actions/);
          expect(await actionsNow()).toEqual(original.Actions);
          expect((await journalOf(name)).faults).toEqual([]);
          expect(await ledger.finish()).toBe(true);
        } finally {
          proxy.script();
          await ledger.release();
        }
      },
      120_000,
    );

    test('the run dies while modify-rule is unanswered and the change lands after: the journal keeps the fault and `recover` restores the rule', async () => {
      const name = 'ambiguous-killed';
      const ledger = await openLedger(name);
      proxy.script({ kind: 'held' });
      const dying = new AbortController();
      const injected = faultRule(ctx(dying.signal), service(), original, ledger).catch((e: unknown) => e as Error);
      for (let i = 0; i < 600 && proxy.handled.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
      dying.abort();
      expect((await injected)?.message).toMatch(/may have started .* the undo stays owed/s);
      await ledger.release(); // the process is gone: its lock goes, the journal stays open
      await proxy.release(); // the call lands after the run died
      expect((await actionsNow())[0]).toMatchObject({ Type: 'fixed-response' });
      expect(await faultOf(name)).toMatchObject({ resource: original.RuleArn, undo: original.Actions });
      const recovered = await recover({ stack: name, stateDir, awsCli: AWS, endpointUrl: proxy.url, env: cliEnv, awsAttempts: 1 }, never());
      expect(recovered).toMatchObject({ found: true, ok: true });
      expect(await actionsNow()).toEqual(original.Actions);
      expect((await journalOf(name)).finishedAt).toEqual(expect.any(String));
    }, 120_000);
  });
});
