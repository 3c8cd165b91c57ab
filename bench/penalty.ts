/**
 * The failover penalty: what a GET that fails over costs a viewer, against the healthy
 * baseline measured in the same world just before the fault. Runs against the local
 * world (real sockets on 127.0.0.1, the edge applying the synthesized origin settings).
 */
import { Agent, request } from 'undici';
import { createLocalTarget, type LocalTarget } from '../harness/targets/local/index.js';
import { EDGE_HEADERS } from '../harness/cloudfront/index.js';
import type { Endpoints, Fault } from '../harness/targets/target.js';
import { formatFault } from '../harness/targets/target.js';
import { median, summarize, type Summary } from './stats.js';

/** One viewer GET through the edge. */
export interface Sample {
  readonly ms: number;
  readonly status?: number;
  readonly error?: string;
  /** x-edge-origin: whose answer the edge relayed. */
  readonly edgeOrigin?: string;
  /** x-edge-failover: why it failed over, when it did. */
  readonly failover?: string;
  /** x-edge-attempts, e.g. "primary=3,secondary=1". */
  readonly attempts?: string;
}

export interface GetPlan {
  /** GETs to send. */
  readonly requests: number;
  /** GETs in flight at once. */
  readonly concurrency: number;
  /** Per-GET timeout in ms. */
  readonly timeoutMs: number;
}

export interface RoundResult {
  readonly baseline: Summary;
  /** Latency of the GETs that failed over (served by the secondary, x-edge-failover set). */
  readonly failedOver: Summary;
  /** failed-over latency − the baseline median, per GET. */
  readonly penalty: Summary;
  /** Penalty p50 / baseline p50. */
  readonly ratioP50: number;
  /** GETs sent while the fault was in effect. */
  readonly faultGets: number;
  /** GETs without a 2xx answer: what viewers see. */
  readonly viewerErrors: number;
  /** 2xx GETs that did not fail over (served by the primary despite the fault). */
  readonly notFailedOver: number;
  /** x-edge-failover values and their counts. */
  readonly reasons: Readonly<Record<string, number>>;
  /** x-edge-attempts values and their counts. */
  readonly attempts: Readonly<Record<string, number>>;
  /** Non-2xx outcomes by status or error. */
  readonly errorCodes: Readonly<Record<string, number>>;
}

export interface PenaltyRun {
  readonly fault: string;
  readonly plan: GetPlan;
  readonly rounds: readonly RoundResult[];
}

export class BenchWorld {
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 });
  private seq = 0;

  private constructor(
    readonly target: LocalTarget,
    readonly endpoints: Endpoints,
  ) {}

  static async start(tfJsonPath: string, signal: AbortSignal): Promise<BenchWorld> {
    const target = createLocalTarget({ tfJsonPath });
    try {
      await target.preflight(signal);
      const endpoints = await target.provision(signal);
      return new BenchWorld(target, endpoints);
    } catch (e) {
      await target.teardown(signal);
      throw e;
    }
  }

  async close(signal: AbortSignal): Promise<void> {
    await this.agent.close().catch(() => this.agent.destroy());
    const r = await this.target.teardown(signal);
    if (!r.ok) throw new Error(`local world teardown: ${r.detail}`);
  }

  /** One GET through the edge, with a fresh query string. */
  async get(timeoutMs: number, signal: AbortSignal): Promise<Sample> {
    const url = `${this.endpoints.edgeUrl}/?bench=${this.seq++}`;
    const t0 = performance.now();
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      const ms = performance.now() - t0;
      await res.body.dump();
      const h = (name: string) => {
        const v = res.headers[name];
        return Array.isArray(v) ? v.join(',') : v;
      };
      return {
        ms,
        status: res.statusCode,
        edgeOrigin: h(EDGE_HEADERS.origin),
        failover: h(EDGE_HEADERS.failover),
        attempts: h(EDGE_HEADERS.attempts),
      };
    } catch (e) {
      if (signal.aborted) throw e;
      const err = e as { code?: string; name?: string };
      return { ms: performance.now() - t0, error: err.name === 'TimeoutError' ? 'timeout' : (err.code ?? String(e)) };
    }
  }

  /** Sends plan.requests GETs, plan.concurrency at a time. */
  async gets(plan: GetPlan, signal: AbortSignal): Promise<Sample[]> {
    const out: Sample[] = [];
    let left = plan.requests;
    const lane = async () => {
      while (left > 0) {
        left--;
        out.push(await this.get(plan.timeoutMs, signal));
      }
    };
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.requests) }, lane));
    return out;
  }

  /**
   * Rounds of: healthy baseline (after a warm-up), fault in the primary, GETs, clear.
   * Each round's penalty is against its own baseline.
   */
  async penalty(
    fault: Fault,
    opts: {
      readonly rounds: number;
      readonly baseline: GetPlan;
      readonly warmup: number;
      readonly plan: GetPlan;
      /** Called once the first round's baseline is taken and its fault is in effect. */
      readonly onInjected?: () => void;
    },
    signal: AbortSignal,
  ): Promise<PenaltyRun> {
    const rounds: RoundResult[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      await this.gets({ ...opts.baseline, requests: opts.warmup }, signal);
      const base = await this.gets(opts.baseline, signal);
      const bad = base.filter((s) => !isOk(s) || s.edgeOrigin !== 'primary');
      if (bad.length > 0) {
        throw new Error(`the healthy baseline is not healthy: ${bad.length} of ${base.length} GETs were not 2xx from the primary`);
      }
      await this.target.inject('primary', fault, signal);
      if (r === 0) opts.onInjected?.();
      let during: Sample[];
      try {
        during = await this.gets(opts.plan, signal);
      } finally {
        await this.target.clear('primary', signal);
      }
      rounds.push(roundResult(base, during));
    }
    return { fault: formatFault(fault), plan: opts.plan, rounds };
  }
}

function isOk(s: Sample): boolean {
  return s.status !== undefined && s.status >= 200 && s.status < 300;
}

function count(values: readonly (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) if (v !== undefined) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** The measurements of one round (pure). */
export function roundResult(base: readonly Sample[], during: readonly Sample[]): RoundResult {
  const baseline = summarize(base.map((s) => s.ms));
  const failedOver = during.filter((s) => isOk(s) && s.edgeOrigin === 'secondary' && s.failover !== undefined);
  const penalties = failedOver.map((s) => s.ms - baseline.p50);
  const penalty = summarize(penalties);
  const errors = during.filter((s) => !isOk(s));
  return {
    baseline,
    failedOver: summarize(failedOver.map((s) => s.ms)),
    penalty,
    ratioP50: penalty.p50 / baseline.p50,
    faultGets: during.length,
    viewerErrors: errors.length,
    notFailedOver: during.filter((s) => isOk(s) && !(s.edgeOrigin === 'secondary' && s.failover !== undefined)).length,
    reasons: count(failedOver.map((s) => s.failover)),
    attempts: count(during.map((s) => s.attempts)),
    errorCodes: count(errors.map((s) => (s.status !== undefined ? String(s.status) : s.error))),
  };
}

/** Median ratio over rounds (each against its own baseline). */
export function medianRatio(rounds: readonly RoundResult[]): number {
  return median(rounds.map((r) => r.ratioP50));
}
