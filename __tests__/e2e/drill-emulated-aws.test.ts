/**
 * The whole drill, as a user runs it (`dr-drill` as a child process), through the emulated AWS
 * with the real terraform, the real AWS provider (the image's mirror) and the real AWS CLI v2;
 * probes go through the emulated viewer network to the emulated CloudFront edge.
 *
 * One emulator serves three chains that run side by side, to keep the suite's wall time down:
 * - ephemeral: `run --mode ephemeral` (init, apply, output, pause, failover, resume, failback,
 *   destroy, whose first attempt fails because App Runner is busy, then the retry; leak sweep),
 *   then nothing of the run is left but KMS keys pending deletion;
 * - halfway: an ephemeral run whose apply fails halfway (the secondary's creation fails);
 * - deployed: the real cdktf CLI as the README shows it: `cdktf synth`, the test's overrides dropped
 *   next to cdk.tf.json, `cdktf deploy --skip-synth --skip-provider-lock` (the suite never reaches
 *   a registry); a second plan shows no changes; then `run --mode existing`, a pause that fails,
 *   SIGINT during the outage (while the primary is paused, the edge fails over on its 404), a pause
 *   stuck past its bound with `recover` from the printed command, three drills with the alarm phase
 *   on (its transitions driven by set-alarm-state), and `cdktf destroy`.
 * When all three are done, the emulators hold nothing but KMS keys pending deletion. (`dr-drill up`
 * and `down` run the same apply and destroy: __tests__/cli/aws-up-down.test.ts covers the commands.)
 *
 * @slow three stacks applied (one halfway) and destroyed with the real terraform
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { request } from 'undici';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../config/index.js';
import { AwsTargetError } from '../../harness/targets/aws/tools/errors.js';
import { AwsTarget } from '../../harness/targets/aws/aws-target.js';
import { readJournal } from '../../harness/targets/aws/safety/journal.js';
import { describeUnless } from '../support/skip.js';
import { maxSendGapMs, probeSlack, withPace, type Pace } from '../support/pace.js';
import { diagnostics, PROVIDER_MIRROR, terraform } from '../support/terraform.js';
import { EDGE_HEADERS } from '../../harness/cloudfront/index.js';
import { AWS_CLI_V2, leftovers } from '../../emulator/aws-cli.js';
import { E2eWorld, e2eMissing, POLL_SECONDS, type DrillResult } from './support/world.js';

const missing = await e2eMissing();
const DEPLOYED = 'e2e-deployed';
const EPHEMERAL_PREFIX = 'e2e-ephemeral';
/**
 * Drill settings that suit 1 s App Runner operations. moto does not evaluate alarms, so runs that do
 * not drive them themselves leave the alarm phase off. The emulated CloudFront edge runs in this
 * test's process beside three chains of terraform, AWS CLI and drills on two cores, which stalls it
 * (and the drills) for seconds at times (seen: failback 5.3 s, GETs past a 2 s and a 5 s connection
 * timeout). So the drill's own time and error thresholds are set out of reach, and the test holds
 * each run to bounds that take their slack from the pace measured in the same run (expectTimely). No
 * fault here makes an origin unreachable, so a 5 s connection timeout (in ms) changes no outcome.
 * Direct probes at 2/s per origin: each connection through the viewer network is a TLS handshake in
 * this process, and the drill needs only to see the primary go down and come back.
 */
const DRILL = [
  '--plain',
  '--rate',
  '5',
  '--direct-rate',
  '2',
  '--connect-timeout',
  '5000',
  '--steady-timeout',
  '60',
  '--observe-timeout',
  '90',
  '--hold',
  '1',
  '--alarms',
  'off',
  '--failover-threshold',
  '600',
  '--failback-threshold',
  '600',
  '--max-get-errors',
  '1000000',
];
/**
 * The alarm phase on, with bounds the test's own set-alarm-state calls meet (moto answers at once). Each
 * poll runs the AWS CLI once per alarm region (about a CPU-second each): every 5 s, not faster, keeps
 * the CLI's start-ups from taking the machine's cores while the other chains run.
 */
const ALARMS = ['--alarms', 'assert', '--alarm-poll-interval', '5', '--alarm-publishing-allowance', '0'];
const minutes = (n: number) => n * 60_000;
/**
 * The shared and the halfway stack leave their topics unencrypted: each KMS key costs the
 * provider's propagation wait (about 13 s), and the ephemeral stack keeps the keys, so the leak
 * sweep's handling of keys pending deletion is still proven.
 */
const NO_KEYS = { monitoring: { topicEncryption: 'none' } };

/** Splits a command line the ledger printed (words, single-quoted words). */
function words(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}
const runRecord = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));

/**
 * A run's viewer-facing times and errors against bounds with slack from the pace measured in the same
 * run (the drill's own thresholds are out of reach, see DRILL): failover within the expected failover
 * plus the slack, failback within the slack, and a failed edge GET only where the drill's process and
 * this one (the edge's) were together stalled past the connection timeout.
 */
function expectTimely(run: any, pace: Pace) {
  const slack = probeSlack(run, pace);
  const stalledMs = Math.round(maxSendGapMs(run) + pace.lagMs);
  const failedGets = run.probes
    .filter((p: any) => p.kind === 'edge' && !p.cancelled && p.status === undefined)
    .map((p: any) => `${p.error} after ${p.latencyMs} ms`);
  const bounds = { failover: (run.settings.expectedFailover?.seconds ?? 0) + slack, failback: slack };
  const { failover, failback } = run.measurements;
  // Each figure beside its bound, so a failure shows both.
  expect({
    failover: { seconds: failover.seconds, bound: bounds.failover, within: failover.seconds < bounds.failover },
    failback: { seconds: failback.seconds, bound: bounds.failback, within: failback.seconds < bounds.failback },
    failedGets: { stalledMs, unexplained: stalledMs >= run.settings.probe.connectTimeoutMs ? [] : failedGets },
  }).toMatchObject({ failover: { within: true }, failback: { within: true }, failedGets: { unexplained: [] } });
}

describeUnless(missing, 'dr-drill --target aws through the emulated AWS, with real terraform, provider and AWS CLI', () => {
  let world: E2eWorld;
  let ephemeral: Promise<{ value: DrillResult; pace: Pace }>;
  let halfway: Promise<DrillResult>;
  let deployed: Promise<Deployed>;
  const dirs = { ephemeral: '', halfway: '' };
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      seconds[name] = Math.round(performance.now() - t0) / 1000;
    }
  };
  /** The workspace of the deployed chain: its config, and the cdktf.out the cdktf CLI writes and the drills read. */
  const ws = () => world.workspace('deployed', { namePrefix: DEPLOYED, ...NO_KEYS });
  const cdktfOptions = () => ({ output: join(ws().cwd, 'cdktf.out'), config: ws().config, home: join(ws().cwd, 'home') });
  const stackDir = () => join(ws().cwd, 'cdktf.out', 'stacks', DEPLOYED);
  const cdktfArgs = ['--skip-synth', '--skip-provider-lock', '--auto-approve', DEPLOYED];

  beforeAll(async () => {
    world = await E2eWorld.start();
    const eph = world.workspace('ephemeral', { namePrefix: EPHEMERAL_PREFIX });
    dirs.ephemeral = join(eph.cwd, 'run');
    // Its destroy's first attempt meets a busy App Runner (the retry is the one `dr-drill down` makes too).
    world.aws.appRunner.failRequests({
      operation: 'DeleteService',
      type: 'InvalidStateException',
      message: 'Service is in OPERATION_IN_PROGRESS state',
      when: (i) => new RegExp(`:service/${EPHEMERAL_PREFIX}-[a-z0-9]+-primary/`).test(String((i as { ServiceArn?: unknown }).ServiceArn)),
    });
    ephemeral = withPace(() =>
      timed('ephemeral run', () =>
        world.drill(eph.cwd, [
          'run',
          '--target',
          'aws',
          '--mode',
          'ephemeral',
          '--config',
          eph.config,
          '--out',
          dirs.ephemeral,
          '--yes',
          ...DRILL,
          ...world.toolArgs(),
        ]),
      ),
    );
    const half = world.workspace('halfway', { namePrefix: 'e2e-halfway', ...NO_KEYS });
    dirs.halfway = join(half.cwd, 'run');
    world.aws.appRunner.failOperations({ type: 'CREATE_SERVICE', when: (s) => /^e2e-halfway-.+-secondary$/.test(s.name) });
    halfway = timed('apply fails halfway run', () =>
      world.drill(half.cwd, [
        'run',
        '--target',
        'aws',
        '--config',
        half.config,
        '--out',
        dirs.halfway,
        '--yes',
        ...DRILL,
        ...world.toolArgs(),
      ]),
    );
    deployed = cdktfSynthAndDeploy();
  }, minutes(2));

  /** What the emulated AWS holds of the deployed stack: its App Runner services, its distribution, its alarms. */
  const holdings = async (distributionId: string) => {
    const distribution = await world
      .cli('us-east-1', ['cloudfront', 'get-distribution', '--id', distributionId])
      .then((d) => d.Distribution.Id as string)
      .catch((e: Error) => (/NoSuchDistribution/.test(e.message) ? 'NoSuchDistribution' : e.message));
    const alarms = await world.cli('us-east-1', ['cloudwatch', 'describe-alarms', '--alarm-name-prefix', `${DEPLOYED}-`]);
    return {
      services: world.aws.appRunner
        .holdings()
        .services.filter((a) => a.includes(`:service/${DEPLOYED}-`))
        .map((a) => a.replace(/^.*:service\/([^/]+)\/.*$/, '$1'))
        .sort(),
      distribution,
      alarms: (alarms.MetricAlarms as unknown[]).length,
    };
  };
  type Deployed = Awaited<ReturnType<typeof cdktfSynthAndDeploy>>;

  /** synth, the overrides next to cdk.tf.json, deploy, what AWS holds: each step only if the one before passed. */
  async function cdktfSynthAndDeploy() {
    const o = cdktfOptions();
    const synth = await timed('cdktf synth', () => world.cdktf(['synth'], o));
    if (synth.code !== 0) return { synth };
    for (const f of world.overrides) copyFileSync(f, join(stackDir(), basename(f)));
    const deploy = await timed('cdktf deploy', () => world.cdktf(['deploy', ...cdktfArgs], o));
    if (deploy.code !== 0) return { synth, deploy };
    const outputs = JSON.parse(readFileSync(join(stackDir(), 'terraform.tfstate'), 'utf8')).outputs;
    return {
      synth,
      deploy,
      outputs: {
        distributionId: outputs.distribution_id.value as string,
        distributionDomain: outputs.distribution_domain_name.value as string,
        primaryArn: outputs.primary_service_arn.value as string,
      },
      holdings: await holdings(outputs.distribution_id.value),
      lock: readFileSync(join(stackDir(), '.terraform.lock.hcl'), 'utf8'),
    };
  }

  afterAll(async () => {
    // Whatever is still running ends with the emulator; nothing outlives it.
    await Promise.allSettled([ephemeral, halfway, deployed]);
    await world?.stop();
    console.log(`emulated AWS end-to-end timings (s): ${JSON.stringify(seconds)}`);
  }, minutes(21));

  describe('one stack deployed with cdktf deploy, drilled in existing mode, destroyed with cdktf destroy', () => {
    /** The deployed stack's outputs; fails the test with what went wrong when synth or deploy did. */
    const outputs = async () => {
      const d = await deployed;
      if (!d.outputs) throw new Error(`cdktf synth or deploy failed: ${JSON.stringify({ synth: d.synth, deploy: d.deploy })}`);
      return d.outputs;
    };
    const primaryStatus = async () => world.aws.appRunner.statusOf((await outputs()).primaryArn);
    const isDeployedPrimary = (i: { ServiceArn?: unknown }) => String(i.ServiceArn).includes(`:service/${DEPLOYED}-primary/`);
    /** One request through the viewer network's edge for the distribution terraform created. */
    const probeEdge = async () => {
      const domain = (await outputs()).distributionDomain;
      const edge = await world.network.edgeFor(domain);
      const r = await request(`${edge.url}/`, { headers: { host: domain }, signal: AbortSignal.timeout(15_000) });
      await r.body.text();
      return {
        status: r.statusCode,
        origin: r.headers[EDGE_HEADERS.origin],
        failover: r.headers[EDGE_HEADERS.failover],
        servedBy: r.headers['x-served-by'],
      };
    };
    const existing = (out: string, extra: readonly string[] = []) => [
      'run',
      '--target',
      'aws',
      '--mode',
      'existing',
      '--config',
      ws().config,
      '--out',
      join(ws().cwd, out),
      '--yes',
      ...DRILL,
      ...world.toolArgs(),
      ...extra,
    ];
    /** Polls until `what` holds or the child ends (3 min at most); says whether it held. */
    const until = async (what: () => Promise<boolean>, child: { exitCode: number | null }) => {
      const deadline = Date.now() + minutes(3);
      while (!(await what()) && child.exitCode === null && Date.now() < deadline) await sleep(100);
      return what();
    };
    const paused = async () => (await primaryStatus()) === 'PAUSED';
    const running = async () => (await primaryStatus()) === 'RUNNING';

    test(
      'cdktf synth, then deploy --skip-synth --skip-provider-lock: the stack is in the emulated AWS',
      async () => {
        const d = await deployed;
        const outcome = (step?: DrillResult) =>
          step && { code: step.code, output: step.code === 0 ? '' : `${step.stdout}\n${step.stderr}` };
        expect({ synth: outcome(d.synth), deploy: outcome(d.deploy) }).toEqual({
          synth: { code: 0, output: '' },
          deploy: { code: 0, output: '' },
        });
        expect(d.synth.stdout).toContain(`Generated Terraform code for the stacks: ${DEPLOYED}`);
        // The provider came from the image's mirror, at the version the override asks for.
        expect(d.lock).toContain(`version     = "${PROVIDER_MIRROR!.awsVersion}"`);
        expect(Number(d.deploy!.stdout.match(/Apply complete! Resources: (\d+) added, 0 changed, 0 destroyed\./)?.[1])).toBeGreaterThan(0);
        expect(d.holdings).toEqual({
          services: [`${DEPLOYED}-primary`, `${DEPLOYED}-secondary`],
          distribution: expect.stringMatching(/^E[A-Z0-9]+$/),
          alarms: expect.any(Number),
        });
        expect(d.holdings!.alarms).toBeGreaterThan(0);
        expect(await primaryStatus()).toBe('RUNNING');
      },
      minutes(8),
    );

    test(
      'a second terraform plan shows no changes',
      async () => {
        await outputs();
        const r = await timed('plan', () => terraform(stackDir(), ['plan', '-detailed-exitcode', '-input=false', '-no-color'], minutes(4)));
        expect({ ok: r.ok, diagnostics: diagnostics(r.output), changes: r.output.match(/^\s+# .+$/gm) ?? [] }).toEqual({
          ok: true,
          diagnostics: [],
          changes: [],
        });
      },
      minutes(5),
    );

    test(
      'run --mode existing passes through the edge, pausing and resuming the primary, and destroys nothing',
      async () => {
        await outputs();
        const { value: r, pace } = await withPace(() => timed('existing run', () => world.drill(ws().cwd, existing('existing'))));
        const run = runRecord(join(ws().cwd, 'existing'));
        // The summary says why, should the verdict not be passed.
        expect({ code: r.code, outcome: run.verdict.outcome, summary: run.verdict.summary }).toEqual({
          code: 0,
          outcome: 'passed',
          summary: run.verdict.outcome === 'passed' ? run.verdict.summary : '',
        });
        expectTimely(run, pace);
        expect(run.endpoints.edgeUrl).toMatch(/^https:\/\/[a-z0-9]+\.cloudfront\.net$/);
        const servedBy = new Set(run.probes.filter((p: any) => p.kind === 'edge' && p.status === 200).map((p: any) => p.servedByHeader));
        expect([...servedBy].sort()).toEqual(['primary/us-east-1', 'secondary/us-west-2']);
        expect(world.aws.appRunner.callsOf('PauseService').filter((c) => isDeployedPrimary(c.input))).toHaveLength(1);
        expect(await primaryStatus()).toBe('RUNNING');
      },
      minutes(6),
    );

    test(
      'pause-service fails: the run exits 3 at inject, the primary stays RUNNING, nothing is destroyed',
      async () => {
        await outputs();
        // Refused at once (another operation is running): the retries of a 5xx are the unit tests' business.
        const withdraw = world.aws.appRunner.failRequests({
          operation: 'PauseService',
          type: 'InvalidStateException',
          message: 'injected: an operation is in progress',
          times: 100,
          when: isDeployedPrimary,
        });
        try {
          const r = await timed('pause fails run', () => world.drill(ws().cwd, existing('pause-fails')));
          const run = runRecord(join(ws().cwd, 'pause-fails'));
          expect({ code: r.code, phase: run.abort?.phase }).toEqual({ code: 3, phase: 'inject' });
          expect(run.abort.reason).toMatch(/InvalidStateException|injected: an operation is in progress/);
        } finally {
          withdraw();
        }
        expect(await primaryStatus()).toBe('RUNNING');
        expect((await readJournal(join(ws().cwd, '.drill'), DEPLOYED))?.finishedAt).toEqual(expect.any(String));
      },
      minutes(4),
    );

    test(
      'SIGINT during the outage: the drill resumes the primary, reports aborted and exits 3',
      async () => {
        await outputs();
        const child = world.spawn(ws().cwd, existing('sigint'));
        expect(await until(paused, child)).toBe(true);
        // The outage as viewers see it: the paused primary answers 404 and the edge fails over to the secondary.
        let during: Awaited<ReturnType<typeof probeEdge>> | undefined;
        try {
          during = await probeEdge();
        } finally {
          child.kill('SIGINT');
        }
        expect(during).toEqual({ status: 200, origin: 'secondary', failover: 'status-404', servedBy: 'secondary/us-west-2' });
        const r = await child;
        const run = runRecord(join(ws().cwd, 'sigint'));
        expect({ code: r.exitCode, status: run.status, cause: run.abort?.cause, resumed: run.primaryResumed }).toEqual({
          code: 3,
          status: 'aborted',
          cause: 'signal',
          resumed: true,
        });
        expect(await primaryStatus()).toBe('RUNNING');
      },
      minutes(4),
    );

    test(
      'a pause stuck past its bound: a clear error, an open journal, and the printed recover command finishes it',
      async () => {
        const { primaryArn } = await outputs();
        const stateDir = join(ws().cwd, '.drill');
        const config = loadConfig({ file: ws().config, env: {}, cwd: ws().cwd });
        world.aws.appRunner.hold('PAUSE_SERVICE', (s) => s.arn === primaryArn);
        const target = new AwsTarget({
          config,
          mode: 'existing',
          stackName: DEPLOYED,
          stackDir: stackDir(),
          runId: 'e2e-stuck',
          runDir: join(ws().cwd, 'stuck'),
          stateDir,
          awsCli: AWS_CLI_V2,
          endpointUrl: world.aws.endpoint,
          terraformOverrides: world.overrides,
          env: world.env(),
          waits: {
            serviceTransitionMs: 4_000,
            pollIntervalMs: POLL_SECONDS * 1000,
            maxPollIntervalMs: 1_000,
            distributionDeployedMs: 30_000,
          },
          leakSettleMs: 0,
        });
        let recoverLine: string;
        try {
          await target.preflight(AbortSignal.timeout(minutes(1)));
          await target.provision(AbortSignal.timeout(minutes(2)));
          const error = await target.inject('primary', { kind: 'pause' }, AbortSignal.timeout(minutes(1))).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(AwsTargetError);
          expect((error as Error).message).toMatch(/to be PAUSED: it is still OPERATION_IN_PROGRESS/);
          const t = await target.teardown(AbortSignal.timeout(minutes(1)));
          expect(t.ok).toBe(false);
          recoverLine = t.detail
            .split('\n')
            .find((l) => /dr-drill recover /.test(l))!
            .replace(/\s+#.*$/, '')
            .trim();
          expect((await readJournal(stateDir, DEPLOYED))?.finishedAt).toBeUndefined();
        } finally {
          world.aws.appRunner.release('PAUSE_SERVICE'); // App Runner finishes the pause at last
        }
        const [cmd, ...args] = words(recoverLine);
        expect(cmd).toBe('dr-drill');
        const r = await timed('recover', () => world.drill(ws().cwd, [...args, '--poll-interval', String(POLL_SECONDS)]));
        expect({ code: r.code, out: r.stdout }).toMatchObject({ code: 0, out: expect.stringMatching(/Resumed the primary service/) });
        expect(await primaryStatus()).toBe('RUNNING');
        expect((await readJournal(stateDir, DEPLOYED))?.finishedAt).toEqual(expect.any(String));
      },
      minutes(4),
    );

    describe('the alarm phase, its transitions driven by the test with set-alarm-state (moto does not evaluate alarms)', () => {
      const alarmName = (kind: string) => `${DEPLOYED}-${kind}`;
      const setAlarmState = (region: string, kind: string, state: string, reason: string) =>
        world.cli(region, [
          'cloudwatch',
          'set-alarm-state',
          '--alarm-name',
          alarmName(kind),
          '--state-value',
          state,
          '--state-reason',
          reason,
        ]);
      const finished = async (out: string, child: ReturnType<E2eWorld['spawn']>) => {
        const r = await child;
        return { code: r.exitCode, stdout: String(r.stdout), dir: join(ws().cwd, out), run: runRecord(join(ws().cwd, out)) };
      };

      test(
        'set-alarm-state drives both alarms: the fault is held until both are ALARM, the run waits until both are OK, timed by their history',
        async () => {
          await outputs();
          const { value: happy, pace } = await withPace(() =>
            timed('alarms run', async () => {
              const child = world.spawn(
                ws().cwd,
                existing('alarms', [...ALARMS, '--alarm-detection-bound', '60', '--alarm-clear-bound', '60']),
              );
              const pausedFirst = await until(paused, child);
              await setAlarmState('us-west-2', 'failover-active', 'ALARM', 'set by the test: the secondary serves');
              await setAlarmState('us-east-1', 'primary-unhealthy', 'ALARM', 'set by the test: the primary fails its check');
              const resumedAfter = await until(running, child);
              await setAlarmState('us-west-2', 'failover-active', 'OK', 'set by the test: failback');
              await setAlarmState('us-east-1', 'primary-unhealthy', 'OK', 'set by the test: the primary passes');
              return { pausedFirst, resumedAfter, ...(await finished('alarms', child)) };
            }),
          );
          const run = happy.run;
          // The fault is held for the alarms: the primary stayed paused until the test had set them.
          expect({ pausedFirst: happy.pausedFirst, resumedAfter: happy.resumedAfter }).toEqual({ pausedFirst: true, resumedAfter: true });
          expect({ code: happy.code, outcome: run.verdict.outcome, summary: run.verdict.summary }).toMatchObject({
            code: 0,
            outcome: 'passed',
          });
          expectTimely(run, pace);
          const results = run.alarms.results.map((a: any) => ({
            name: a.name,
            region: a.region,
            sns: a.notifiesSns,
            detect: a.detect.reason,
            clear: a.clear.reason,
            timed: a.detect.seconds > 0 && a.clear.seconds > 0 && a.detect.reachedAt > a.detect.from,
          }));
          expect(results).toEqual([
            {
              name: alarmName('failover-active'),
              region: 'us-west-2',
              sns: true,
              detect: 'set by the test: the secondary serves',
              clear: 'set by the test: failback',
              timed: true,
            },
            {
              name: alarmName('primary-unhealthy'),
              region: 'us-east-1',
              sns: true,
              detect: 'set by the test: the primary fails its check',
              clear: 'set by the test: the primary passes',
              timed: true,
            },
          ]);
          expect(run.verdict.assertions.filter((a: any) => a.id.startsWith('alarm-')).map((a: any) => a.status)).toEqual([
            'passed',
            'passed',
            'passed',
            'passed',
          ]);
          const junit = readFileSync(join(happy.dir, 'junit.xml'), 'utf8');
          expect(junit).toContain(`name="alarm-detection: ${alarmName('failover-active')} is ALARM within the bound after the injection"`);
          expect(readFileSync(join(happy.dir, 'summary.md'), 'utf8')).toMatch(/### Alarms \(asserted\)/);
          expect(happy.stdout).toMatch(/alarms: asserted; .* waiting for them adds at most 120 s to the run/);
        },
        minutes(6),
      );

      test(
        'a guard alarm ALARM mid-fault ends the fault at once: the run is stopped, names the alarm, resumes the primary and exits 1',
        async () => {
          await outputs();
          const child = world.spawn(ws().cwd, existing('guard', [...ALARMS, '--alarm-detection-bound', '120']));
          const guardPaused = await until(paused, child);
          await setAlarmState('us-east-1', 'viewers-see-errors', 'ALARM', 'set by the test: viewers see 5xx');
          try {
            const guard = await timed('guard run', () => finished('guard', child));
            const run = guard.run;
            expect({
              paused: guardPaused,
              code: guard.code,
              status: run.status,
              resumed: run.primaryResumed,
              stoppedBy: run.alarms.stoppedBy?.name,
            }).toEqual({
              paused: true,
              code: 1,
              status: 'stopped',
              resumed: true,
              stoppedBy: alarmName('viewers-see-errors'),
            });
            expect(run.verdict.summary).toContain(
              `guard alarm ${alarmName('viewers-see-errors')} (us-east-1) was ALARM while the primary was faulted: set by the test: viewers see 5xx`,
            );
            expect(await primaryStatus()).toBe('RUNNING');
          } finally {
            await setAlarmState('us-east-1', 'viewers-see-errors', 'OK', 'reset by the test');
          }
        },
        minutes(6),
      );

      test(
        'an alarm that never reaches ALARM within its bound fails the assertion with the state it was left in',
        async () => {
          await outputs();
          const child = world.spawn(ws().cwd, existing('never', [...ALARMS, '--alarm-detection-bound', '3', '--alarm-clear-bound', '3']));
          const never = await timed('never run', () => finished('never', child));
          const run = never.run;
          expect({ code: never.code, outcome: run.verdict.outcome, resumed: run.primaryResumed }).toEqual({
            code: 1,
            outcome: 'failed',
            resumed: true,
          });
          const detect = run.verdict.assertions.find((a: any) => a.id === 'alarm-detection');
          expect(detect).toMatchObject({
            status: 'failed',
            measured: null,
            threshold: 3,
            message: expect.stringMatching(
              new RegExp(
                `^${alarmName('failover-active')} \\(us-west-2\\) ALARM never reached after the injection .*bound 3 s; still OK at the bound`,
              ),
            ),
          });
          expect(await primaryStatus()).toBe('RUNNING');
        },
        minutes(6),
      );
    });

    test(
      'cdktf destroy: the stack is gone from the emulated AWS',
      async () => {
        const { distributionId } = await outputs();
        const added = Number((await deployed).deploy!.stdout.match(/Apply complete! Resources: (\d+) added/)?.[1]);
        const destroy = await timed('cdktf destroy', () => world.cdktf(['destroy', ...cdktfArgs], cdktfOptions()));
        expect({ code: destroy.code, output: destroy.code === 0 ? '' : `${destroy.stdout}\n${destroy.stderr}` }).toEqual({
          code: 0,
          output: '',
        });
        expect(destroy.stdout).toContain(`Destroy complete! Resources: ${added} destroyed.`);
        expect({
          destroyed: await holdings(distributionId),
          resourcesLeft: JSON.parse(readFileSync(join(stackDir(), 'terraform.tfstate'), 'utf8')).resources,
        }).toEqual({
          destroyed: { services: [], distribution: 'NoSuchDistribution', alarms: 0 },
          resourcesLeft: [],
        });
      },
      minutes(8),
    );
  });

  test(
    'run --mode ephemeral: apply, drill through the edge, destroy (retried once App Runner is no longer busy); the sweep and the emulators find nothing of the run',
    async () => {
      const { value: r, pace } = await ephemeral;
      expect(existsSync(join(dirs.ephemeral, 'run.json'))).toBe(true);
      const run = runRecord(dirs.ephemeral);
      const why = run.verdict.outcome === 'passed' ? run.verdict.summary : '';
      expect({
        code: r.code,
        outcome: run.verdict.outcome,
        summary: run.verdict.summary,
        teardown: run.teardown.ok ? true : run.teardown.detail,
      }).toEqual({
        code: 0,
        outcome: 'passed',
        summary: why,
        teardown: true,
      });
      expectTimely(run, pace);
      // The retry is logged wherever the run's log lines go (the console and drill.log).
      expect(`${r.stdout}\n${r.stderr}\n${readFileSync(join(dirs.ephemeral, 'drill.log'), 'utf8')}`).toMatch(
        /terraform destroy: attempt 1\/3 failed \(App Runner rejects changes/,
      );
      expect(run.teardown.detail).toMatch(/Leak sweep: nothing is left tagged EdgeFailoverRunId=/);
      expect(run.teardown.detail).toMatch(/KMS keys pending deletion/);
      const { runId, stack, distributionId } = run.endpoints.details;
      const deletes = world.aws.appRunner
        .callsOf('DeleteService')
        .filter((c) => String((c.input as any).ServiceArn).includes(`:service/${stack}-primary/`));
      expect(deletes.length).toBeGreaterThanOrEqual(2);
      const left = await world.taggedWith(runId);
      expect(left.filter((l) => !l.pendingDeletion)).toEqual([]);
      expect(left.filter((l) => l.pendingDeletion)).toHaveLength(2);
      expect(world.aws.appRunner.holdings().services.filter((a) => a.includes(`:service/${stack}-`))).toEqual([]);
      await expect(world.cli('us-east-1', ['cloudfront', 'get-distribution', '--id', distributionId])).rejects.toThrow(
        /NoSuchDistribution/,
      );
    },
    minutes(21),
  );

  test(
    'apply fails halfway: the run exits 3 at provision and destroys what was created',
    async () => {
      const r = await halfway;
      const run = runRecord(dirs.halfway);
      // The detail says what teardown found, should it fail.
      expect({ code: r.code, phase: run.abort?.phase, teardown: run.teardown.ok ? true : run.teardown.detail }).toEqual({
        code: 3,
        phase: 'provision',
        teardown: true,
      });
      expect(run.abort.reason).toMatch(/e2e-halfway-[a-z0-9]+-secondary/);
      expect(world.aws.appRunner.holdings().services.filter((a) => a.includes(':service/e2e-halfway-'))).toEqual([]);
      const stateFile = join(
        readFileSync(join(dirs.halfway, 'drill.log'), 'utf8').match(/terraform apply in (\S+)/)![1]!,
        'terraform.tfstate',
      );
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).resources).toEqual([]);
    },
    minutes(10),
  );

  test(
    'after every chain, the emulators hold nothing but KMS keys pending deletion',
    async () => {
      await Promise.allSettled([ephemeral, halfway, deployed]);
      expect(world.aws.appRunner.holdings()).toEqual({ services: [], autoScalingConfigurations: [] });
      const left = await leftovers(world.aws.endpoint, ['us-east-1', 'us-west-2']);
      expect(left.resources).toEqual([]);
      // The ephemeral stack leaves its two keys; the others have none.
      expect(left.kmsPendingDeletion).toHaveLength(2);
    },
    minutes(2),
  );
});
