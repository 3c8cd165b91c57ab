/**
 * Bounded waits on App Runner and CloudFront, on top of aws-cli.ts. Every wait has a deadline;
 * when it passes, the error says what state things are in and how to recover. Polls back off
 * while AWS throttles them and keep going through transient errors until the deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsCli } from './aws-cli.js';
import type { ServiceDescription, ServiceRef, ServiceStatus } from '../wire.js';
import { AwsTargetError, CommandError } from './errors.js';
import { FATAL_AWS_ERRORS, RETRYABLE_AWS_ERRORS, THROTTLING_ERRORS, matchError } from './retry.js';

/** A failed poll worth polling again after: a transient AWS error, or one call that timed out. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof CommandError) || matchError(error, FATAL_AWS_ERRORS)) return false;
  return matchError(error, RETRYABLE_AWS_ERRORS) !== undefined || /^timed out/.test(error.reason);
}

export interface WaitOptions {
  /**
   * Bound on the way back (`--operation-timeout`): from the first pause request, every wait for a
   * pause or resume (inject, the cleanup resume, teardown) shares this one deadline.
   * @default 900_000 (App Runner takes 2-5 min, sometimes more)
   */
  readonly serviceTransitionMs?: number;
  /** Time before the second describe-service poll; later polls back off by half each time. @default 2_000 */
  readonly pollIntervalMs?: number;
  /** Longest time between polls (backing off, or throttled). @default 30_000 */
  readonly maxPollIntervalMs?: number;
  /** Bound on CloudFront reporting Deployed. @default 1_800_000 */
  readonly distributionDeployedMs?: number;
}

export type ResolvedWaits = Required<WaitOptions>;

export function resolveWaits(w: WaitOptions = {}): ResolvedWaits {
  const r = {
    serviceTransitionMs: w.serviceTransitionMs ?? 900_000,
    pollIntervalMs: w.pollIntervalMs ?? 2_000,
    maxPollIntervalMs: w.maxPollIntervalMs ?? 30_000,
    distributionDeployedMs: w.distributionDeployedMs ?? 1_800_000,
  };
  for (const [k, v] of Object.entries(r)) {
    if (!Number.isFinite(v) || v <= 0) throw new AwsTargetError('usage', `waits.${k} = ${v}: allowed: a positive number of milliseconds`);
  }
  if (r.maxPollIntervalMs < r.pollIntervalMs) {
    throw new AwsTargetError(
      'usage',
      `waits.maxPollIntervalMs = ${r.maxPollIntervalMs}: allowed: at least waits.pollIntervalMs (${r.pollIntervalMs})`,
    );
  }
  return r;
}

/** Statuses from which no pause or resume can lead anywhere useful. */
const BROKEN: readonly ServiceStatus[] = ['CREATE_FAILED', 'DELETED', 'DELETE_FAILED'];

/**
 * Polls describe-service until the status is one of `want` (returned) or a broken status
 * (thrown), or the deadline passes (thrown, with recovery steps).
 */
export async function waitForServiceStatus(
  cli: AwsCli,
  service: ServiceRef,
  want: readonly ServiceStatus[],
  o: {
    waits: ResolvedWaits;
    signal: AbortSignal;
    log?: (m: string) => void;
    recovery: string;
    timeoutMs?: number;
    /** A deadline shared with other waits (ms since the epoch), instead of timeoutMs from now. */
    deadline?: number;
    /** The operation being waited for, for the progress lines. */
    operationId?: string;
  },
): Promise<ServiceDescription> {
  const start = Date.now();
  const deadline = o.deadline ?? start + (o.timeoutMs ?? o.waits.serviceTransitionMs);
  const bound = o.deadline !== undefined ? o.waits.serviceTransitionMs : deadline - start;
  const secs = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;
  let interval = o.waits.pollIntervalMs;
  let last: ServiceDescription | undefined;
  let lastError: unknown;
  for (;;) {
    o.signal.throwIfAborted();
    try {
      last = await cli.describeService(service.serviceArn, service.region, o.signal);
      lastError = undefined;
      if (want.includes(last.status)) return last;
      const t = Date.now();
      o.log?.(
        `${service.role} service ${last.status}` +
          `${o.operationId ? ` (operation ${o.operationId})` : ''}, waiting for ${want.join(' or ')}: ` +
          `${secs(t - start)} elapsed, ${secs(deadline - t)} left`,
      );
      if (BROKEN.includes(last.status)) {
        throw new AwsTargetError('external', `The ${service.role} App Runner service ${service.serviceArn} is ${last.status}`, {
          recovery: o.recovery,
        });
      }
    } catch (error) {
      if (o.signal.aborted || !isTransient(error)) throw error;
      lastError = error;
      if (matchError(error, THROTTLING_ERRORS)) {
        interval = Math.min(o.waits.maxPollIntervalMs, interval * 2);
        o.log?.(`describe-service is throttled; polling every ${interval} ms`);
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(interval, left), undefined, { signal: o.signal });
    // Fast at first (a pause can finish within seconds), then backing off towards the maximum.
    if (lastError === undefined) interval = Math.min(o.waits.maxPollIntervalMs, Math.ceil(interval * 1.5));
  }
  let operations = '';
  try {
    const ops = await cli.listOperations(service.serviceArn, service.region, AbortSignal.timeout(60_000), 3);
    operations = ops.length
      ? ` Latest operations: ${ops.map((op) => `${op.type} ${op.status} (started ${op.startedAt ?? '?'})`).join('; ')}.`
      : '';
  } catch {
    // The operations only enrich the message.
  }
  const seen = last
    ? `it is still ${last.status}`
    : `describe-service kept failing (${(lastError as Error | undefined)?.message.split('\n')[0] ?? 'no answer'})`;
  throw new AwsTargetError(
    'external',
    `${o.deadline !== undefined ? `The way back's deadline (--operation-timeout ${secs(bound)}) passed` : `Timed out after ${secs(bound)}`}` +
      ` waiting for the ${service.role} App Runner service to be ${want.join(' or ')}: ${seen}.${operations}\n` +
      'Finish by hand with the commands below once the operation ends.',
    { recovery: o.recovery, cause: lastError },
  );
}

/** Polls get-distribution until CloudFront reports Deployed. */
export async function waitForDistributionDeployed(
  cli: AwsCli,
  distributionId: string,
  o: { waits: ResolvedWaits; signal: AbortSignal; log?: (m: string) => void },
): Promise<{ domainName: string }> {
  const deadline = Date.now() + o.waits.distributionDeployedMs;
  let interval = o.waits.pollIntervalMs;
  let status = 'unknown';
  for (;;) {
    o.signal.throwIfAborted();
    try {
      const d = await cli.getDistribution(distributionId, o.signal);
      status = d.status;
      if (d.status === 'Deployed') return { domainName: d.domainName };
      interval = o.waits.pollIntervalMs;
    } catch (error) {
      if (o.signal.aborted || !isTransient(error)) throw error;
      if (matchError(error, THROTTLING_ERRORS)) interval = Math.min(o.waits.maxPollIntervalMs, interval * 2);
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    o.log?.(`CloudFront distribution ${distributionId} is ${status}; waiting for Deployed`);
    await sleep(Math.min(interval, left), undefined, { signal: o.signal });
  }
  throw new AwsTargetError(
    'external',
    `Timed out after ${Math.round(o.waits.distributionDeployedMs / 1000)} s waiting for CloudFront distribution ${distributionId} to be Deployed (it is ${status})`,
    {
      recovery: `Check the distribution: aws cloudfront get-distribution --id ${distributionId}. Run the drill again once it is Deployed, or raise the wait bound.`,
    },
  );
}
