/**
 * Live conditions over the probe stream, for the drill's waits: "N consecutive edge GETs
 * served by the primary", "the secondary answered directly". Attribution is the same as
 * the analysis's: the served-by header, else elimination from the latest direct probes.
 */
import { roleFromServedBy } from '../analysis/attribution.js';
import { isSuccess, type ProbeRecord, type Role } from '../analysis/timeline.js';
import type { Prober } from '../probe/prober.js';

export class WaitTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeout';
  }
}

export interface EdgeTally {
  /** Edge GETs counted since the watch began (sent at or after its start). */
  readonly total: number;
  readonly byRole: Readonly<Record<Role, number>>;
  readonly errors: number;
  /** Current run of consecutive 2xx answers from the awaited origin. */
  readonly run: number;
}

export class LiveView {
  private readonly directUp: Partial<Record<Role, boolean>> = {};

  /** Needs only the prober's stream of completed probes. */
  constructor(private readonly prober: Pick<Prober, 'onProbe'>) {
    prober.onProbe((p) => {
      if (p.kind === 'direct' && p.origin && !p.cancelled) this.directUp[p.origin] = isSuccess(p);
    });
  }

  /** Who served an edge answer: the header, else elimination; undefined for failures. */
  servedBy(p: ProbeRecord): Role | undefined {
    if (!isSuccess(p)) return undefined;
    const fromHeader = roleFromServedBy(p.servedByHeader);
    if (fromHeader) return fromHeader;
    if (this.directUp.primary === true) return 'primary';
    if (this.directUp.primary === false && this.directUp.secondary === true) return 'secondary';
    return undefined;
  }

  /**
   * Resolves once `count` consecutive edge GETs sent at or after `since` were 2xx answers
   * from `role`. Rejects with WaitTimeout after timeoutMs, or with the signal's reason.
   */
  consecutive(
    role: Role,
    count: number,
    options: { since: number; timeoutMs: number; signal: AbortSignal; onTally?: (t: EdgeTally) => void },
  ): Promise<EdgeTally> {
    const tally = { total: 0, byRole: { primary: 0, secondary: 0 }, errors: 0, run: 0 };
    return this.waitFor<EdgeTally>(
      options.timeoutMs,
      options.signal,
      (resolve) => (p) => {
        if (p.kind !== 'edge' || p.cancelled || p.sentAt < options.since) return;
        tally.total++;
        const by = this.servedBy(p);
        if (by) tally.byRole[by]++;
        if (!isSuccess(p)) tally.errors++;
        tally.run = by === role ? tally.run + 1 : 0;
        options.onTally?.({ ...tally, byRole: { ...tally.byRole } });
        if (tally.run >= count) resolve({ ...tally, byRole: { ...tally.byRole } });
      },
      () =>
        `no ${count} consecutive 2xx edge GETs from the ${role} within ${options.timeoutMs / 1000} s (${tally.total} edge GETs: ${tally.byRole.primary} served by the primary, ${tally.byRole.secondary} by the secondary, ${tally.errors} errors)`,
    );
  }

  /**
   * Resolves once `count` edge GETs sent at or after `since` have completed, whatever they got
   * (an error or a timeout counts: it is what a viewer met). Rejects with WaitTimeout after
   * timeoutMs, or with the signal's reason.
   */
  answered(
    count: number,
    options: { since: number; timeoutMs: number; signal: AbortSignal; onCount?: (n: number) => void },
  ): Promise<number> {
    let n = 0;
    return this.waitFor<number>(
      options.timeoutMs,
      options.signal,
      (resolve) => (p) => {
        if (p.kind !== 'edge' || p.cancelled || p.sentAt < options.since) return;
        options.onCount?.(++n);
        if (n >= count) resolve(n);
      },
      () => `only ${n} of ${count} edge GETs sent after the fault was in effect were answered within ${options.timeoutMs / 1000} s`,
    );
  }

  /** Resolves once a direct probe of `role`, sent at or after `since`, got a 2xx. */
  directAnswer(role: Role, options: { since: number; timeoutMs: number; signal: AbortSignal }): Promise<ProbeRecord> {
    let seen = 0;
    let last = '';
    return this.waitFor<ProbeRecord>(
      options.timeoutMs,
      options.signal,
      (resolve) => (p) => {
        if (p.kind !== 'direct' || p.origin !== role || p.cancelled || p.sentAt < options.since) return;
        seen++;
        last = p.status !== undefined ? `status ${p.status}` : (p.error ?? 'no response');
        if (isSuccess(p)) resolve(p);
      },
      () =>
        seen === 0
          ? `no direct probe of the ${role} completed within ${options.timeoutMs / 1000} s`
          : `the ${role} did not answer ${seen} direct probes within ${options.timeoutMs / 1000} s (last: ${last})`,
    );
  }

  private waitFor<T>(
    timeoutMs: number,
    signal: AbortSignal,
    makeListener: (resolve: (value: T) => void) => (p: ProbeRecord) => void,
    describe: () => string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => finish(() => reject(signal.reason));
      const timer = setTimeout(() => finish(() => reject(new WaitTimeout(describe()))), timeoutMs);
      const unsubscribe = this.prober.onProbe(makeListener((v) => finish(() => resolve(v))));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
