/**
 * The whole drill, as a user runs it (`dr-drill` as a child process), through the emulated AWS
 * with the real terraform, the real AWS provider (the image's mirror) and the real AWS CLI v2;
 * probes go through the emulated viewer network to the emulated CloudFront edge.
 *
 * One emulator serves four chains that run side by side, to keep the suite's wall time down:
 * - ephemeral: `run --mode ephemeral` (init, apply, output, pause, failover, resume, failback,
 *   destroy, leak sweep), then nothing of the run is left but KMS keys pending deletion;
 * - halfway: an ephemeral run whose apply fails halfway (the secondary's creation fails);
 * - shared: `up` applies one stack (applied once for every existing-mode case), a second plan
 *   shows no changes, then `run --mode existing`, a pause that fails, SIGINT during the outage
 *   (while the primary is paused, the edge fails over on its 404), a pause stuck past its bound
 *   with `recover` from the printed command, and `down` whose destroy fails once.
 * - cdktf: the real cdktf CLI as the README shows it: `cdktf synth`, the test's overrides dropped
 *   next to cdk.tf.json, `cdktf deploy --skip-synth --skip-provider-lock` (the suite never reaches
 *   a registry) and `cdktf destroy`; the stack's resources are in the emulated AWS after the
 *   deploy and gone after the destroy. Between the two, three existing-mode drills of that stack
 *   with the alarm phase on, its transitions driven by set-alarm-state.
 * When all four are done, the emulators hold nothing but KMS keys pending deletion.
 *
 * @slow three stacks applied and destroyed with the real terraform
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
import { diagnostics, PROVIDER_MIRROR, terraform } from '../support/terraform.js';
import { EDGE_HEADERS } from '../../harness/cloudfront/index.js';
import { AWS_CLI_V2, leftovers } from '../../emulator/aws-cli.js';
import { E2eWorld, e2eMissing, POLL_SECONDS, type DrillResult } from './support/world.js';

const missing = await e2eMissing();
const SHARED = 'e2e-shared';
const CDKTF_STACK = 'e2e-cdktf';
/**
 * Drill settings that suit 1 s App Runner operations; the thresholds stay the defaults. moto does
 * not evaluate alarms, so runs that do not drive them themselves leave the alarm phase off. The
 * emulated CloudFront edge runs in this test's process beside four chains of terraform, AWS CLI and
 * drills on two cores: a probe's loopback connection waits on that process's event loop, which a
 * busy machine stalls for seconds (seen: 11 of 153 GETs past the default 2 s). No fault here makes an
 * origin unreachable, so a 5 s connection timeout (in ms below) changes no outcome, only the stall it absorbs.
 */
const DRILL = [
  '--plain',
  '--rate',
  '5',
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
];
/**
 * The alarm phase on, with bounds the test's own set-alarm-state calls meet (moto answers at once). Each
 * poll runs the AWS CLI once per alarm region: every 2 s, not faster, keeps the CLI's start-ups from
 * taking the machine's cores while the other chains run.
 */
const ALARMS = ['--alarms', 'assert', '--alarm-poll-interval', '2', '--alarm-publishing-allowance', '0'];
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

describeUnless(missing, 'dr-drill --target aws through the emulated AWS, with real terraform, provider and AWS CLI', () => {
  let world: E2eWorld;
  let ephemeral: Promise<DrillResult>;
  let halfway: Promise<DrillResult>;
  let cdktfChain: Promise<CdktfChain>;
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

  beforeAll(async () => {
    world = await E2eWorld.start();
    const eph = world.workspace('ephemeral');
    dirs.ephemeral = join(eph.cwd, 'run');
    ephemeral = timed('ephemeral run', () =>
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
    cdktfChain = cdktfDeployAndDestroy();
  }, minutes(2));

  /** What the emulated AWS holds of the cdktf stack: its App Runner services, its distribution, its alarms. */
  const cdktfHoldings = async (distributionId: string) => {
    const distribution = await world
      .cli('us-east-1', ['cloudfront', 'get-distribution', '--id', distributionId])
      .then((d) => d.Distribution.Id as string)
      .catch((e: Error) => (/NoSuchDistribution/.test(e.message) ? 'NoSuchDistribution' : e.message));
    const alarms = await world.cli('us-east-1', ['cloudwatch', 'describe-alarms', '--alarm-name-prefix', `${CDKTF_STACK}-`]);
    return {
      services: world.aws.appRunner
        .holdings()
        .services.filter((a) => a.includes(`:service/${CDKTF_STACK}-`))
        .map((a) => a.replace(/^.*:service\/([^/]+)\/.*$/, '$1'))
        .sort(),
      distribution,
      alarms: (alarms.MetricAlarms as unknown[]).length,
    };
  };
  type CdktfChain = Awaited<ReturnType<typeof cdktfDeployAndDestroy>>;

  /** A drill of an existing stack in workspace `ws` (its cdktf.out holds the stack's state), with the alarm phase on. */
  const alarmDrill = (ws: { cwd: string; config: string }, out: string, extra: readonly string[]) => [
    'run',
    '--target',
    'aws',
    '--mode',
    'existing',
    '--config',
    ws.config,
    '--out',
    join(ws.cwd, out),
    '--yes',
    ...DRILL,
    ...world.toolArgs(),
    ...ALARMS,
    ...extra,
  ];
  const alarmName = (kind: string) => `${CDKTF_STACK}-${kind}`;
  const setAlarmState = (region: string, kind: string, state: string, reason: string) =>
    world.cli(region, ['cloudwatch', 'set-alarm-state', '--alarm-name', alarmName(kind), '--state-value', state, '--state-reason', reason]);
  /** Polls until `what` holds or the child ends (3 min at most); says whether it held. */
  const until = async (what: () => boolean, child: { exitCode: number | null }) => {
    const deadline = Date.now() + minutes(3);
    while (!what() && child.exitCode === null && Date.now() < deadline) await sleep(100);
    return what();
  };
  const finished = async (cwd: string, out: string, child: ReturnType<E2eWorld['spawn']>) => {
    const r = await child;
    return { code: r.exitCode, stdout: String(r.stdout), dir: join(cwd, out), run: runRecord(join(cwd, out)) };
  };

  /**
   * The alarm phase on the stack cdktf deployed, its transitions driven by set-alarm-state (moto does not
   * evaluate alarms): both alarms driven through ALARM and back, a guard alarm mid-fault, and an alarm left
   * OK past its bound. They run here, between the deploy and the destroy, beside the other chains.
   */
  async function alarmRuns(ws: { cwd: string; config: string }, primaryArn: string) {
    const primaryStatus = () => world.aws.appRunner.statusOf(primaryArn);
    // Both alarms driven to ALARM while the primary is paused, and back to OK once it is running.
    const happyChild = world.spawn(ws.cwd, alarmDrill(ws, 'alarms', ['--alarm-detection-bound', '60', '--alarm-clear-bound', '60']));
    const pausedFirst = await until(() => primaryStatus() === 'PAUSED', happyChild);
    await setAlarmState('us-west-2', 'failover-active', 'ALARM', 'set by the test: the secondary serves');
    await setAlarmState('us-east-1', 'primary-unhealthy', 'ALARM', 'set by the test: the primary fails its check');
    const resumedAfter = await until(() => primaryStatus() === 'RUNNING', happyChild);
    await setAlarmState('us-west-2', 'failover-active', 'OK', 'set by the test: failback');
    await setAlarmState('us-east-1', 'primary-unhealthy', 'OK', 'set by the test: the primary passes');
    const happy = { pausedFirst, resumedAfter, ...(await finished(ws.cwd, 'alarms', happyChild)) };
    // A guard alarm in ALARM mid-fault.
    const guardChild = world.spawn(ws.cwd, alarmDrill(ws, 'guard', ['--alarm-detection-bound', '120']));
    const guardPaused = await until(() => primaryStatus() === 'PAUSED', guardChild);
    await setAlarmState('us-east-1', 'viewers-see-errors', 'ALARM', 'set by the test: viewers see 5xx');
    const guard = { paused: guardPaused, ...(await finished(ws.cwd, 'guard', guardChild)), primaryAfter: primaryStatus() };
    await setAlarmState('us-east-1', 'viewers-see-errors', 'OK', 'reset by the test');
    // An alarm that never reaches ALARM within its bound.
    const neverChild = world.spawn(ws.cwd, alarmDrill(ws, 'never', ['--alarm-detection-bound', '3', '--alarm-clear-bound', '3']));
    const never = { ...(await finished(ws.cwd, 'never', neverChild)), primaryAfter: primaryStatus() };
    return { happy, guard, never };
  }

  /** synth, the overrides next to cdk.tf.json, deploy, what AWS holds, destroy, what AWS holds: each step only if the one before passed. */
  async function cdktfDeployAndDestroy() {
    const ws = world.workspace('cdktf', { namePrefix: CDKTF_STACK, ...NO_KEYS });
    const o = { output: join(ws.cwd, 'cdktf.out'), config: ws.config, home: join(ws.cwd, 'home') };
    const stackDir = join(o.output, 'stacks', CDKTF_STACK);
    const args = ['--skip-synth', '--skip-provider-lock', '--auto-approve', CDKTF_STACK];
    const synth = await timed('cdktf synth', () => world.cdktf(['synth'], o));
    if (synth.code !== 0) return { stackDir, synth };
    for (const f of world.overrides) copyFileSync(f, join(stackDir, basename(f)));
    const deploy = await timed('cdktf deploy', () => world.cdktf(['deploy', ...args], o));
    if (deploy.code !== 0) return { stackDir, synth, deploy };
    const state = () => JSON.parse(readFileSync(join(stackDir, 'terraform.tfstate'), 'utf8'));
    const distributionId: string = state().outputs.distribution_id.value;
    const deployed = await cdktfHoldings(distributionId);
    const lock = readFileSync(join(stackDir, '.terraform.lock.hcl'), 'utf8');
    const alarms = await timed('alarm runs', () => alarmRuns(ws, state().outputs.primary_service_arn.value));
    const destroy = await timed('cdktf destroy', () => world.cdktf(['destroy', ...args], o));
    return {
      stackDir,
      synth,
      deploy,
      deployed,
      lock,
      alarms,
      destroy,
      destroyed: await cdktfHoldings(distributionId),
      resourcesLeft: state().resources,
    };
  }

  afterAll(async () => {
    // Whatever is still running ends with the emulator; nothing outlives it.
    await Promise.allSettled([ephemeral, halfway, cdktfChain]);
    await world?.stop();
    console.log(`emulated AWS end-to-end timings (s): ${JSON.stringify(seconds)}`);
  }, minutes(12));

  describe('one stack applied beforehand (up), drilled in existing mode, then destroyed (down)', () => {
    const ws = () => world.workspace('shared', { namePrefix: SHARED, ...NO_KEYS });
    const stackDir = () => join(ws().cwd, 'cdktf.out', 'stacks', SHARED);
    let primaryArn = '';
    let distributionDomain = '';
    /** One request through the viewer network's edge for the distribution terraform created. */
    const probeEdge = async () => {
      const edge = await world.network.edgeFor(distributionDomain);
      const r = await request(`${edge.url}/`, { headers: { host: distributionDomain }, signal: AbortSignal.timeout(15_000) });
      await r.body.text();
      return {
        status: r.statusCode,
        origin: r.headers[EDGE_HEADERS.origin],
        failover: r.headers[EDGE_HEADERS.failover],
        servedBy: r.headers['x-served-by'],
      };
    };
    const primaryStatus = () => world.aws.appRunner.statusOf(primaryArn);
    const isShared = (i: { ServiceArn?: unknown }) => String(i.ServiceArn).includes(`:service/${SHARED}-primary/`);
    const existing = (out: string) => [
      'run',
      '--target',
      'aws',
      '--mode',
      'existing',
      '--config',
      ws().config,
      '--out',
      out,
      '--yes',
      ...DRILL,
      ...world.toolArgs(),
    ];

    test(
      'dr-drill up applies the stack and leaves it deployed',
      async () => {
        const r = await timed('up', () =>
          world.drill(ws().cwd, ['up', '--target', 'aws', '--config', ws().config, '--plain', '--yes', ...world.toolArgs()]),
        );
        expect({ code: r.code, out: r.stdout }).toMatchObject({ code: 0, out: expect.stringMatching(/The stack e2e-shared is deployed/) });
        const out = JSON.parse((await terraform(stackDir(), ['output', '-json'])).output);
        primaryArn = out.primary_service_arn.value;
        expect(primaryStatus()).toBe('RUNNING');
        distributionDomain = out.distribution_domain_name.value;
      },
      minutes(6),
    );

    test(
      'a second terraform plan shows no changes',
      async () => {
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
        const out = join(ws().cwd, 'existing');
        const r = await timed('existing run', () => world.drill(ws().cwd, existing(out)));
        const run = runRecord(out);
        // The summary says why, should the verdict not be passed.
        expect({ code: r.code, outcome: run.verdict.outcome, summary: run.verdict.summary }).toEqual({
          code: 0,
          outcome: 'passed',
          summary: run.verdict.outcome === 'passed' ? run.verdict.summary : '',
        });
        expect(run.endpoints.edgeUrl).toMatch(/^https:\/\/[a-z0-9]+\.cloudfront\.net$/);
        const servedBy = new Set(run.probes.filter((p: any) => p.kind === 'edge' && p.status === 200).map((p: any) => p.servedByHeader));
        expect([...servedBy].sort()).toEqual(['primary/us-east-1', 'secondary/us-west-2']);
        expect(world.aws.appRunner.callsOf('PauseService').filter((c) => isShared(c.input))).toHaveLength(1);
        expect(primaryStatus()).toBe('RUNNING');
      },
      minutes(6),
    );

    test(
      'pause-service fails: the run exits 3 at inject, the primary stays RUNNING, nothing is destroyed',
      async () => {
        // Refused at once (another operation is running): the retries of a 5xx are the unit tests' business.
        world.aws.appRunner.failRequests({
          operation: 'PauseService',
          type: 'InvalidStateException',
          message: 'injected: an operation is in progress',
          times: 100,
          when: isShared,
        });
        const out = join(ws().cwd, 'pause-fails');
        try {
          const r = await timed('pause fails run', () => world.drill(ws().cwd, existing(out)));
          const run = runRecord(out);
          expect({ code: r.code, phase: run.abort?.phase }).toEqual({ code: 3, phase: 'inject' });
          expect(run.abort.reason).toMatch(/InvalidStateException|injected: an operation is in progress/);
        } finally {
          world.aws.appRunner.clearFaults();
        }
        expect(primaryStatus()).toBe('RUNNING');
        expect((await readJournal(join(ws().cwd, '.drill'), SHARED))?.finishedAt).toEqual(expect.any(String));
      },
      minutes(4),
    );

    test(
      'SIGINT during the outage: the drill resumes the primary, reports aborted and exits 3',
      async () => {
        const out = join(ws().cwd, 'sigint');
        const child = world.spawn(ws().cwd, existing(out));
        const deadline = Date.now() + minutes(3);
        while (primaryStatus() !== 'PAUSED' && child.exitCode === null && Date.now() < deadline) await sleep(100);
        expect(primaryStatus()).toBe('PAUSED');
        // The outage as viewers see it: the paused primary answers 404 and the edge fails over to the secondary.
        let during: Awaited<ReturnType<typeof probeEdge>> | undefined;
        try {
          during = await probeEdge();
        } finally {
          child.kill('SIGINT');
        }
        expect(during).toEqual({ status: 200, origin: 'secondary', failover: 'status-404', servedBy: 'secondary/us-west-2' });
        const r = await child;
        const run = runRecord(out);
        expect({ code: r.exitCode, status: run.status, cause: run.abort?.cause, resumed: run.primaryResumed }).toEqual({
          code: 3,
          status: 'aborted',
          cause: 'signal',
          resumed: true,
        });
        expect(primaryStatus()).toBe('RUNNING');
      },
      minutes(4),
    );

    test(
      'a pause stuck past its bound: a clear error, an open journal, and the printed recover command finishes it',
      async () => {
        const stateDir = join(ws().cwd, '.drill');
        const config = loadConfig({ file: ws().config, env: {}, cwd: ws().cwd });
        world.aws.appRunner.hold('PAUSE_SERVICE', (s) => s.arn === primaryArn);
        const target = new AwsTarget({
          config,
          mode: 'existing',
          stackName: SHARED,
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
          expect((await readJournal(stateDir, SHARED))?.finishedAt).toBeUndefined();
        } finally {
          world.aws.appRunner.release('PAUSE_SERVICE'); // App Runner finishes the pause at last
        }
        const [cmd, ...args] = words(recoverLine);
        expect(cmd).toBe('dr-drill');
        const r = await timed('recover', () => world.drill(ws().cwd, [...args, '--poll-interval', String(POLL_SECONDS)]));
        expect({ code: r.code, out: r.stdout }).toMatchObject({ code: 0, out: expect.stringMatching(/Resumed the primary service/) });
        expect(primaryStatus()).toBe('RUNNING');
        expect((await readJournal(stateDir, SHARED))?.finishedAt).toEqual(expect.any(String));
      },
      minutes(4),
    );

    test(
      'dr-drill down: the first destroy fails (App Runner is busy), the retry destroys everything',
      async () => {
        world.aws.appRunner.failRequests({
          operation: 'DeleteService',
          type: 'InvalidStateException',
          message: 'Service is in OPERATION_IN_PROGRESS state',
          when: isShared,
        });
        const r = await timed('down', () =>
          world.drill(ws().cwd, ['down', '--target', 'aws', '--config', ws().config, '--plain', '--yes', ...world.toolArgs()]),
        );
        expect(r.code).toBe(0);
        expect(r.stderr).toMatch(/terraform destroy: attempt 1\/3 failed \(App Runner rejects changes/);
        expect(world.aws.appRunner.callsOf('DeleteService').filter((c) => isShared(c.input)).length).toBeGreaterThanOrEqual(2);
        expect(world.aws.appRunner.holdings().services.filter((a) => a.includes(`:service/${SHARED}-`))).toEqual([]);
        expect(JSON.parse(readFileSync(join(stackDir(), 'terraform.tfstate'), 'utf8')).resources).toEqual([]);
      },
      minutes(8),
    );
  });

  test(
    'run --mode ephemeral: apply, drill through the edge, destroy; the sweep and the emulators find nothing of the run',
    async () => {
      const r = await ephemeral;
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
      expect(run.teardown.detail).toMatch(/Leak sweep: nothing is left tagged EdgeFailoverRunId=/);
      expect(run.teardown.detail).toMatch(/KMS keys pending deletion/);
      const { runId, stack, distributionId } = run.endpoints.details;
      const left = await world.taggedWith(runId);
      expect(left.filter((l) => !l.pendingDeletion)).toEqual([]);
      expect(left.filter((l) => l.pendingDeletion)).toHaveLength(2);
      expect(world.aws.appRunner.holdings().services.filter((a) => a.includes(`:service/${stack}-`))).toEqual([]);
      await expect(world.cli('us-east-1', ['cloudfront', 'get-distribution', '--id', distributionId])).rejects.toThrow(
        /NoSuchDistribution/,
      );
    },
    minutes(10),
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
    'cdktf synth, deploy --skip-synth --skip-provider-lock and destroy: the stack is in the emulated AWS after the deploy, gone after the destroy',
    async () => {
      const r = await cdktfChain;
      const outcome = (step?: DrillResult) => step && { code: step.code, output: step.code === 0 ? '' : `${step.stdout}\n${step.stderr}` };
      expect({ synth: outcome(r.synth), deploy: outcome(r.deploy), destroy: outcome(r.destroy) }).toEqual({
        synth: { code: 0, output: '' },
        deploy: { code: 0, output: '' },
        destroy: { code: 0, output: '' },
      });
      expect(r.synth.stdout).toContain(`Generated Terraform code for the stacks: ${CDKTF_STACK}`);
      // The provider came from the image's mirror, at the version the override asks for.
      expect(r.lock).toContain(`version     = "${PROVIDER_MIRROR!.awsVersion}"`);
      const added = Number(r.deploy!.stdout.match(/Apply complete! Resources: (\d+) added, 0 changed, 0 destroyed\./)?.[1]);
      expect(added).toBeGreaterThan(0);
      expect(r.destroy!.stdout).toContain(`Destroy complete! Resources: ${added} destroyed.`);
      expect(r.deployed).toEqual({
        services: [`${CDKTF_STACK}-primary`, `${CDKTF_STACK}-secondary`],
        distribution: expect.stringMatching(/^E[A-Z0-9]+$/),
        alarms: expect.any(Number),
      });
      expect(r.deployed!.alarms).toBeGreaterThan(0);
      expect({ destroyed: r.destroyed, resourcesLeft: r.resourcesLeft }).toEqual({
        destroyed: { services: [], distribution: 'NoSuchDistribution', alarms: 0 },
        resourcesLeft: [],
      });
    },
    minutes(12),
  );

  describe('the alarm phase on the stack cdktf deployed, its transitions driven by the test with set-alarm-state (moto does not evaluate alarms)', () => {
    const alarmsOf = async () => {
      const r = await cdktfChain;
      if (!r.alarms)
        throw new Error(
          `the cdktf chain stopped before the alarm runs: ${JSON.stringify({ synth: r.synth.code, deploy: r.deploy?.code })}`,
        );
      return r.alarms;
    };

    test(
      'set-alarm-state drives both alarms: the fault is held until both are ALARM, the run waits until both are OK, timed by their history',
      async () => {
        const { happy } = await alarmsOf();
        const run = happy.run;
        // The fault is held for the alarms: the primary stayed paused until the test had set them.
        expect({ pausedFirst: happy.pausedFirst, resumedAfter: happy.resumedAfter }).toEqual({ pausedFirst: true, resumedAfter: true });
        expect({ code: happy.code, outcome: run.verdict.outcome, summary: run.verdict.summary }).toMatchObject({
          code: 0,
          outcome: 'passed',
        });
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
      minutes(12),
    );

    test(
      'a guard alarm ALARM mid-fault ends the fault at once: the run is stopped, names the alarm, resumes the primary and exits 1',
      async () => {
        const { guard } = await alarmsOf();
        const run = guard.run;
        expect({
          paused: guard.paused,
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
        expect(guard.primaryAfter).toBe('RUNNING');
      },
      minutes(12),
    );

    test(
      'an alarm that never reaches ALARM within its bound fails the assertion with the state it was left in',
      async () => {
        const { never } = await alarmsOf();
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
        expect(never.primaryAfter).toBe('RUNNING');
      },
      minutes(12),
    );
  });

  test(
    'after every chain, the emulators hold nothing but KMS keys pending deletion',
    async () => {
      await Promise.allSettled([ephemeral, halfway, cdktfChain]);
      expect(world.aws.appRunner.holdings()).toEqual({ services: [], autoScalingConfigurations: [] });
      const left = await leftovers(world.aws.endpoint, ['us-east-1', 'us-west-2']);
      expect(left.resources).toEqual([]);
      // The ephemeral stack leaves its two keys; the others have none.
      expect(left.kmsPendingDeletion).toHaveLength(2);
    },
    minutes(2),
  );
});
