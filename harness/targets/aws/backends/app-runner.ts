/**
 * The App Runner backend: the fault is pause-service on the stack's managed primary, undone by
 * resume-service; both under the way back's one deadline (--operation-timeout). The services are read
 * with describe-service and list-tags-for-resource; a drill starts only from RUNNING.
 */
import { KNOWN_APPRUNNER_REGIONS } from '../../../../config/index.js';
import { AwsTargetError } from '../tools/errors.js';
import { PAUSE_NOT_STARTED, matchError } from '../tools/retry.js';
import { waitForServiceStatus } from '../tools/waits.js';
import type { AwsCli } from '../tools/aws-cli.js';
import { hostOf } from '../hosts.js';
import type { JournalFault, LiveService, OperationSummary, ServiceDescription, ServiceRef } from '../wire.js';
import { checkManaged } from './managed.js';
import { type BackendContext, type FaultState, type ServiceBackend, makeFault } from './service-backend.js';

const KEY = 'apprunner';

/** Refusals of resume-service that waiting for RUNNING cannot mend (an operation in progress can). */
const RESUME_REFUSED = PAUSE_NOT_STARTED.filter((p) => !p.pattern.test('InvalidStateException'));

/** The journal entry of a pause of `s`: its undo is resume-service. */
function pauseFault(s: ServiceRef): JournalFault {
  return {
    backend: KEY,
    role: s.role,
    region: s.region,
    serviceArn: s.serviceArn,
    resource: s.serviceArn,
    undoCommands: [{ region: s.region, args: ['apprunner', 'resume-service', '--service-arn', s.serviceArn] }],
  };
}

/** An operation's start in ms since the epoch (the CLI prints ISO 8601, or epoch seconds); NaN when unreadable. */
function startedMs(op: OperationSummary): number {
  return typeof op.startedAt === 'number' ? op.startedAt * 1000 : Date.parse(op.startedAt ?? '');
}

/**
 * Whether this run's pause started, from the service's real state: list-operations shows a
 * PAUSE_SERVICE started since the run began (one whose start cannot be read counts as this run's).
 */
async function pauseState(
  cli: AwsCli,
  s: ServiceRef,
  runStartedAt: string,
  signal: AbortSignal,
  log: (l: string) => void,
): Promise<FaultState> {
  const [d, ops] = await Promise.all([
    cli.describeService(s.serviceArn, s.region, signal),
    cli.listOperations(s.serviceArn, s.region, signal, 10),
  ]);
  const since = Date.parse(runStartedAt);
  const ours = ops.find((op) => op.type === 'PAUSE_SERVICE' && !(startedMs(op) < since));
  log(
    `the ${s.role} service is ${d.status}; ` +
      (ours
        ? `a pause started at ${String(ours.startedAt)} (${ours.status ?? '?'}), since this run began`
        : `no pause started since this run began (${runStartedAt})`),
  );
  return ours ? 'started' : 'not-started';
}

/** Brings a service back to RUNNING, resuming it if it is PAUSED. */
async function ensureRunning(ctx: BackendContext, s: ServiceRef, recovery: string): Promise<'was-running' | 'resumed'> {
  const deadline = ctx.wayBack.start();
  const wait = (want: ('RUNNING' | 'PAUSED')[], operationId?: string) =>
    waitForServiceStatus(ctx.cli, s, want, {
      waits: ctx.waits,
      signal: ctx.signal,
      log: ctx.log,
      recovery,
      deadline,
      ...(operationId !== undefined ? { operationId } : {}),
    });
  let status = (await ctx.cli.describeService(s.serviceArn, s.region, ctx.signal)).status;
  if (status === 'OPERATION_IN_PROGRESS') {
    ctx.log(`the ${s.role} service has an operation in progress; waiting for it to finish`);
    status = (await wait(['RUNNING', 'PAUSED'])).status;
  }
  if (status === 'RUNNING') return 'was-running';
  if (status !== 'PAUSED')
    throw new AwsTargetError('external', `The ${s.role} App Runner service ${s.serviceArn} is ${status}; it cannot be resumed`, {
      recovery,
    });
  ctx.log(`resuming the ${s.role} service ${s.serviceArn}`);
  const r = await ctx.cli.pauseOrResume('resume-service', s.serviceArn, s.region, ctx.signal);
  // Refused at once for a reason waiting cannot mend (not allowed, not found): thrown. Any other failure
  // (a lost answer, an operation already running) is settled by the service reading RUNNING in time.
  if (!r.ok && r.attempts === 1 && matchError(r.error, RESUME_REFUSED)) throw r.error;
  await wait(['RUNNING'], r.ok ? r.value.operationId : undefined);
  return 'resumed';
}

export const appRunnerBackend: ServiceBackend = {
  key: KEY,
  noun: 'App Runner service',
  faultVerb: 'pause the primary',
  faultStep: (role, region) => `pause the ${role} App Runner service in ${region}, then resume it`,
  details: {},
  iamActions: [
    'apprunner:PauseService',
    'apprunner:ResumeService',
    'apprunner:DescribeService',
    'apprunner:ListOperations',
    'apprunner:ListTagsForResource',
  ],
  arn: { pattern: /^arn:aws[a-z-]*:apprunner:[a-z0-9-]+:\d{12}:service\/.+/, allowed: 'an App Runner service ARN' },
  endpointsFromOptions: false,

  /** App Runner is not in every region (docs/aws-behaviour.md#app-runner-regions). */
  regions(config) {
    return {
      known: new Set<string>([...KNOWN_APPRUNNER_REGIONS, ...config.regions.additionalAppRunnerRegions]),
      what: 'App Runner',
      hint: `Use one of ${KNOWN_APPRUNNER_REGIONS.join(', ')}, or add the region to regions.additionalAppRunnerRegions if App Runner is available there.`,
    };
  },

  async explicitService(cli, s, _endpoint, signal) {
    const d = await cli.describeService(s.serviceArn, s.region, signal);
    return { url: `https://${d.serviceUrl ?? ''}`, read: d };
  },

  async ready(ctx, s, known) {
    const d = (known as ServiceDescription | undefined) ?? (await ctx.cli.describeService(s.serviceArn, s.region, ctx.signal));
    if (d.status !== 'RUNNING') {
      throw new AwsTargetError(
        'external',
        `The ${s.role} App Runner service ${s.serviceArn} is ${d.status}; the drill starts only from RUNNING`,
        {
          recovery:
            d.status === 'PAUSED'
              ? `Resume it if nobody paused it on purpose: aws apprunner resume-service --service-arn ${s.serviceArn} --region ${s.region}`
              : `Wait for it to be RUNNING (aws apprunner describe-service --service-arn ${s.serviceArn} --region ${s.region}), then start again.`,
        },
      );
    }
    return d;
  },

  async inspect(cli, s, known, signal): Promise<LiveService> {
    const [d, tags] = await Promise.all([
      (known as ServiceDescription | undefined) ?? cli.describeService(s.serviceArn, s.region, signal),
      cli.listTagsForResource(s.serviceArn, s.region, signal),
    ]);
    return { role: s.role, serviceArn: s.serviceArn, host: hostOf(d.serviceUrl ?? s.url), status: d.status, tags };
  },

  checks: {
    faultStatus: 404,
    faultStatusReason: 'a paused App Runner service answers 404',
    outage: 'while the primary is paused they get its 404',
    hostRouting: 'App Runner routes by Host and answers 404 to any other',
    service: (s) => [
      {
        check: `${s.role}-running`,
        setting: `${s.role} service Status`,
        ok: s.status === 'RUNNING',
        found: s.status,
        expected: 'RUNNING',
        severity: 'error',
      },
    ],
    services: () => [],
  },

  async inject(ctx, s, ledger) {
    const { cli, waits, signal, log } = ctx;
    checkManaged(ctx, s.role, `pause ${s.serviceArn}`, await cli.listTagsForResource(s.serviceArn, s.region, signal));
    const fault = pauseFault(s);
    const recovery = ledger.recoverySteps([fault]);
    let current = (await cli.describeService(s.serviceArn, s.region, signal)).status;
    if (current === 'OPERATION_IN_PROGRESS') {
      // Someone else's operation (a deployment, a resume): let it finish before deciding.
      log(`the ${s.role} service has an operation in progress; waiting for it to finish before pausing`);
      current = (await waitForServiceStatus(cli, s, ['RUNNING', 'PAUSED'], { waits, signal, log, recovery: ledger.recoverySteps() }))
        .status;
    }
    // Journal first: whatever happens from here on, teardown and recover know a resume is owed.
    await ledger.faultOwed(fault, current);
    const deadline = ctx.wayBack.start();
    let operationId: string | undefined;
    if (current === 'RUNNING') {
      log(`pausing the ${s.role} service ${s.serviceArn}`);
      const { answer } = await makeFault({
        what: `pause-service of the ${s.role}`,
        fault,
        ledger,
        log,
        call: () => cli.pauseOrResume('pause-service', s.serviceArn, s.region, signal),
        refusals: PAUSE_NOT_STARTED,
        readState: () => pauseState(cli, s, ledger.startedAt, signal, log),
      });
      operationId = answer?.operationId;
      log(`pause of the ${s.role} service started (operation ${operationId ?? 'unknown'})`);
    } else if (current !== 'PAUSED') {
      throw new AwsTargetError('external', `The ${s.role} App Runner service ${s.serviceArn} is ${current}; it cannot be paused`, {
        recovery,
      });
    }
    await waitForServiceStatus(cli, s, ['PAUSED'], {
      waits,
      signal,
      log,
      recovery,
      deadline,
      ...(operationId !== undefined ? { operationId } : {}),
    });
    await ledger.faultInPlace(s.serviceArn, `${s.role} PAUSED`);
    ctx.wayBack.end();
  },

  async undo(ctx, f, ledger) {
    const s: ServiceRef = { role: f.role, serviceArn: f.serviceArn, region: f.region };
    const how = await ensureRunning(ctx, s, ledger.recoverySteps());
    await ledger.faultUndone(f.resource, how === 'resumed' ? `${f.role} resumed` : `${f.role} found RUNNING`);
    ctx.wayBack.end();
    return how === 'resumed' ? `Resumed the ${f.role} service (${f.serviceArn}).` : `The ${f.role} service was already RUNNING.`;
  },
};
