/**
 * The pause fault of the AWS target: App Runner's pause-service on a managed service, journalled
 * before it is made, and its undo (resume-service), both under the way back's one deadline.
 */
import type { ClearOutcome, Role, TargetLog } from '../../target.js';
import type { AwsCli } from '../tools/aws-cli.js';
import { type ResolvedWaits, type ServiceRef, waitForServiceStatus } from '../tools/waits.js';
import { AwsTargetError } from '../tools/errors.js';
import { ensureRunning } from '../safety/finish.js';
import type { RunLedger } from '../safety/ledger.js';
import { PAUSE_NOT_STARTED, firstLineOf, matchError } from '../tools/retry.js';
import { pauseProblems } from '../stack-refs.js';

export interface PauseFaultContext {
  readonly cli: AwsCli;
  readonly waits: ResolvedWaits;
  readonly log: TargetLog;
  /** The stack the services must be tagged with. */
  readonly stackName: string;
  /** Pause a service not tagged as this stack's (logged). */
  readonly allowUnmanagedPause?: boolean;
}

export class PauseFault {
  /**
   * The way back's one deadline (`--operation-timeout`): set when a pause is requested and shared
   * by every wait after it, until the operation it bounds succeeded. A pause or a resume that gets
   * stuck leaves it running, so the cleanup resume and teardown share what is left of it; one that
   * succeeded lets the next operation (after an observe window of any length) start a fresh one.
   */
  private wayBack?: number;

  constructor(private readonly ctx: PauseFaultContext) {}

  /** The deadline still running (a pause or resume that did not succeed), if any. */
  get deadline(): number | undefined {
    return this.wayBack;
  }

  private startDeadline(): number {
    this.wayBack ??= Date.now() + this.ctx.waits.serviceTransitionMs;
    return this.wayBack;
  }

  /** Throws unless the service is this stack's managed service in that role (or the override is set). */
  private async checkManaged(role: Role, s: ServiceRef, signal: AbortSignal): Promise<void> {
    const tags = await this.ctx.cli.listTagsForResource(s.serviceArn, s.region, signal);
    const problems = pauseProblems(role, tags, this.ctx.stackName);
    if (problems.length === 0) return;
    if (this.ctx.allowUnmanagedPause) {
      this.ctx.log(`pausing ${s.serviceArn} although ${problems.join('; ')} (override given)`);
      return;
    }
    throw new AwsTargetError('usage', `Refusing to pause ${s.serviceArn}: ${problems.join('; ')}`, {
      recovery: 'Point the drill at a stack this project deployed, or pass --allow-unmanaged if you really mean to pause this service.',
    });
  }

  /** Pauses the service and returns once it is PAUSED. */
  async pause(role: Role, s: ServiceRef, ledger: RunLedger, signal: AbortSignal): Promise<void> {
    const { cli, waits, log } = this.ctx;
    await this.checkManaged(role, s, signal);
    const recovery = ledger.recoverySteps([s]);
    let current = (await cli.describeService(s.serviceArn, s.region, signal)).status;
    if (current === 'OPERATION_IN_PROGRESS') {
      // Someone else's operation (a deployment, a resume): let it finish before deciding.
      log(`the ${role} service has an operation in progress; waiting for it to finish before pausing`);
      current = (await waitForServiceStatus(cli, s, ['RUNNING', 'PAUSED'], { waits, signal, log, recovery: ledger.recoverySteps() }))
        .status;
    }
    // Journal first: whatever happens from here on, teardown and recover know a resume is owed.
    await ledger.pauseOwed({ role, serviceArn: s.serviceArn, region: s.region }, current);
    const deadline = this.startDeadline();
    let operationId: string | undefined;
    if (current === 'RUNNING') {
      log(`pausing the ${role} service ${s.serviceArn}`);
      try {
        operationId = (await cli.pauseService(s.serviceArn, s.region, signal)).operationId;
        log(`pause of the ${role} service started (operation ${operationId ?? 'unknown'})`);
      } catch (error) {
        // AWS refused the pause (e.g. InvalidStateException: another operation is in progress):
        // nothing was paused, so no resume is owed and cleanup must not undo someone else's operation.
        if (matchError(error, PAUSE_NOT_STARTED)) await ledger.pauseRefused(s, firstLineOf(error));
        throw error;
      }
    } else if (current !== 'PAUSED') {
      throw new AwsTargetError('external', `The ${role} App Runner service is ${current}; it cannot be paused`, { recovery });
    }
    await waitForServiceStatus(cli, s, ['PAUSED'], {
      waits,
      signal,
      log,
      recovery,
      deadline,
      ...(operationId !== undefined ? { operationId } : {}),
    });
    await ledger.paused(s);
    this.wayBack = undefined;
  }

  /** Resumes the service if this run paused it, and returns once it is RUNNING. */
  async resume(role: Role, s: ServiceRef, ledger: RunLedger, signal: AbortSignal): Promise<ClearOutcome | void> {
    if (!ledger.owesResume(s.serviceArn)) return { restored: false, detail: `nothing to resume: this run did not pause the ${role}` };
    const { cli, waits, log } = this.ctx;
    await ensureRunning({ cli, waits, signal, log, deadline: this.startDeadline() }, s, ledger.recoverySteps());
    await ledger.resumed(s, 'RUNNING');
    this.wayBack = undefined;
  }
}
