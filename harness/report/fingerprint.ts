/**
 * The run's fingerprint: what shapes its figures (target, compute backend, fault, the synthesized
 * origin settings and failover codes, the thresholds, the probe settings, the project version),
 * and an id over them. `dr-drill history` compares a run only with runs of the same id. Pure.
 */
import { createHash } from 'node:crypto';
import type { Thresholds } from '../analysis/verdict.js';
import type { OriginTimeouts, Role } from '../targets/target.js';

export interface RunFingerprint {
  /** The first 16 hex digits of the SHA-256 of the canonical JSON of every other field. */
  readonly id: string;
  readonly target: string;
  /** The config's `service.backend` (apprunner, ecs-express); absent when the run had no config. */
  readonly backend?: string;
  /** The fault, as the CLI spells it. */
  readonly fault: string;
  /** The edge's settings per origin, as read from the synthesized stack; absent when the target gave none. */
  readonly originTimeouts?: Readonly<Record<Role, OriginTimeouts>>;
  /** The failover status codes of the origin group (the config's `failover.statusCodes`), sorted. */
  readonly failoverCodes?: readonly number[];
  readonly thresholds: Thresholds;
  readonly probe: {
    readonly rateHz: number;
    readonly directRateHz: number;
    readonly timeoutMs: number;
    readonly connectTimeoutMs?: number;
    readonly path: string;
  };
  readonly holdSeconds: number;
  readonly projectVersion: string;
}

export type FingerprintInput = Omit<RunFingerprint, 'id'>;

export function runFingerprint(input: FingerprintInput): RunFingerprint {
  const fields: FingerprintInput = {
    target: input.target,
    ...(input.backend !== undefined ? { backend: input.backend } : {}),
    fault: input.fault,
    ...(input.originTimeouts ? { originTimeouts: input.originTimeouts } : {}),
    ...(input.failoverCodes ? { failoverCodes: [...input.failoverCodes].sort((a, b) => a - b) } : {}),
    thresholds: {
      failoverSeconds: input.thresholds.failoverSeconds,
      failbackSeconds: input.thresholds.failbackSeconds,
      maxViewerGetErrors: input.thresholds.maxViewerGetErrors,
      steadyProbes: input.thresholds.steadyProbes,
    },
    probe: {
      rateHz: input.probe.rateHz,
      directRateHz: input.probe.directRateHz,
      timeoutMs: input.probe.timeoutMs,
      ...(input.probe.connectTimeoutMs !== undefined ? { connectTimeoutMs: input.probe.connectTimeoutMs } : {}),
      path: input.probe.path,
    },
    holdSeconds: input.holdSeconds,
    projectVersion: input.projectVersion,
  };
  return { id: fingerprintId(fields), ...fields };
}

/** The id of a fingerprint's fields: the same fields, in any key order, give the same id. */
export function fingerprintId(fields: unknown): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every level. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The config's backend and failover codes, read defensively from the redacted config run.json keeps. */
export function fingerprintConfigFields(config: unknown): Pick<FingerprintInput, 'backend' | 'failoverCodes'> {
  const service = field(config, 'service');
  const backend = field(service, 'backend');
  const codes = field(field(config, 'failover'), 'statusCodes');
  return {
    ...(typeof backend === 'string' ? { backend } : {}),
    ...(Array.isArray(codes) && codes.every((c) => typeof c === 'number') ? { failoverCodes: codes as number[] } : {}),
  };
}

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}
