/**
 * The schema of run.json, in zod: every field of the run record (`run-record.ts`), so that
 * `dr-drill report` refuses a damaged or hand-made file with the path of the bad field (a usage
 * error, exit 2) instead of failing somewhere inside the analysis. Objects are loose: fields a
 * newer writer adds are kept, never a reason to refuse.
 */
import { z } from 'zod';
import { InputError, type Problem } from '../../core/errors.js';
import { houseWording } from '../../config/wording.js';
import { PHASES } from '../analysis/timeline.js';

/** The run.json version this code reads (run-record.ts's RUN_RECORD_VERSION). */
const RUN_RECORD_VERSION = 1;
const VERSION_ALLOWED = `${RUN_RECORD_VERSION}; this file is not a dr-drill run record of version ${RUN_RECORD_VERSION}`;

/** What is allowed, in the house wording, for an issue its schema does not word itself. */
const RUN_RECORD_WORDING = houseWording({ union: 'a value as dr-drill writes it', otherwise: 'a value as dr-drill writes it' });

/** Most problems one error lists; a file with thousands of bad probes gets the first few. */
const MAX_PROBLEMS = 10;

const count = z.int().nonnegative();
const nonNegative = z.number().nonnegative();
const epochMs = z.number().nonnegative({ error: 'epoch milliseconds (a number >= 0)' });
const isoTime = z.iso.datetime({ offset: true, error: 'an ISO 8601 time such as 2026-01-01T12:00:00.000Z' });
const role = z.enum(['primary', 'secondary']);
const phaseName = z.enum(PHASES, { error: `a phase name: ${PHASES.join(', ')}` });
const probedPhase = z.enum(['steady', 'inject', 'failover', 'recover', 'failback']);
const msOrNull = z.number().nonnegative().nullable();
const epochOrNull = z.number().nonnegative().nullable();

const thresholds = z.looseObject(
  {
    failoverSeconds: nonNegative,
    failbackSeconds: nonNegative,
    maxViewerGetErrors: count,
    steadyProbes: z.int().positive(),
  },
  { error: 'the thresholds (failoverSeconds, failbackSeconds, maxViewerGetErrors, steadyProbes)' },
);

const settings = z.looseObject(
  {
    thresholds,
    fault: z.string().min(1),
    probe: z.looseObject(
      {
        rateHz: nonNegative,
        directRateHz: nonNegative,
        secondaryDirectRateHz: nonNegative.optional(),
        writeRateHz: nonNegative,
        timeoutMs: nonNegative,
        path: z.string(),
      },
      { error: 'the probe settings (rateHz, directRateHz, writeRateHz, timeoutMs, path)' },
    ),
    steadyTimeoutSeconds: nonNegative,
    observeTimeoutSeconds: nonNegative,
    holdSeconds: nonNegative,
    teardownTimeoutSeconds: nonNegative,
    expect: z.enum(['failover', 'no-failover']).optional(),
  },
  { error: 'the drill settings (thresholds, fault, probe, timeouts)' },
);

const phase = z.looseObject(
  {
    name: phaseName,
    startedAt: epochMs,
    endedAt: epochMs,
    status: z.enum(['passed', 'failed', 'aborted', 'skipped']),
    detail: z.string().optional(),
  },
  { error: 'a phase record (name, startedAt, endedAt, status)' },
);

const probe = z.looseObject(
  {
    seq: count,
    kind: z.enum(['edge', 'write', 'direct']),
    origin: role.optional(),
    method: z.string(),
    phase: phaseName,
    sentAt: epochMs,
    latencyMs: nonNegative,
    status: z.int().min(100).max(999).optional(),
    error: z.string().optional(),
    cancelled: z.boolean().optional(),
    servedByHeader: z.string().optional(),
    edge: z
      .looseObject(
        {
          origin: z.string().optional(),
          attempts: z.string().optional(),
          failover: z.string().optional(),
          cache: z.string().optional(),
          pop: z.string().optional(),
        },
        { error: "the edge's account of the probe (origin, attempts, failover, cache, pop: strings)" },
      )
      .optional(),
  },
  { error: 'a probe record' },
);

const errorStats = z.looseObject(
  { probes: count, errors: count, rate: nonNegative, codes: z.record(z.string(), count) },
  { error: 'error counts (probes, errors, rate, codes)' },
);
const latency = z.looseObject(
  { count, p50Ms: msOrNull, p95Ms: msOrNull, maxMs: msOrNull },
  { error: 'latency statistics (count, p50Ms, p95Ms, maxMs)' },
);
const transition = z.looseObject(
  {
    observed: z.boolean(),
    seconds: z.number().nonnegative().nullable(),
    originChangedAt: epochOrNull,
    edgeSwitchedAt: epochOrNull,
    early: z.boolean(),
    settledAt: epochOrNull,
    flaps: count,
    notes: z.array(z.string()),
  },
  { error: 'a transition measurement' },
);

const writeCounts = z.looseObject(
  { writes: count, errors: count, codes: z.record(z.string(), count) },
  { error: 'write counts (writes, errors, codes)' },
);
const writes = z.looseObject(
  {
    thresholds: z.looseObject({ maxWriteRtoSeconds: nonNegative, maxSplitBrainWrites: count, maxSwitchBackWriteErrors: count }),
    measurements: z.looseObject({
      beforeSwitch: writeCounts,
      writeRtoSeconds: nonNegative.nullable(),
      switchSeconds: nonNegative.nullable(),
      duringSwitchBack: writeCounts,
      splitBrainWrites: count,
      switches: z.array(
        z.looseObject({
          to: z.enum(['primary', 'secondary']),
          requestedAt: nonNegative,
          observedAt: nonNegative.optional(),
          delaySeconds: nonNegative,
          delayBasis: z.string(),
        }),
      ),
    }),
  },
  { error: 'the write section (thresholds, measurements)' },
);

const measurements = z.looseObject(
  {
    steady: z.looseObject(
      {
        originsAnswered: z.looseObject({ primary: z.boolean(), secondary: z.boolean() }),
        longestPrimaryRun: count,
        secondaryServed: count,
      },
      { error: 'the steady-state measurement' },
    ),
    failover: transition,
    failback: transition,
    phases: z.array(
      z.looseObject(
        {
          phase: probedPhase,
          durationMs: nonNegative,
          viewerGets: errorStats,
          writes: errorStats,
          latency,
          servedBy: z.looseObject({ primary: count, secondary: count, unknown: count }),
          direct: z.looseObject({ primary: errorStats, secondary: errorStats }),
        },
        { error: 'a phase measurement' },
      ),
    ),
    totals: z.looseObject({ viewerGets: errorStats, writes: errorStats, latency }),
    attribution: z.looseObject({ header: count, elimination: count, unattributed: count }),
  },
  { error: 'the measurements' },
);

const boundTerm = z.looseObject({ term: z.string(), seconds: nonNegative, source: z.string() });
const alarmBound = z.looseObject(
  { seconds: nonNegative, given: z.string().optional(), terms: z.array(boundTerm) },
  { error: 'an alarm bound (seconds, terms)' },
);
const alarmWait = z.looseObject(
  {
    state: z.enum(['ALARM', 'OK']),
    from: epochMs,
    boundSeconds: nonNegative,
    reachedAt: epochOrNull,
    seconds: nonNegative.nullable(),
    reason: z.string().optional(),
  },
  { error: 'an alarm wait (state, from, boundSeconds, reachedAt, seconds)' },
);
const alarmRef = z.looseObject({ name: z.string(), region: z.string() });
const alarms = z.looseObject(
  {
    plan: z.looseObject(
      {
        mode: z.enum(['assert', 'observe']),
        pollIntervalSeconds: nonNegative,
        publishingAllowanceSeconds: nonNegative,
        alarms: z.array(
          z.looseObject({
            kind: z.string(),
            name: z.string(),
            region: z.string().optional(),
            periodSeconds: nonNegative,
            evaluationPeriods: count,
            datapointsToAlarm: count,
            detect: alarmBound,
            clear: alarmBound,
          }),
        ),
        guards: z.looseObject({ kinds: z.array(z.string()), names: z.array(z.string()) }),
        addsAtMostSeconds: nonNegative,
      },
      { error: 'the alarm plan (mode, pollIntervalSeconds, alarms, guards)' },
    ),
    results: z.array(
      z.looseObject(
        {
          kind: z.string(),
          name: z.string(),
          region: z.string(),
          stateBefore: z.string(),
          alarmActions: z.array(z.string()),
          okActions: z.array(z.string()),
          notifiesSns: z.boolean(),
          detect: alarmWait.optional(),
          clear: alarmWait.optional(),
        },
        { error: 'an alarm result (kind, name, region, stateBefore, actions, waits)' },
      ),
    ),
    guards: z.array(alarmRef),
    stoppedBy: z.looseObject({ name: z.string(), region: z.string(), reason: z.string(), seenAt: epochMs }).optional(),
  },
  { error: 'the alarms block (plan, results, guards)' },
);

const assertion = z.looseObject(
  {
    id: z.enum([
      'origins-answer',
      'primary-serves',
      'failover-time',
      'failback-time',
      'viewer-get-errors',
      'fault-visible',
      'secondary-serves-nothing',
      'write-rto',
      'split-brain-writes',
      'switch-back-write-errors',
      'alarm-detection',
      'alarm-clearing',
      'guard-alarms',
    ]),
    title: z.string(),
    status: z.enum(['passed', 'failed', 'skipped']),
    measured: z.number().nullable(),
    threshold: z.number(),
    comparison: z.enum(['<=', '>=']),
    unit: z.enum(['s', 'probes', 'errors', 'origins', 'alarms']),
    message: z.string(),
  },
  { error: 'an assertion' },
);

const verdict = z.looseObject(
  {
    outcome: z.enum(['passed', 'failed', 'aborted']),
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(3)], { error: 'one of 0, 1, 3' }),
    assertions: z.array(assertion),
    summary: z.string(),
  },
  { error: 'the verdict (outcome, exitCode, assertions, summary)' },
);

const cleanupStep = z.looseObject(
  {
    name: z.string(),
    status: z.enum(['ran', 'failed', 'skipped']),
    detail: z.string(),
    durationMs: nonNegative,
  },
  { error: 'a cleanup step (name, status, detail, durationMs)' },
);

const endpoints = z.looseObject(
  {
    edgeUrl: z.string(),
    origins: z.record(
      z.string(),
      z.looseObject({ role: z.string(), region: z.string(), url: z.string() }, { error: 'an origin (role, region, url)' }),
    ),
    writePath: z.string().optional(),
    writeUrl: z.string().optional(),
    servedByHeader: z.string(),
    details: z.record(z.string(), z.string()),
  },
  { error: 'the endpoints (edgeUrl, origins, servedByHeader, details)' },
);

const originTimeouts = z.looseObject(
  { connectionAttempts: count, connectionTimeoutSeconds: nonNegative, readTimeoutSeconds: nonNegative },
  { error: 'origin settings (connectionAttempts, connectionTimeoutSeconds, readTimeoutSeconds)' },
);

const fingerprint = z.looseObject(
  {
    id: z.string().regex(/^[0-9a-f]{16}$/, { error: '16 lowercase hex digits' }),
    target: z.string().min(1),
    backend: z.string().optional(),
    fault: z.string().min(1),
    originTimeouts: z.looseObject({ primary: originTimeouts, secondary: originTimeouts }).optional(),
    failoverCodes: z.array(z.int().min(100).max(599)).optional(),
    thresholds,
    probe: z.looseObject({
      rateHz: nonNegative,
      directRateHz: nonNegative,
      timeoutMs: nonNegative,
      connectTimeoutMs: nonNegative.optional(),
      path: z.string(),
    }),
    holdSeconds: nonNegative,
    projectVersion: z.string().min(1),
  },
  { error: 'the fingerprint (id, target, fault, thresholds, probe, holdSeconds, projectVersion)' },
);

const observation = z.discriminatedUnion(
  'kind',
  [
    z.looseObject({
      kind: z.literal('alarm'),
      at: epochMs,
      name: z.string(),
      region: z.string(),
      state: z.string(),
      reason: z.string().optional(),
      updatedAt: z.string().optional(),
    }),
    z.looseObject({
      kind: z.literal('operation'),
      at: epochMs,
      subject: z.string(),
      operation: z.string(),
      operationId: z.string().optional(),
      status: z.string(),
      durationMs: nonNegative.optional(),
    }),
    z.looseObject({ kind: z.literal('note'), at: epochMs, message: z.string() }),
  ],
  { error: 'an observation (kind alarm, operation or note)' },
);

/** The whole run record. */
export const runRecordSchema = z.looseObject(
  {
    version: z.literal(RUN_RECORD_VERSION, { error: VERSION_ALLOWED }),
    runId: z.string().min(1),
    target: z.string().min(1),
    startedAt: isoTime,
    endedAt: isoTime,
    status: z.enum(['completed', 'stopped', 'aborted']),
    abort: z
      .looseObject(
        {
          phase: phaseName,
          cause: z.enum(['signal', 'error']),
          reason: z.string(),
          errorKind: z.string().optional(),
        },
        { error: 'the abort record (phase, cause, reason)' },
      )
      .optional(),
    exitCode: z.int().min(0).max(255),
    settings,
    config: z.unknown().optional(),
    stack: z.looseObject({ tfJsonPath: z.string(), synthesized: z.boolean() }).optional(),
    endpoints: endpoints.optional(),
    phases: z.array(phase, { error: 'an array of phase records' }),
    probes: z.array(probe, { error: 'an array of probe records' }),
    probeStats: z.looseObject({ skippedTicks: count }).optional(),
    measurements,
    writes: writes.optional(),
    alarms: alarms.optional(),
    verdict,
    cleanup: z.array(cleanupStep, { error: 'an array of cleanup steps' }),
    teardown: z.looseObject(
      { attempted: z.boolean(), ok: z.boolean(), detail: z.string() },
      { error: 'the teardown record (attempted, ok, detail)' },
    ),
    primaryResumed: z.boolean({ error: 'true, false or null' }).nullable(),
    observations: z.array(observation, { error: 'an array of observations' }).optional(),
    projectVersion: z.string().min(1).optional(),
    fingerprint: fingerprint.optional(),
  },
  { error: 'a dr-drill run record (a JSON object)' },
);

/**
 * Validates parsed JSON as a whole run record. Throws an `InputError` (exit 2) that names
 * the path of each bad field, its value and what is allowed.
 */
export function validateRunRecord(json: unknown, source: string): z.infer<typeof runRecordSchema> {
  // A file of another kind or version is one problem, not a list of every field it lacks.
  const version = valueAt(json, ['version']);
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && version !== RUN_RECORD_VERSION) {
    throw new InputError([{ field: 'version', value: version, allowed: VERSION_ALLOWED, source }], { heading: 'Invalid run record' });
  }
  const result = runRecordSchema.safeParse(json, { error: RUN_RECORD_WORDING });
  if (result.success) return result.data;
  const issues = result.error.issues;
  const problems: Problem[] = issues.slice(0, MAX_PROBLEMS).map((issue) => ({
    field: pathOf(issue.path),
    value: valueAt(json, issue.path),
    allowed: issue.message,
    source,
  }));
  const more = issues.length > MAX_PROBLEMS ? `, the first ${MAX_PROBLEMS} of ${issues.length} shown` : '';
  throw new InputError(problems, { heading: `Invalid run record${more}` });
}

/** `probes[0].status`; the record itself is "run record". */
export function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = String(key);
      out += /^[A-Za-z_$][\w$]*$/.test(name) ? `${out ? '.' : ''}${name}` : `[${JSON.stringify(name)}]`;
    }
  }
  return out || 'run record';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
