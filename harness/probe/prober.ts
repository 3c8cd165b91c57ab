/**
 * The probe loop: edge GETs at a fixed rate (concurrent, cache-busted, each with its own
 * timeout), optional write probes (POST to the write path), and direct probes of each
 * origin, each in the scheme the endpoints give for it (edgeUrl, writeUrl). Every probe becomes a ProbeRecord on the timeline; listeners hear each one as it
 * completes, so the drill can wait for conditions while probing continues.
 */
import { Agent, request } from 'undici';
import type { EdgeAccount, PhaseName, ProbeKind, ProbeRecord, Role } from '../analysis/timeline.js';
import type { Endpoints } from '../targets/target.js';

export interface ProberProps {
  readonly endpoints: Endpoints;
  /** Goes into every request id and cache-busting query string. */
  readonly runId: string;
  /** Edge GETs per second. @default 10 */
  readonly rateHz?: number;
  /** Direct probes per second, per origin. @default rateHz */
  readonly directRateHz?: number;
  /** Direct probes per second of the secondary, when they must be fewer (the alarm phase). @default directRateHz */
  readonly secondaryDirectRateHz?: number;
  /** Write probes (POST to endpoints.writePath) per second; 0 turns them off. @default 0 */
  readonly writeRateHz?: number;
  /**
   * Send the write probes over plain HTTP (to endpoints.edgeHttpUrl), as a client given an
   * http:// URL would, instead of the scheme the endpoints give for the write behavior.
   * @default false
   */
  readonly writeOverHttp?: boolean;
  /** Per-probe timeout in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
  /**
   * Bound on opening a connection, in milliseconds (at most timeoutMs). Short, so a probe of an
   * origin whose handshake never completes fails during the outage instead of connecting after it.
   * @default 2000, or timeoutMs if that is lower
   */
  readonly connectTimeoutMs?: number;
  /** The path edge and direct GETs request. @default "/" */
  readonly path?: string;
  /** The phase in effect now; recorded on each probe. */
  readonly phase: () => PhaseName;
  /** Sent as the user-agent. @default "dr-drill" */
  readonly userAgent?: string;
}

export type ProbeListener = (probe: ProbeRecord) => void;

interface Stream {
  readonly kind: ProbeKind;
  readonly origin?: Role;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly periodMs: number;
  inFlight: number;
  timer?: NodeJS.Timeout;
}

/** Wall-clock milliseconds with sub-millisecond precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export class Prober {
  readonly rateHz: number;
  readonly directRateHz: number;
  readonly secondaryDirectRateHz: number;
  readonly writeRateHz: number;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly path: string;
  /** Ticks skipped because too many probes of a stream were still in flight. */
  skippedTicks = 0;
  private readonly records: ProbeRecord[] = [];
  private readonly listeners = new Set<ProbeListener>();
  private readonly streams: Stream[] = [];
  private readonly stopController = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  private readonly agent: Agent;
  private seq = 0;
  private running = false;
  private cancelling = false;

  constructor(private readonly props: ProberProps) {
    this.rateHz = props.rateHz ?? 10;
    this.directRateHz = props.directRateHz ?? this.rateHz;
    this.secondaryDirectRateHz = props.secondaryDirectRateHz ?? this.directRateHz;
    this.writeRateHz = props.writeRateHz ?? 0;
    this.timeoutMs = props.timeoutMs ?? 10_000;
    this.connectTimeoutMs = props.connectTimeoutMs ?? Math.min(2_000, this.timeoutMs);
    this.path = props.path ?? '/';
    for (const [name, value, min] of [
      ['rateHz', this.rateHz, 0.1],
      ['directRateHz', this.directRateHz, 0.1],
      ['secondaryDirectRateHz', this.secondaryDirectRateHz, 0.01],
      ['writeRateHz', this.writeRateHz, 0],
    ] as const) {
      if (!Number.isFinite(value) || value < min || value > 200) {
        throw new RangeError(`Prober ${name} = ${value}: allowed: a number from ${min} to 200 (probes per second)`);
      }
    }
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs < 50 || this.timeoutMs > 600_000) {
      throw new RangeError(`Prober timeoutMs = ${this.timeoutMs}: allowed: an integer from 50 to 600000`);
    }
    if (!Number.isInteger(this.connectTimeoutMs) || this.connectTimeoutMs < 50 || this.connectTimeoutMs > this.timeoutMs) {
      throw new RangeError(
        `Prober connectTimeoutMs = ${this.connectTimeoutMs}: allowed: an integer from 50 to timeoutMs (${this.timeoutMs})`,
      );
    }
    if (!this.path.startsWith('/')) throw new RangeError(`Prober path = ${JSON.stringify(this.path)}: allowed: a path starting with "/"`);
    if (this.writeRateHz > 0 && !props.endpoints.writePath) {
      throw new RangeError(
        'Prober writeRateHz > 0 needs a write path, and the endpoints have none (set failover.writePaths in the config)',
      );
    }
    // One keep-alive agent for every stream, so an HTTPS probe pays the handshake once per
    // connection; it trusts the target's own CA when the target made one (the local edge).
    const e = props.endpoints;
    this.agent = new Agent({
      connections: 256,
      keepAliveTimeout: 4_000,
      connect: { timeout: this.connectTimeoutMs, ...(e.edgeCa ? { ca: e.edgeCa } : {}) },
    });

    const ua = { 'user-agent': props.userAgent ?? 'dr-drill' };
    this.addStream({ kind: 'edge', method: 'GET', url: join(e.edgeUrl, this.path), headers: ua, periodMs: 1000 / this.rateHz });
    for (const role of ['primary', 'secondary'] as const) {
      const o = e.origins[role];
      this.addStream({
        kind: 'direct',
        origin: role,
        method: 'GET',
        url: join(o.url, this.path),
        headers: { ...ua, ...o.headers },
        periodMs: 1000 / (role === 'secondary' ? this.secondaryDirectRateHz : this.directRateHz),
      });
    }
    if (this.writeRateHz > 0) {
      this.addStream({
        kind: 'write',
        method: 'POST',
        url: join(props.writeOverHttp ? (e.edgeHttpUrl ?? e.edgeUrl.replace(/^https:/, 'http:')) : (e.writeUrl ?? e.edgeUrl), e.writePath!),
        headers: { ...ua, 'content-type': 'application/json' },
        periodMs: 1000 / this.writeRateHz,
      });
    }
  }

  /** Every probe that has completed so far, in completion order. */
  get probes(): readonly ProbeRecord[] {
    return this.records;
  }

  /** Calls listener for each probe as it completes; returns a function that stops it. */
  onProbe(listener: ProbeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    if (this.stopController.signal.aborted) throw new Error('Prober was stopped; create a new one');
    this.running = true;
    const t0 = now();
    for (const s of this.streams) {
      let tick = 0;
      const next = () => {
        if (!this.running) return;
        this.fire(s);
        tick++;
        // Schedule against the start time, so a slow event loop does not make the rate drift.
        const due = t0 + tick * s.periodMs;
        s.timer = setTimeout(next, Math.max(0, due - now()));
      };
      next();
    }
  }

  /**
   * Stops sending. With cancel, probes still in flight are aborted and recorded as
   * cancelled; without, they are awaited (each is bounded by its timeout).
   */
  async stop(options: { readonly cancel?: boolean } = {}): Promise<void> {
    this.running = false;
    for (const s of this.streams) clearTimeout(s.timer);
    if (options.cancel) {
      this.cancelling = true;
      this.stopController.abort();
    }
    await Promise.allSettled([...this.pending]);
    this.stopController.abort();
    await this.agent.close().catch(() => this.agent.destroy());
  }

  private addStream(s: Omit<Stream, 'inFlight'>): void {
    this.streams.push({ ...s, inFlight: 0 });
  }

  private fire(s: Stream): void {
    // More in flight than a full timeout's worth of ticks means the target is hanging;
    // skipping keeps memory bounded and the record honest (skips are counted).
    const limit = Math.ceil(this.timeoutMs / s.periodMs) + 2;
    if (s.inFlight >= limit) {
      this.skippedTicks++;
      return;
    }
    const seq = this.seq++;
    s.inFlight++;
    const task = this.probe(s, seq).finally(() => {
      s.inFlight--;
      this.pending.delete(task);
    });
    this.pending.add(task);
  }

  private async probe(s: Stream, seq: number): Promise<void> {
    const id = `${this.props.runId}-${seq}`;
    const phase = this.props.phase();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = AbortSignal.any([timeout, this.stopController.signal]);
    const url = `${s.url}${s.url.includes('?') ? '&' : '?'}drill=${encodeURIComponent(id)}`;
    const sentAt = now();
    const base = { seq, kind: s.kind, ...(s.origin ? { origin: s.origin } : {}), method: s.method, phase, sentAt };
    let record: ProbeRecord;
    try {
      const res = await request(url, {
        method: s.method,
        headers: { ...s.headers, 'x-request-id': id },
        body: s.method === 'POST' ? JSON.stringify({ drill: this.props.runId, seq }) : undefined,
        dispatcher: this.agent,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const latencyMs = now() - sentAt;
      const header = res.headers[this.props.endpoints.servedByHeader.toLowerCase()];
      await res.body.dump().catch(() => undefined);
      const account = s.kind === 'direct' ? undefined : edgeAccount(res.headers);
      record = {
        ...base,
        latencyMs,
        status: res.statusCode,
        ...(header !== undefined ? { servedByHeader: Array.isArray(header) ? header.join(', ') : header } : {}),
        ...(account ? { edge: account } : {}),
      };
    } catch (err) {
      const latencyMs = now() - sentAt;
      if (this.cancelling && !timeout.aborted) record = { ...base, latencyMs, error: 'cancelled', cancelled: true };
      else record = { ...base, latencyMs, error: timeout.aborted ? 'timeout' : errorCode(err) };
    }
    this.records.push(record);
    for (const l of this.listeners) l(record);
  }
}

/** The response header each EdgeAccount field is read from. */
const EDGE_ACCOUNT_HEADERS: Readonly<Record<keyof EdgeAccount, string>> = {
  origin: 'x-edge-origin',
  attempts: 'x-edge-attempts',
  failover: 'x-edge-failover',
  cache: 'x-cache',
  pop: 'x-amz-cf-pop',
};

/** The edge's own account of a request from its response headers; undefined when it gave none. */
export function edgeAccount(headers: Readonly<Record<string, string | string[] | undefined>>): EdgeAccount | undefined {
  const account: Partial<Record<keyof EdgeAccount, string>> = {};
  for (const [field, name] of Object.entries(EDGE_ACCOUNT_HEADERS) as [keyof EdgeAccount, string][]) {
    const value = headers[name];
    if (value !== undefined) account[field] = Array.isArray(value) ? value.join(', ') : value;
  }
  return Object.keys(account).length > 0 ? account : undefined;
}

function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A short code for a failed request: ECONNREFUSED, UND_ERR_SOCKET, ... */
export function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_ABORTED' && code !== 'ABORT_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.name : 'error';
}
