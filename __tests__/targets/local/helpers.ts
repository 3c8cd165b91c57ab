/** Helpers for the local-world tests: synthesize a test stack, provision it, probe it. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadConfig, type EdgeFailoverConfigInput } from '../../../config/index.js';
import { synthesize } from '../../../stacks/synth.js';
import { createLocalTarget, type LocalTarget } from '../../../harness/targets/local/index.js';
import type { Endpoints } from '../../../harness/targets/target.js';

export const SECRET = 'local-test-secret-0123456789';

/** The test stack: short timeouts, one attempt, a write path and an origin-verify secret. */
export function testConfig(failover: NonNullable<EdgeFailoverConfigInput['failover']> = {}): EdgeFailoverConfigInput {
  return {
    failover: {
      connectionAttempts: 1,
      connectionTimeoutSeconds: 1,
      readTimeoutSeconds: 1,
      writePaths: ['/api/*'],
      originVerify: { secret: SECRET },
      ...failover,
    },
  };
}

const tmpDirs: string[] = [];

/** Synthesizes the real stack for a config into a temporary directory; returns cdk.tf.json. */
export function synthTestStack(input: EdgeFailoverConfigInput): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-world-'));
  tmpDirs.push(dir);
  return synthesize(loadConfig({ env: {}, overrides: input }), dir).tfJsonPath;
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-world-'));
  tmpDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const never = () => new AbortController().signal;

export interface Provisioned {
  readonly target: LocalTarget;
  readonly endpoints: Endpoints;
  readonly logs: string[];
}

/**
 * Provisions a world. These tests speak plain HTTP to the edge, so by default it runs HTTP only
 * (`https: 'off'`, the viewer protocol policies not applied); the drill's world is 'auto'.
 */
export async function provision(tfJsonPath: string, tfvarsPath?: string, https: 'auto' | 'off' = 'off'): Promise<Provisioned> {
  const logs: string[] = [];
  const target = createLocalTarget({ tfJsonPath, tfvarsPath, log: (m) => logs.push(m), https });
  try {
    await target.preflight(never());
    const endpoints = await target.provision(never());
    return { target, endpoints, logs };
  } catch (e) {
    await target.teardown(never());
    throw e;
  }
}

export interface Seen {
  readonly status: number;
  readonly servedBy?: string;
  readonly edgeOrigin?: string;
  readonly attempts?: string;
  readonly failover?: string;
  readonly ms: number;
  readonly body: string;
}

export async function hit(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Seen> {
  const t0 = performance.now();
  const res = await request(baseUrl + path, {
    method: method as 'GET',
    headers,
    body: method === 'POST' ? '{"probe":true}' : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.body.text();
  const h = (name: string) => {
    const v = res.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  return {
    status: res.statusCode,
    servedBy: h('x-served-by'),
    edgeOrigin: h('x-edge-origin'),
    attempts: h('x-edge-attempts'),
    failover: h('x-edge-failover'),
    ms: performance.now() - t0,
    body,
  };
}

/** Resolves to the connection error code, or "connected". */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/**
 * Connects and gives up after `ms`: "connected", "pending" (neither connected nor refused
 * in time, as to a host that drops SYNs), or the connection error code.
 */
export function connectWithin(port: number, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      s.destroy();
      resolve('pending');
    }, ms);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code ?? e.message);
    });
  });
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A section of docs/local-world.md (from its `## <heading>` line to the next). */
export function localWorldDocSection(heading: string): string {
  const doc = readFileSync(new URL('../../../docs/local-world.md', import.meta.url), 'utf8');
  return doc.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
}

/** The cells of each body row of the Markdown tables in `section`. */
export function tableRows(section: string): string[][] {
  return section
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}
