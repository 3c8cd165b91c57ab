import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { edgeAccount, Prober } from '../../harness/probe/prober.js';
import type { Endpoints } from '../../harness/targets/target.js';
import { generateLocalCertificate, isOpenssl } from '../../harness/targets/local/tls.js';
import { testUnless } from '../support/skip.js';

const opensslMissing = (await isOpenssl()) ? undefined : 'openssl is not installed (Debian: apt-get install -y openssl)';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly requestId: string;
  readonly body: string;
  readonly verify?: string;
}

async function listen(handler: (req: IncomingMessage, seen: Seen) => { status: number; servedBy?: string } | 'hang'): Promise<{
  server: Server;
  url: string;
  seen: Seen[];
}> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const verify = req.headers['x-origin-verify'];
      const s = {
        method: req.method!,
        url: req.url!,
        requestId: String(req.headers['x-request-id']),
        body,
        ...(typeof verify === 'string' ? { verify } : {}),
      };
      seen.push(s);
      const out = handler(req, s);
      if (out === 'hang') return;
      res.writeHead(out.status, out.servedBy ? { 'x-served-by': out.servedBy } : {});
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function endpoints(edge: string, primary: string, secondary: string, writePath?: string): Endpoints {
  return {
    edgeUrl: edge,
    origins: {
      primary: { role: 'primary', region: 'us-east-1', url: primary, headers: { 'x-origin-verify': 's3cr3t' } },
      secondary: { role: 'secondary', region: 'us-west-2', url: secondary, headers: {} },
    },
    ...(writePath ? { writePath } : {}),
    servedByHeader: 'X-Served-By',
    details: {},
  };
}

/**
 * Waits for what the prober has recorded, not for a fixed time: on a loaded machine the probes of
 * a fixed time are fewer. The bound only keeps a broken prober from hanging the test.
 */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = performance.now() + 20_000; !done() && performance.now() < deadline;) await sleep(20);
}

test('probes the edge and both origins at the rate, cache-busted, with request ids and the origin headers', async () => {
  const edge = await listen(() => ({ status: 200, servedBy: 'primary/us-east-1' }));
  const primary = await listen(() => ({ status: 200 }));
  const secondary = await listen(() => ({ status: 503 }));
  servers.push(edge.server, primary.server, secondary.server);
  let phase: 'steady' | 'inject' = 'steady';
  const prober = new Prober({
    endpoints: endpoints(edge.url, primary.url, secondary.url),
    runId: 'run1',
    rateHz: 20,
    directRateHz: 10,
    path: '/probe',
    phase: () => phase,
  });
  const heard: number[] = [];
  const count = (kind: string, origin?: string) =>
    prober.probes.filter((p) => p.kind === kind && (origin === undefined || p.origin === origin)).length;
  prober.onProbe((p) => heard.push(p.seq));
  const started = performance.now();
  prober.start();
  await until(() => count('edge') >= 8);
  phase = 'inject';
  await until(() => count('edge') >= 16 && count('direct', 'primary') >= 8);
  await prober.stop();
  // The most the prober may send is what the rate allows in the time it really ran, plus the
  // probe at the start.
  const ranSeconds = (performance.now() - started) / 1000;

  const probes = prober.probes;
  const edges = probes.filter((p) => p.kind === 'edge');
  // 20 Hz at the edge, and 10 Hz per origin.
  expect(edges.length).toBeGreaterThanOrEqual(16);
  expect(edges.length).toBeLessThanOrEqual(Math.ceil(20 * ranSeconds) + 1);
  expect(probes.filter((p) => p.kind === 'direct' && p.origin === 'primary').length).toBeGreaterThanOrEqual(8);
  expect(heard).toHaveLength(probes.length);
  expect(edges.every((p) => p.status === 200 && p.servedByHeader === 'primary/us-east-1' && p.latencyMs > 0)).toBe(true);
  expect(new Set(edges.map((p) => p.phase))).toEqual(new Set(['steady', 'inject']));
  expect(probes.filter((p) => p.kind === 'direct' && p.origin === 'secondary').every((p) => p.status === 503)).toBe(true);

  // Every request has its own query string and request id.
  const urls = edge.seen.map((s) => s.url);
  expect(new Set(urls).size).toBe(urls.length);
  expect(urls.every((u) => /^\/probe\?drill=run1-\d+$/.test(u))).toBe(true);
  expect(edge.seen.every((s) => s.url.endsWith(`drill=${s.requestId}`))).toBe(true);
  expect(new Set(probes.map((p) => p.seq)).size).toBe(probes.length);
  // Direct probes send the origin's headers; edge probes do not.
  expect(primary.seen.every((s) => s.verify === 's3cr3t')).toBe(true);
  expect(edge.seen.some((s) => s.verify !== undefined)).toBe(false);
});

test('each probe has its own timeout; refused connections are recorded by code', async () => {
  const hanging = await listen(() => 'hang');
  const ok = await listen(() => ({ status: 200 }));
  servers.push(hanging.server, ok.server);
  const closed = await listen(() => ({ status: 200 }));
  await new Promise((r) => closed.server.close(r));

  const prober = new Prober({
    endpoints: endpoints(hanging.url, closed.url, ok.url),
    runId: 'run2',
    rateHz: 10,
    timeoutMs: 300,
    phase: () => 'failover',
  });
  prober.start();
  await until(
    () =>
      prober.probes.filter((p) => p.kind === 'edge').length >= 2 &&
      prober.probes.filter((p) => p.kind === 'direct' && p.origin === 'primary').length >= 2,
  );
  await prober.stop();
  const edges = prober.probes.filter((p) => p.kind === 'edge');
  expect(edges.length).toBeGreaterThanOrEqual(2);
  for (const p of edges) {
    expect(p.error).toBe('timeout');
    expect(p.status).toBeUndefined();
    expect(p.latencyMs).toBeGreaterThanOrEqual(290);
    expect(p.latencyMs).toBeLessThan(2000);
  }
  const refused = prober.probes.filter((p) => p.kind === 'direct' && p.origin === 'primary');
  expect(refused.length).toBeGreaterThanOrEqual(2);
  expect(refused.every((p) => p.error === 'ECONNREFUSED')).toBe(true);
});

test('stop with cancel aborts probes in flight and marks them cancelled', async () => {
  const hanging = await listen(() => 'hang');
  servers.push(hanging.server);
  const prober = new Prober({
    endpoints: endpoints(hanging.url, hanging.url, hanging.url),
    runId: 'r',
    rateHz: 10,
    phase: () => 'failover',
  });
  prober.start();
  await sleep(250);
  const t0 = performance.now();
  await prober.stop({ cancel: true });
  expect(performance.now() - t0).toBeLessThan(2000);
  expect(prober.probes.length).toBeGreaterThanOrEqual(3);
  expect(prober.probes.every((p) => p.cancelled === true && p.error === 'cancelled')).toBe(true);
});

test('the write probe POSTs to the write path', async () => {
  const edge = await listen((req) => (req.method === 'POST' ? { status: 404, servedBy: 'primary/us-east-1' } : { status: 200 }));
  servers.push(edge.server);
  const prober = new Prober({
    endpoints: endpoints(edge.url, edge.url, edge.url, '/api/drill'),
    runId: 'w',
    rateHz: 1,
    writeRateHz: 10,
    phase: () => 'failover',
  });
  prober.start();
  await until(() => prober.probes.filter((p) => p.kind === 'write').length >= 2);
  await prober.stop();
  const writes = prober.probes.filter((p) => p.kind === 'write');
  expect(writes.length).toBeGreaterThanOrEqual(2);
  expect(writes.every((p) => p.method === 'POST' && p.status === 404)).toBe(true);
  const posted = edge.seen.filter((s) => s.method === 'POST');
  expect(posted[0]!.url).toMatch(/^\/api\/drill\?drill=w-\d+$/);
  expect(JSON.parse(posted[0]!.body)).toMatchObject({ drill: 'w' });
});

testUnless(opensslMissing)("HTTPS: trusts the endpoints' CA, reuses connections, and sends writes over HTTP when asked", async () => {
  const tls = await generateLocalCertificate();
  const secure = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    req.resume();
    res.writeHead(200, { 'x-served-by': 'primary/us-east-1' }).end('{}');
  });
  let handshakes = 0;
  secure.on('secureConnection', () => handshakes++);
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  servers.push(secure);
  const plain = await listen(() => ({ status: 403 }));
  servers.push(plain.server);
  const httpsUrl = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  const run = async (e: Endpoints, writeOverHttp?: boolean) => {
    const prober = new Prober({
      endpoints: e,
      runId: 't',
      rateHz: 20,
      directRateHz: 1,
      writeRateHz: 10,
      writeOverHttp,
      phase: () => 'steady',
    });
    prober.start();
    await until(() => prober.probes.filter((p) => p.kind === 'edge' || p.kind === 'write').length > 8);
    await prober.stop();
    return prober.probes;
  };
  const base = { ...endpoints(httpsUrl, plain.url, plain.url, '/api/x'), writeUrl: httpsUrl, edgeHttpUrl: plain.url };
  const trusted = await run({ ...base, edgeCa: tls.cert });
  const edge = trusted.filter((p) => p.kind === 'edge' || p.kind === 'write');
  expect(edge.length).toBeGreaterThan(8);
  expect(new Set(edge.map((p) => p.status))).toEqual(new Set([200]));
  expect(handshakes).toBeLessThan(edge.length); // keep-alive: not one handshake per probe
  const overHttp = await run({ ...base, edgeCa: tls.cert }, true);
  expect(new Set(overHttp.filter((p) => p.kind === 'write').map((p) => p.status))).toEqual(new Set([403]));
  expect(plain.seen.some((s) => s.method === 'POST')).toBe(true);
  const untrusted = await run(base);
  expect(untrusted.find((p) => p.kind === 'edge')).toMatchObject({ error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
});

test('bad settings are rejected with the field, the value and what is allowed', () => {
  const e = endpoints('http://127.0.0.1:1', 'http://127.0.0.1:1', 'http://127.0.0.1:1');
  expect(() => new Prober({ endpoints: e, runId: 'x', rateHz: 0, phase: () => 'steady' })).toThrow(
    'Prober rateHz = 0: allowed: a number from 0.1 to 200 (probes per second)',
  );
  expect(() => new Prober({ endpoints: e, runId: 'x', timeoutMs: 10, phase: () => 'steady' })).toThrow('Prober timeoutMs = 10');
  expect(() => new Prober({ endpoints: e, runId: 'x', writeRateHz: 1, phase: () => 'steady' })).toThrow(/needs a write path/);
});

test("the edge's own account of a request is read from its headers, and absent when it gives none", () => {
  expect(
    edgeAccount({
      'x-edge-origin': 'secondary',
      'x-edge-attempts': 'primary=1,secondary=1',
      'x-edge-failover': 'status-404',
      'x-cache': 'Miss from cloudfront',
      'x-amz-cf-pop': ['IAD89-C1', 'IAD89-C2'],
      'x-served-by': 'secondary/us-west-2',
    }),
  ).toEqual({
    origin: 'secondary',
    attempts: 'primary=1,secondary=1',
    failover: 'status-404',
    cache: 'Miss from cloudfront',
    pop: 'IAD89-C1, IAD89-C2',
  });
  expect(edgeAccount({ 'content-type': 'application/json' })).toBeUndefined();
});

test('the secondary can be probed directly at a rate of its own, slower than the primary', async () => {
  const edge = await listen(() => ({ status: 200, servedBy: 'primary/us-east-1' }));
  const primary = await listen(() => ({ status: 200 }));
  const secondary = await listen(() => ({ status: 200 }));
  servers.push(edge.server, primary.server, secondary.server);
  const prober = new Prober({
    endpoints: endpoints(edge.url, primary.url, secondary.url),
    runId: 'run2',
    rateHz: 10,
    directRateHz: 20,
    secondaryDirectRateHz: 0.5,
    phase: () => 'steady',
  });
  const started = performance.now();
  prober.start();
  for (
    const deadline = performance.now() + 20_000;
    prober.probes.filter((p) => p.origin === 'primary').length < 20 && performance.now() < deadline;
  )
    await sleep(20);
  await prober.stop();
  const ranSeconds = (performance.now() - started) / 1000;
  const direct = (origin: string) => prober.probes.filter((p) => p.kind === 'direct' && p.origin === origin).length;
  expect(direct('primary')).toBeGreaterThanOrEqual(20);
  // The secondary: what 0.5/s allows in the time the prober really ran, plus the probe at the start.
  expect(direct('secondary')).toBeLessThanOrEqual(Math.ceil(0.5 * ranSeconds) + 1);
  expect(direct('secondary')).toBeGreaterThanOrEqual(1);
});
