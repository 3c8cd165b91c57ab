/**
 * The config-mutation rows: each a change to the stack, the fault the drill injects, and
 * the outcome AWS would give, derived from the settings the synthesized stack holds. The
 * docs/local-world.md's "What the local world models" table lists them (checked by fidelity.test.ts).
 *
 * The CloudFront rules the expectations use are restated here from the Developer Guide
 * (docs/aws-behaviour/fidelity.md), not imported from the edge that implements them.
 */
import type { EdgeFailoverConfigInput } from '../../../config/index.js';
import type { EdgeRules } from '../../../harness/cloudfront/index.js';
import type { RunRecord } from '../../../harness/report/run-record.js';
import { probeSlack, type Pace } from '../../support/pace.js';

/** A stack edit for settings the config does not expose (what an escape-hatch override would write). */
type Distribution = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FidelityRow {
  /** First column of the table in docs/local-world.md. */
  readonly name: string;
  /** What is changed, for docs/local-world.md. */
  readonly change: string;
  /** What a viewer sees in AWS, for docs/local-world.md. */
  readonly aws: string;
  readonly failover?: NonNullable<EdgeFailoverConfigInput['failover']>;
  readonly mutate?: (dist: Distribution) => void;
  /** --fault */
  readonly fault: string;
  /** Extra drill options. */
  readonly args?: readonly string[];
  /** Assertions on the drill's record, derived from the stack's rules and the pace measured in the same run. */
  readonly expect: (rules: EdgeRules, run: RunRecord, pace: Pace) => void;
  /** The row needs the edge's HTTPS listener, so openssl (skipped, with the reason, without it). */
  readonly needsOpenssl?: boolean;
}

const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
/** CloudFront's error caching TTL when no custom error response sets one. */
const DEFAULT_ERROR_TTL = 10;
/** CachingOptimized's minimum TTL, which applies even to a no-store answer. */
const CACHING_OPTIMIZED_MIN_TTL = 1;
/** The probe app's and the fronts' answers carry Cache-Control: no-store. */
const NO_STORE_HONOURED = [404, 410, 414, 501];
const ALWAYS_CACHED = [404, 414, 500, 501, 502, 503, 504];

/**
 * What a POST over HTTP gets from a behavior's viewer protocol policy (CloudFront Developer Guide,
 * "Require HTTPS for communication between viewers and CloudFront"): allow-all serves it,
 * https-only answers 403, redirect-to-https 307 (the prober speaks HTTP/1.1).
 */
const HTTP_POST_ANSWER: Record<string, number> = { 'allow-all': 200, 'https-only': 403, 'redirect-to-https': 307 };
const WRITE_PATHS = ['/api/*'];

/** Short drills: the suite runs several at once. */
export const DRILL_ARGS = ['--rate', '10', '--steady-probes', '5', '--hold', '1', '--steady-timeout', '10', '--plain'];

const assertion = (run: RunRecord, id: string) => run.verdict.assertions.find((a) => a.id === id)!;
const phase = (run: RunRecord, name: string) => run.phases.find((p) => p.name === name)!;
const phaseStats = (run: RunRecord, name: string) => run.measurements.phases.find((p) => p.phase === name)!;

/** Seconds a no-store error answer of this status stays cached at the edge, per the rules. */
function errorTtl(rules: EdgeRules, status: number): number {
  if (NO_STORE_HONOURED.includes(status) || !ALWAYS_CACHED.includes(status)) return 0;
  return rules.errorCachingTtls.get(status) ?? DEFAULT_ERROR_TTL;
}

/**
 * A fault answered with `status` that does not fail over: the viewer sees it during the
 * outage, and after recovery for as long as the cached copy lives. The error is cached
 * at the first viewer GET after injection and refreshed every TTL, so failback waits for
 * the next expiry after the primary serves again.
 */
function unfailedError(status: number) {
  return (rules: EdgeRules, run: RunRecord, pace: Pace) => {
    expect(rules.failoverStatusCodes).not.toContain(status);
    expect(run.measurements.failover.observed).toBe(false);
    expect(phaseStats(run, 'failover').viewerGets.codes[String(status)]).toBeGreaterThan(0);
    const ttl = errorTtl(rules, status);
    // Run as a negative control (--expect no-failover): it passes unless viewers met an error
    // outside the outage, which only a cached copy of the error (a TTL above 0) can cause.
    const outside = assertion(run, 'viewer-get-errors');
    expect({ exitCode: run.exitCode, outsideErrors: outside.measured }).toEqual({
      exitCode: outside.measured! > 0 ? 1 : 0,
      outsideErrors: ttl === 0 ? 0 : outside.measured,
    });
    const fb = run.measurements.failback;
    expect(fb.observed).toBe(true);
    const slack = probeSlack(run, pace);
    if (ttl === 0) {
      expect({ failback: fb.seconds, slack, within: fb.seconds! < slack }).toEqual({ failback: fb.seconds, slack, within: true });
      return;
    }
    const firstError = run.probes.find((p) => p.kind === 'edge' && p.status === status)!;
    const cachedAt = firstError.sentAt + firstError.latencyMs;
    const back = fb.originChangedAt!;
    const predicted = ttl - (((back - cachedAt) / 1000) % ttl);
    // Each refresh of the cached copy happens at the first GET after expiry, so the phase can
    // drift by up to the probes' slack in this run per refresh, and the failback is seen at the
    // first GET after the expiry: compare on the TTL's circle.
    const refreshes = Math.ceil((back - cachedAt) / 1000 / ttl);
    const allowed = (refreshes + 1) * slack;
    const off = Math.abs(fb.seconds! - predicted) % ttl;
    expect({ measured: fb.seconds, predicted, refreshes, allowed, off: Math.min(off, ttl - off) <= allowed }).toEqual({
      measured: fb.seconds,
      predicted,
      refreshes,
      allowed,
      off: true,
    });
    expect(fb.seconds!).toBeLessThanOrEqual(ttl + slack);
  };
}

/** Every failed-over GET waits `costMs` (attempts × a timeout) before the secondary answers. */
function failedOverGetsCost(costMs: (rules: EdgeRules) => number) {
  return (rules: EdgeRules, run: RunRecord, pace: Pace) => {
    const cost = costMs(rules);
    const attempts = rules.origins.primary.connectionAttempts;
    // The GETs that lived inside the outage: sent once the fault was in effect (the inject phase
    // returns once it is: SYNs to the port dropped, or connections held), answered before recovery
    // began. Every one is failed over, after the full cost. A GET sent during the switch (when the
    // port is closed for a moment, refused) or still waiting when the fault is cleared pays less.
    const from = phase(run, 'inject').endedAt;
    const until = phase(run, 'recover').startedAt;
    const outage = run.probes.filter((p) => p.kind === 'edge' && !p.cancelled && p.sentAt >= from && p.sentAt + p.latencyMs <= until);
    expect({ outage: outage.length > 0, from, until }).toEqual({ outage: true, from, until });
    // Above the cost: each attempt's timer, the edge reading the request and the probe reading
    // the answer can each be late by the event loop's lateness, and the secondary's answer takes
    // what a steady-state GET took in this run.
    const over = (attempts + 2) * pace.lagMs + (phaseStats(run, 'steady').latency.maxMs ?? 0);
    for (const p of outage) {
      const seen = { seq: p.seq, latencyMs: p.latencyMs, bounds: [cost - 100, cost + over] };
      expect({
        ...seen,
        status: p.status,
        origin: p.servedByHeader?.split('/')[0],
        within: p.latencyMs >= cost - 100 && p.latencyMs < cost + over,
      }).toEqual({
        ...seen,
        status: 200,
        origin: 'secondary',
        within: true,
      });
    }
    expect(run.measurements.failover.observed).toBe(true);
    expect(run.exitCode).toBe(run.measurements.failover.seconds! <= run.settings.thresholds.failoverSeconds ? 0 : 1);
    expect(phase(run, 'failback').status).toBe('passed');
  };
}

/**
 * Writes sent over plain HTTP (--write-over-http) to the write behavior: a refusing policy answers
 * every one itself, in every phase, so none reaches the primary; allow-all lets them through, to
 * be served by the primary (and, while it is paused, answered with its 404: writes do not fail
 * over). The GETs use HTTPS, as a viewer of the redirect-to-https default behavior ends up doing,
 * and fail over and back as by default.
 */
function writesOverHttp(policy: string) {
  return (rules: EdgeRules, run: RunRecord, pace: Pace) => {
    const write = rules.orderedBehaviors.find((b) => b.pathPattern === WRITE_PATHS[0])!;
    expect(write.viewerProtocolPolicy).toBe(policy);
    expect(rules.defaultBehavior.viewerProtocolPolicy).toBe('redirect-to-https');
    expect(run.endpoints!.edgeUrl).toMatch(/^https:\/\//);
    expect(run.endpoints!.writeUrl).toMatch(policy === 'allow-all' ? /^http:\/\// : /^https:\/\//);
    expect(run.settings.probe).toMatchObject({ writeOverHttp: true });
    const writes = run.probes.filter((p) => p.kind === 'write' && !p.cancelled);
    const answer = (p: (typeof writes)[number]) => `${p.status} ${p.servedByHeader?.split('/')[0] ?? 'from no origin'}`;
    const expected = HTTP_POST_ANSWER[policy]!;
    // A steady-state write still in flight when the pause began may meet it (the probe labels a
    // write with the phase it was sent in): steady means answered before the inject phase began.
    const beforeFault = (p: (typeof writes)[number]) => p.phase === 'steady' && p.sentAt + p.latencyMs < phase(run, 'inject').startedAt;
    const steady = new Set(writes.filter(beforeFault).map(answer));
    const outage = new Set(writes.filter((p) => p.phase === 'failover').map(answer));
    expect(writes.length).toBeGreaterThan(2);
    if (expected === 200) {
      expect([...steady]).toEqual(['200 primary']);
      for (const a of outage) expect(['200 primary', '404 from no origin']).toContain(a);
    } else {
      expect(new Set(writes.map(answer))).toEqual(new Set([`${expected} from no origin`]));
      expect(outage.size).toBe(1);
    }
    expect(run.exitCode).toBe(0);
    expect(run.measurements.failover.seconds!).toBeLessThan(probeSlack(run, pace));
  };
}

export const FIDELITY_ROWS: readonly FidelityRow[] = [
  {
    name: 'defaults',
    change: 'none (criteria 404, 500, 502, 503, 504; error TTL 0 for them; CachingDisabled; AllViewerExceptHostHeader)',
    aws: 'a paused primary fails over at once and fails back at once',
    fault: 'pause',
    args: ['--observe-timeout', '10'],
    expect: (rules, run, pace) => {
      expect(rules.failoverStatusCodes).toContain(404);
      expect(errorTtl(rules, 404)).toBe(0);
      expect(run.exitCode).toBe(0);
      expect(run.measurements.failover.seconds!).toBeLessThan(probeSlack(run, pace));
      expect(run.measurements.failback.seconds!).toBeLessThan(probeSlack(run, pace));
    },
  },
  {
    name: '404 not in the criteria',
    change: '`failover.statusCodes` = 500, 502, 503, 504',
    aws: 'a paused primary (404) does not fail over: viewers get 404 for the whole outage; its no-store 404 is not cached, so failback is immediate',
    failover: { statusCodes: [500, 502, 503, 504] },
    fault: 'pause',
    args: ['--observe-timeout', '3', '--expect', 'no-failover'],
    expect: unfailedError(404),
  },
  {
    name: 'AllViewer origin request policy',
    change: '`origin_request_policy_id` of the default behavior = AllViewer',
    aws: "the viewer's Host reaches App Runner, which answers 404 on both origins: the primary never serves and the drill fails at steady state",
    mutate: (d) => (d.default_cache_behavior.origin_request_policy_id = ALL_VIEWER),
    fault: 'pause',
    args: ['--steady-timeout', '3'],
    expect: (rules, run) => {
      expect(rules.defaultBehavior.originRequestPolicyId).toBe(ALL_VIEWER);
      expect(run.status).toBe('stopped');
      expect(run.exitCode).toBe(1);
      expect(assertion(run, 'primary-serves')).toMatchObject({ status: 'failed', measured: 0 });
      expect(phaseStats(run, 'steady').viewerGets.codes['404']).toBeGreaterThan(0);
    },
  },
  {
    name: '503 not in the criteria, CloudFront error TTL',
    change: '`failover.statusCodes` = 404, 500, 502, 504 (no custom error response for 503), `--fault error:503`',
    aws: 'no failover; the 503 is cached for 10 s, so failback waits for the cached copy to expire',
    failover: { statusCodes: [404, 500, 502, 504] },
    fault: 'error:503',
    args: ['--observe-timeout', '12', '--expect', 'no-failover'],
    expect: unfailedError(503),
  },
  {
    name: '503 not in the criteria, error TTL 0',
    change: 'as above, plus a custom error response for 503 with `error_caching_min_ttl` = 0',
    aws: 'no failover; the 503 is not cached, so failback is immediate',
    failover: { statusCodes: [404, 500, 502, 504] },
    mutate: (d) => (d.dynamic.custom_error_response.for_each = [404, 500, 502, 503, 504]),
    fault: 'error:503',
    args: ['--observe-timeout', '3', '--expect', 'no-failover'],
    expect: unfailedError(503),
  },
  {
    name: '500 not in the criteria, error TTL 3',
    change:
      '`failover.statusCodes` = 404, 502, 503, 504, a custom error response for 500 with `error_caching_min_ttl` = 3, `--fault error:500`',
    aws: 'no failover; the 500 is cached for 3 s, so failback waits up to 3 s',
    failover: { statusCodes: [404, 502, 503, 504] },
    mutate: (d) => (d.custom_error_response = [{ error_code: 500, error_caching_min_ttl: 3 }]),
    fault: 'error:500',
    args: ['--observe-timeout', '4', '--expect', 'no-failover'],
    expect: (rules, run, pace) => {
      expect(rules.errorCachingTtls.get(500)).toBe(3);
      unfailedError(500)(rules, run, pace);
    },
  },
  {
    name: 'CachingOptimized',
    change: '`cache_policy_id` of the default behavior = CachingOptimized',
    aws: 'answers are cached for the minimum TTL (1 s) despite no-store, keyed without the query string, so the cache-busting parameter does not bust it: failover and failback each lag by up to that TTL',
    mutate: (d) => (d.default_cache_behavior.cache_policy_id = CACHING_OPTIMIZED),
    fault: 'pause',
    args: ['--observe-timeout', '10'],
    expect: (rules, run, pace) => {
      expect(rules.defaultBehavior.cachePolicy.name).toBe('CachingOptimized');
      expect(run.exitCode).toBe(0);
      // The origins see about one request per TTL, the viewers ten: most answers come from the cache.
      const lag = CACHING_OPTIMIZED_MIN_TTL + probeSlack(run, pace);
      expect(run.measurements.failover.seconds!).toBeLessThan(lag);
      expect(run.measurements.failback.seconds!).toBeLessThan(lag);
    },
  },
  {
    name: '3 attempts × 1 s connection timeout, unreachable primary',
    change: '`failover.connectionAttempts` = 3, `failover.connectionTimeoutSeconds` = 1, `--fault unreachable`',
    aws: 'every failed-over GET waits attempts × connection timeout (3 s) before the secondary answers',
    failover: { connectionAttempts: 3, connectionTimeoutSeconds: 1 },
    fault: 'unreachable',
    // The failback after a hung primary is not what these rows judge (16 s was seen on a busy
    // machine): its threshold, and the bound on observing it, are 60 s (an observation ends when it
    // sees the switch, so the bound costs nothing when the failback is quick).
    args: ['--observe-timeout', '60', '--hold', '6', '--failback-threshold', '60'],
    expect: failedOverGetsCost((r) => r.origins.primary.connectionAttempts * r.origins.primary.connectionTimeoutSeconds * 1000),
  },
  {
    name: '2 attempts × 1 s read timeout, hung primary',
    change:
      "`failover.connectionAttempts` = 2, `failover.readTimeoutSeconds` = 1 (the secondary origin's set back to 30), `--fault blackhole`",
    aws: 'a GET is retried after a response timeout: every failed-over GET waits attempts × read timeout (2 s)',
    failover: { connectionAttempts: 2, readTimeoutSeconds: 1 },
    // Only the primary's timeout is under test. A 1 s timeout on the secondary too would turn a
    // busy machine's slow answer into a 504 (both origins timed out), which is right for CloudFront
    // and not what this row measures.
    mutate: (d) => (d.origin.find((o: Distribution) => o.origin_id === 'secondary').custom_origin_config.origin_read_timeout = 30),
    fault: 'blackhole',
    // The failback after a hung primary is not what these rows judge (16 s was seen on a busy
    // machine): its threshold, and the bound on observing it, are 60 s (an observation ends when it
    // sees the switch, so the bound costs nothing when the failback is quick).
    args: ['--observe-timeout', '60', '--hold', '6', '--failback-threshold', '60'],
    expect: failedOverGetsCost((r) => r.origins.primary.connectionAttempts * r.origins.primary.readTimeoutSeconds * 1000),
  },
  {
    name: '501 from the primary',
    change: '`--fault error:501 --expect no-failover` (501 cannot be a failover code; without `--expect` the run is refused)',
    aws: 'no failover; a 501 with Cache-Control no-store is not cached (unlike a 500), so failback is immediate',
    fault: 'error:501',
    args: ['--observe-timeout', '3', '--expect', 'no-failover'],
    expect: unfailedError(501),
  },
  {
    name: 'writes over HTTP only, https-only write behavior',
    change: '`failover.writePaths` = /api/* (viewer protocol policy `https-only`), `--write-probe --write-over-http`',
    aws: 'every POST over HTTP gets 403 from CloudFront and none reaches the primary; GETs over HTTPS fail over and back as by default',
    failover: { writePaths: WRITE_PATHS },
    fault: 'pause',
    args: ['--observe-timeout', '10', '--write-probe', '--write-rate', '5', '--write-over-http'],
    needsOpenssl: true,
    expect: writesOverHttp('https-only'),
  },
  {
    name: 'writes over HTTP, write behavior redirect-to-https',
    change: 'as above, with `viewer_protocol_policy` of the write behavior = `redirect-to-https`',
    aws: 'every POST over HTTP/1.1 gets 307 to the HTTPS URL (same method and body) and none reaches the primary over HTTP',
    failover: { writePaths: WRITE_PATHS },
    mutate: (d) => (d.ordered_cache_behavior[0].viewer_protocol_policy = 'redirect-to-https'),
    fault: 'pause',
    args: ['--observe-timeout', '10', '--write-probe', '--write-rate', '5', '--write-over-http'],
    needsOpenssl: true,
    expect: writesOverHttp('redirect-to-https'),
  },
  {
    name: 'writes over HTTP, write behavior allow-all',
    change: 'as above, with `viewer_protocol_policy` of the write behavior = `allow-all`',
    aws: 'POSTs over HTTP reach the primary: served by it, and while it is paused answered with its 404 (writes do not fail over)',
    failover: { writePaths: WRITE_PATHS },
    mutate: (d) => (d.ordered_cache_behavior[0].viewer_protocol_policy = 'allow-all'),
    fault: 'pause',
    args: ['--observe-timeout', '10', '--write-probe', '--write-rate', '5', '--write-over-http'],
    needsOpenssl: true,
    expect: writesOverHttp('allow-all'),
  },
];
