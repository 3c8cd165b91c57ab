/**
 * What the benchmark compares: two origin-settings profiles (the project's generated
 * settings, and CloudFront's defaults) and the fault modes each is measured under.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type EdgeFailoverConfig, type EdgeFailoverConfigInput } from '../config/index.js';
import { synthesize } from '../stacks/synth.js';
import type { Fault } from '../harness/targets/target.js';

export type ProfileId = 'project' | 'cloudfront';

export interface Profile {
  readonly id: ProfileId;
  readonly title: string;
  /** Config overrides on top of the defaults (and nothing from the environment). */
  readonly overrides: EdgeFailoverConfigInput;
}

/** CloudFront's own origin defaults (Developer Guide, "Origin settings"). */
export const CLOUDFRONT_DEFAULTS = { connectionAttempts: 3, connectionTimeoutSeconds: 10, readTimeoutSeconds: 30 } as const;

export const PROFILES: readonly Profile[] = [
  { id: 'project', title: 'project settings', overrides: {} },
  { id: 'cloudfront', title: 'CloudFront defaults', overrides: { failover: { ...CLOUDFRONT_DEFAULTS } } },
];

/** A profile synthesized into a real stack, with the origin settings read back from the config. */
export interface SynthesizedProfile extends Profile {
  readonly config: EdgeFailoverConfig;
  readonly tfJsonPath: string;
  /** A config file with the overrides, for the drill CLI's --config. */
  readonly configFile: string;
  readonly connectionAttempts: number;
  readonly connectionTimeoutSeconds: number;
  readonly readTimeoutSeconds: number;
  /** What a hung origin costs a GET before it fails over: attempts × read timeout, in ms. */
  readonly hungMs: number;
  /** What an unreachable origin (no SYN-ACK) costs: attempts × connection timeout, in ms. */
  readonly unreachableMs: number;
}

export function synthesizeProfile(profile: Profile, dir: string): SynthesizedProfile {
  mkdirSync(dir, { recursive: true });
  const config = loadConfig({ env: {}, overrides: profile.overrides });
  const { tfJsonPath } = synthesize(config, join(dir, 'cdktf.out'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(profile.overrides, null, 2));
  const f = config.failover;
  return {
    ...profile,
    config,
    tfJsonPath,
    configFile,
    connectionAttempts: f.connectionAttempts,
    connectionTimeoutSeconds: f.connectionTimeoutSeconds,
    readTimeoutSeconds: f.readTimeoutSeconds,
    hungMs: f.connectionAttempts * f.readTimeoutSeconds * 1000,
    unreachableMs: f.connectionAttempts * f.connectionTimeoutSeconds * 1000,
  };
}

export type FaultModeId = 'pause' | 'error503' | 'refuse' | 'blackhole' | 'unreachable' | 'slow';

export interface FaultMode {
  readonly id: FaultModeId;
  readonly title: string;
  /**
   * The fault costs each request a timeout (attempts × read timeout, or × connection timeout
   * for unreachable): few requests, run concurrently, in the background.
   */
  readonly hangs: boolean;
  /** What a GET waits on the primary before it fails over, in ms (0: it fails over at once). */
  readonly waitMs: (p: SynthesizedProfile) => number;
  readonly fault: (p: SynthesizedProfile) => Fault;
}

/** Extra delay of the slow fault beyond what the edge waits for the primary. */
export const SLOW_BEYOND_MS = 10_000;

export const FAULT_MODES: readonly FaultMode[] = [
  { id: 'pause', title: 'pause (404)', hangs: false, waitMs: () => 0, fault: () => ({ kind: 'pause' }) },
  { id: 'error503', title: 'error 503', hangs: false, waitMs: () => 0, fault: () => ({ kind: 'error', status: 503 }) },
  { id: 'refuse', title: 'refuse', hangs: false, waitMs: () => 0, fault: () => ({ kind: 'refuse' }) },
  { id: 'blackhole', title: 'blackhole', hangs: true, waitMs: (p) => p.hungMs, fault: () => ({ kind: 'blackhole' }) },
  // SYNs dropped: each attempt ends at the connection timeout.
  { id: 'unreachable', title: 'unreachable', hangs: true, waitMs: (p) => p.unreachableMs, fault: () => ({ kind: 'unreachable' }) },
  {
    id: 'slow',
    title: 'slow beyond the read timeout',
    hangs: true,
    waitMs: (p) => p.hungMs,
    // Slower than every attempt together, so the edge gives up on the primary (and direct
    // probes with a timeout between the two see the primary fail).
    fault: (p) => ({ kind: 'slow', ms: p.hungMs + SLOW_BEYOND_MS }),
  },
];
