/**
 * Provision, faults at the socket level, and teardown: no listening port and no child
 * process is left, even when the code using the world throws.
 */
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { createLocalTarget, LocalTargetError, type LocalTarget } from '../../../harness/targets/local/index.js';
import { isOpenssl } from '../../../harness/targets/local/tls.js';
import type { Endpoints } from '../../../harness/targets/target.js';
import { alive, connectWithin, hit, never, provision, removeTempDirs, synthTestStack, testConfig, tryConnect } from './helpers.js';
import { stall } from '../../support/pace.js';

const openssl = await isOpenssl();
let tfJsonPath: string;
beforeAll(() => {
  tfJsonPath = synthTestStack(testConfig());
});
afterAll(() => removeTempDirs());

async function expectGone(ports: readonly number[], pids: readonly number[]): Promise<void> {
  expect(ports.length).toBeGreaterThan(0);
  expect(pids.length).toBeGreaterThan(0);
  // A port still held by an unreachable fault's helper would leave the connection pending.
  for (const port of ports) expect([port, await connectWithin(port, 1_000)]).toEqual([port, 'ECONNREFUSED']);
  for (const pid of pids) expect([pid, alive(pid)]).toEqual([pid, false]);
}

/** What a viewer gets over each scheme: HTTP answered by the viewer protocol policy, HTTPS served. */
async function viewerAnswers(e: Endpoints): Promise<Record<string, number | string | undefined>> {
  const agent = new Agent({ connect: { ca: e.edgeCa } });
  const status = async (url: string, method = 'GET', dispatcher?: Agent) => {
    const res = await request(url, { method, body: method === 'POST' ? '{}' : undefined, dispatcher });
    await res.body.dump();
    return res;
  };
  try {
    const httpGet = await status(`${e.edgeHttpUrl}/page`);
    return {
      httpGet: httpGet.statusCode,
      location: httpGet.headers.location as string | undefined,
      httpWrite: (await status(`${e.edgeHttpUrl}${e.writePath}`, 'POST')).statusCode,
      httpsGet: (await status(`${e.edgeUrl}/page`, 'GET', agent)).statusCode,
      httpsWrite: (await status(`${e.writeUrl}${e.writePath}`, 'POST', agent)).statusCode,
    };
  } finally {
    await agent.close();
  }
}

describe('teardown', () => {
  test('leaves no listening port and no child process when the code using the world throws', async () => {
    const logs: string[] = [];
    const target = createLocalTarget({ tfJsonPath, log: (m) => logs.push(m) });
    let ports: readonly number[] = [];
    let pids: readonly number[] = [];
    let endpoints: Endpoints | undefined;
    let seen: Record<string, number | string | undefined> = {};
    const use = async () => {
      try {
        endpoints = await target.provision(never());
        ({ ports, pids } = target.status());
        if (openssl) seen = await viewerAnswers(endpoints);
        await target.inject('primary', { kind: 'blackhole' }, never());
        throw new Error('the drill failed half-way');
      } finally {
        await target.teardown(never());
      }
    };
    await expect(use()).rejects.toThrow('the drill failed half-way');
    // The stack's default behavior redirects to HTTPS and its write path is https-only: with
    // openssl the edge listens on HTTPS too, and the endpoints give each probe that scheme.
    expect(ports).toHaveLength(openssl ? 6 : 5); // edge (HTTP and HTTPS), two fronts, two apps
    const scheme = openssl ? 'https' : 'http';
    expect([endpoints!.edgeUrl, endpoints!.writeUrl, endpoints!.edgeHttpUrl]).toEqual([
      expect.stringMatching(`^${scheme}://127\\.0\\.0\\.1:\\d+$`),
      endpoints!.edgeUrl,
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    ]);
    expect(endpoints!.details.viewerProtocol).toMatch(
      openssl ? /^HTTPS .*default: redirect-to-https, \/api\/\*: https-only applied/ : /not applied/,
    );
    // The certificate is public; its key appears nowhere.
    expect(JSON.stringify([endpoints, logs])).not.toMatch(/PRIVATE KEY/);
    if (openssl) {
      expect(endpoints!.edgeCa).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(seen).toEqual({ httpGet: 301, location: `${endpoints!.edgeUrl}/page`, httpWrite: 403, httpsGet: 200, httpsWrite: 200 });
    }
    await expectGone(ports, pids);
    expect(target.status()).toEqual({ state: 'down', ports: [], pids: [], faults: {} });
  });

  test('after unreachable, stops the process that holds the port and frees the port', async () => {
    const target = createLocalTarget({ tfJsonPath });
    try {
      await target.provision(never());
      const apps = target.status().pids;
      await target.inject('primary', { kind: 'unreachable' }, never());
      const { ports, pids } = target.status();
      expect(pids).toHaveLength(apps.length + 1); // the two apps and the helper holding the primary's port
      const helper = pids.find((p) => !apps.includes(p))!;
      expect(alive(helper)).toBe(true);
      const result = await target.teardown(never());
      expect(result.ok).toBe(true);
      await expectGone(ports, pids);
    } finally {
      await target.teardown(never());
    }
  });

  test('is idempotent, and safe before provision', async () => {
    const target = createLocalTarget({ tfJsonPath });
    expect(await target.teardown(never())).toEqual({ ok: true, detail: 'nothing was running' });
    await target.clear('primary', never());
    await expect(target.inject('primary', { kind: 'pause' }, never())).rejects.toThrow(/not up \(call provision first\)/);
    await target.provision(never());
    const { ports, pids } = target.status();
    const first = await target.teardown(never());
    expect(first.ok).toBe(true);
    expect(first.detail).toMatch(/edge :\d+ closed; primary front :\d+ closed; secondary front :\d+ closed/);
    expect(await target.teardown(never())).toEqual({ ok: true, detail: 'the local world was already torn down' });
    await expectGone(ports, pids);
  });

  test('a provision aborted half-way stops the origin it had started', async () => {
    const abort = new AbortController();
    const pids: number[] = [];
    const target = createLocalTarget({
      tfJsonPath,
      log: (m) => {
        const started = /^primary origin: pid (\d+)/.exec(m);
        if (started) {
          pids.push(Number(started[1]));
          abort.abort(new Error('stop'));
        }
      },
    });
    await expect(target.provision(abort.signal)).rejects.toThrow();
    expect(pids).toHaveLength(1);
    expect(alive(pids[0]!)).toBe(false);
    expect(target.status().ports).toEqual([]);
    expect((await target.teardown(never())).ok).toBe(true);
  });

  test('a concurrent inject, clear and teardown leave nothing behind', async () => {
    const { target } = await provision(tfJsonPath);
    const { ports, pids } = target.status();
    await Promise.allSettled([
      target.inject('primary', { kind: 'refuse' }, never()),
      target.clear('primary', never()),
      target.inject('secondary', { kind: 'blackhole' }, never()),
      target.inject('secondary', { kind: 'unreachable' }, never()),
      target.inject('primary', { kind: 'unreachable' }, never()),
      target.teardown(never()),
      target.clear('secondary', never()),
      target.inject('secondary', { kind: 'unreachable' }, never()),
    ]);
    await expectGone(ports, pids);
  });
});

describe('faults are real socket behaviour', () => {
  let target: LocalTarget;
  let frontPort: number;
  let frontUrl: string;
  let headers: Record<string, string>;
  let appPid: number;
  beforeAll(async () => {
    const w = await provision(tfJsonPath);
    target = w.target;
    frontUrl = w.endpoints.origins.primary.url;
    frontPort = Number(new URL(frontUrl).port);
    headers = { ...w.endpoints.origins.primary.headers };
    appPid = Number(w.endpoints.details.primaryPid);
  });
  afterAll(async () => {
    await target.teardown(never());
  });
  afterEach(async () => {
    await target.clear('primary', never());
  });

  test('refuse closes the port while the app keeps running; clear reopens the same port', async () => {
    await target.inject('primary', { kind: 'refuse' }, never());
    expect(await tryConnect(frontPort)).toBe('ECONNREFUSED');
    expect(alive(appPid)).toBe(true);
    await target.clear('primary', never());
    expect((await hit(frontUrl, 'GET', '/health')).status).toBe(200);
  });

  test('unreachable: connecting neither completes nor is refused; clear serves again on the same port', async () => {
    await target.inject('primary', { kind: 'unreachable' }, never());
    expect(target.status().faults.primary).toBe('unreachable');
    expect(await connectWithin(frontPort, 500)).toBe('pending');
    expect(await connectWithin(frontPort, 500)).toBe('pending'); // every connection, not only the first
    expect(alive(appPid)).toBe(true);
    await target.clear('primary', never());
    expect(await connectWithin(frontPort, 1_000)).toBe('connected');
    expect((await hit(frontUrl, 'GET', '/health')).status).toBe(200);
  });

  test('unreachable is idempotent and switches to and from the other faults in any order', async () => {
    await target.inject('primary', { kind: 'unreachable' }, never());
    const first = target.status().pids;
    await target.inject('primary', { kind: 'unreachable' }, never());
    expect(target.status().pids).toEqual(first); // the same helper holds the port
    await target.inject('primary', { kind: 'refuse' }, never());
    expect(await connectWithin(frontPort, 500)).toBe('ECONNREFUSED');
    const helper = first.find((p) => !target.status().pids.includes(p))!;
    expect(alive(helper)).toBe(false);
    await target.inject('primary', { kind: 'unreachable' }, never());
    expect(await connectWithin(frontPort, 500)).toBe('pending');
    await target.inject('primary', { kind: 'pause' }, never());
    expect((await hit(frontUrl, 'GET', '/', headers)).status).toBe(404);
    await target.clear('primary', never());
    await target.clear('primary', never());
    expect((await hit(frontUrl, 'GET', '/health')).status).toBe(200);
  });

  test('blackhole accepts the connection and never answers', async () => {
    await target.inject('primary', { kind: 'blackhole' }, never());
    const outcome = await new Promise<string>((resolve) => {
      const s = connect({ port: frontPort, host: '127.0.0.1' });
      let connected = false;
      s.once('connect', () => {
        connected = true;
        s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      s.once('data', () => resolve('answered'));
      s.once('error', (e) => resolve(`error ${e.message}`));
      setTimeout(() => {
        s.destroy();
        resolve(connected ? 'connected, no answer' : 'not connected');
      }, 400);
    });
    expect(outcome).toBe('connected, no answer');
  });

  test('pause answers 404 without a served-by header; error answers its status with one', async () => {
    await target.inject('primary', { kind: 'pause' }, never());
    const paused = await hit(frontUrl, 'GET', '/', headers);
    expect([paused.status, paused.servedBy]).toEqual([404, undefined]);
    await target.inject('primary', { kind: 'error', status: 502 }, never());
    const failing = await hit(frontUrl, 'GET', '/', headers);
    expect([failing.status, failing.servedBy]).toEqual([502, 'primary/us-east-1']);
    expect(target.status().faults.primary).toBe('error:502');
  });

  test('slow delays each response; clearing it serves the requests still waiting at once', async () => {
    await target.inject('primary', { kind: 'slow', ms: 30_000 }, never());
    const waiting = hit(frontUrl, 'GET', '/', headers);
    await new Promise((r) => setTimeout(r, 300));
    const cleared = performance.now();
    await target.clear('primary', never());
    const seen = await waiting;
    expect([seen.status, seen.servedBy]).toEqual([200, 'primary/us-east-1']);
    expect(seen.ms).toBeGreaterThanOrEqual(300);
    expect(performance.now() - cleared).toBeLessThan(5_000);
  });

  test('a fault the interface cannot describe is refused with what is allowed', async () => {
    const bad = target.inject('primary', { kind: 'error', status: 99 }, never());
    await expect(bad).rejects.toThrow(LocalTargetError);
    await expect(target.inject('primary', { kind: 'error', status: 99 }, never())).rejects.toThrow(
      /allowed: a status code from 400 to 599/,
    );
  });
});

describe('clear on a stalled event loop', () => {
  test('an origin answering /health while this process stalls for over a second at a time still counts as serving', async () => {
    const target = createLocalTarget({ tfJsonPath, clearTimeoutMs: 20_000 });
    try {
      await target.preflight(never());
      await target.provision(never());
      await target.inject('primary', { kind: 'pause' }, never());
      // The event loop runs for a few ms between stalls of 1.1 s: every answer to a /health try is
      // read after a stall, when a timer of a second set with the try has fired too.
      const stalls = setInterval(() => stall(1_100), 5);
      let cleared: unknown;
      try {
        cleared = await target.clear('primary', never()).catch((e: unknown) => e);
      } finally {
        clearInterval(stalls);
      }
      expect(cleared).toEqual({ restored: true });
    } finally {
      await target.teardown(never());
    }
  }, 60_000);
});
