/**
 * The local edge against CloudFront's origin-group rules: method × fault, on stacks
 * synthesized for the test (connection and read timeouts of 1 s, one attempt).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { generateLocalCertificate, isOpenssl } from '../../harness/targets/local/tls.js';
import { testUnless } from '../support/skip.js';
import { LocalEdge, loadEdgeRules, type EdgeRules } from '../../harness/cloudfront/index.js';
import type { Fault } from '../../harness/targets/target.js';
import { hit, never, provision, removeTempDirs, SECRET, synthTestStack, testConfig, type Provisioned, type Seen } from '../targets/local/helpers.js';

const opensslMissing = (await isOpenssl()) ? undefined : 'openssl is not installed (Debian: apt-get install -y openssl)';

type Who = 'primary' | 'secondary' | 'none';
interface Expect {
  readonly status: number;
  /** Whose answer the edge relayed (x-edge-origin). */
  readonly edge: Who;
  /** The probe app that served it (x-served-by), if one did. */
  readonly servedBy?: 'primary' | 'secondary';
}

const REQUESTS = ['GET /', 'HEAD /', 'OPTIONS /', 'POST /', 'POST write'] as const;
type Req = (typeof REQUESTS)[number];

const ok = (who: 'primary' | 'secondary'): Expect => ({ status: 200, edge: who, servedBy: who });
const forbidden: Expect = { status: 403, edge: 'none' };

interface Row {
  readonly name: string;
  readonly stack: 'default' | 'no500';
  readonly fault?: Fault;
  readonly expect: Readonly<Record<Req, Expect>>;
  /** x-edge-failover on the failed-over reads. */
  readonly failover?: string;
  /** Reads take at least this long (attempts × read timeout, or × connection timeout). */
  readonly minReadMs?: number;
}

const reads = (e: Expect) => ({ 'GET /': e, 'HEAD /': e, 'OPTIONS /': e });

const MATRIX: readonly Row[] = [
  { name: 'none', stack: 'default', expect: { ...reads(ok('primary')), 'POST /': forbidden, 'POST write': ok('primary') } },
  {
    name: 'pause',
    stack: 'default',
    fault: { kind: 'pause' },
    failover: 'status-404',
    expect: { ...reads(ok('secondary')), 'POST /': forbidden, 'POST write': { status: 404, edge: 'primary' } },
  },
  {
    name: 'error 503',
    stack: 'default',
    fault: { kind: 'error', status: 503 },
    failover: 'status-503',
    expect: { ...reads(ok('secondary')), 'POST /': forbidden, 'POST write': { status: 503, edge: 'primary', servedBy: 'primary' } },
  },
  {
    name: 'error 500 with 500 removed from the criteria',
    stack: 'no500',
    fault: { kind: 'error', status: 500 },
    expect: {
      ...reads({ status: 500, edge: 'primary', servedBy: 'primary' }),
      'POST /': forbidden,
      'POST write': { status: 500, edge: 'primary', servedBy: 'primary' },
    },
  },
  {
    name: 'refuse',
    stack: 'default',
    fault: { kind: 'refuse' },
    failover: 'connect-refused',
    expect: { ...reads(ok('secondary')), 'POST /': forbidden, 'POST write': { status: 502, edge: 'primary' } },
  },
  {
    name: 'blackhole',
    stack: 'default',
    fault: { kind: 'blackhole' },
    failover: 'read-timeout',
    minReadMs: 950,
    expect: { ...reads(ok('secondary')), 'POST /': forbidden, 'POST write': { status: 504, edge: 'primary' } },
  },
  {
    name: 'unreachable',
    stack: 'default',
    fault: { kind: 'unreachable' },
    failover: 'connect-timeout',
    minReadMs: 950,
    expect: { ...reads(ok('secondary')), 'POST /': forbidden, 'POST write': { status: 504, edge: 'primary' } },
  },
  {
    name: 'slow beyond the read timeout',
    stack: 'default',
    fault: { kind: 'slow', ms: 1_500 },
    failover: 'read-timeout',
    minReadMs: 950,
    expect: { ...reads(ok('secondary')), 'POST /': forbidden, 'POST write': { status: 504, edge: 'primary' } },
  },
];

const worlds: Partial<Record<Row['stack'], Provisioned>> = {};

beforeAll(async () => {
  worlds.default = await provision(synthTestStack(testConfig()));
  worlds.no500 = await provision(synthTestStack(testConfig({ statusCodes: [404, 502, 503, 504] })));
});

afterAll(async () => {
  for (const w of Object.values(worlds)) await w?.target.teardown(never());
  removeTempDirs();
});

function send(w: Provisioned, req: Req): Promise<Seen> {
  const [method, which] = req.split(' ') as [string, string];
  const path = which === 'write' ? w.endpoints.writePath! : which;
  return hit(w.endpoints.edgeUrl, method, path);
}

describe('method × fault on the primary', () => {
  test.each(MATRIX.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const w = worlds[row.stack]!;
    expect(w.endpoints.writePath).toBe('/api/probe');
    if (row.fault) await w.target.inject('primary', row.fault, never());
    try {
      const seen = await Promise.all(REQUESTS.map((r) => send(w, r)));
      const got = Object.fromEntries(
        REQUESTS.map((r, i) => {
          const s = seen[i]!;
          return [r, { status: s.status, edge: s.edgeOrigin, servedBy: s.servedBy?.split('/')[0] }];
        }),
      );
      const want = Object.fromEntries(REQUESTS.map((r) => [r, { ...row.expect[r], servedBy: row.expect[r].servedBy }]));
      expect(got).toEqual(want);
      for (const [i, r] of REQUESTS.entries()) {
        if (r === 'POST /' || r === 'POST write') continue;
        expect(seen[i]!.failover).toBe(row.failover);
        if (row.minReadMs !== undefined) expect(seen[i]!.ms).toBeGreaterThanOrEqual(row.minReadMs);
      }
    } finally {
      await w.target.clear('primary', never());
    }
  });
});

describe('failover is decided per request', () => {
  test('the first request after clear is served by the primary again', async () => {
    const w = worlds.default!;
    await w.target.inject('primary', { kind: 'pause' }, never());
    expect((await hit(w.endpoints.edgeUrl, 'GET', '/')).edgeOrigin).toBe('secondary');
    await w.target.clear('primary', never());
    const after = await hit(w.endpoints.edgeUrl, 'GET', '/');
    expect([after.status, after.edgeOrigin, after.attempts]).toEqual([200, 'primary', 'primary=1']);
  });

  test('when both origins fail, the viewer gets the secondary’s answer', async () => {
    const w = worlds.default!;
    await w.target.inject('primary', { kind: 'refuse' }, never());
    await w.target.inject('secondary', { kind: 'pause' }, never());
    try {
      const paused = await hit(w.endpoints.edgeUrl, 'GET', '/');
      expect([paused.status, paused.edgeOrigin]).toEqual([404, 'secondary']);
      await w.target.inject('secondary', { kind: 'refuse' }, never());
      const refused = await hit(w.endpoints.edgeUrl, 'GET', '/');
      expect([refused.status, refused.edgeOrigin, refused.attempts]).toEqual([502, 'secondary', 'primary=1,secondary=1']);
    } finally {
      await w.target.clear('primary', never());
      await w.target.clear('secondary', never());
    }
  });

  test('a slow primary within the read timeout still serves', async () => {
    const w = worlds.default!;
    await w.target.inject('primary', { kind: 'slow', ms: 300 }, never());
    try {
      const s = await hit(w.endpoints.edgeUrl, 'GET', '/');
      expect([s.status, s.edgeOrigin, s.servedBy]).toEqual([200, 'primary', 'primary/us-east-1']);
      expect(s.ms).toBeGreaterThanOrEqual(290);
    } finally {
      await w.target.clear('primary', never());
    }
  });
});

describe('what the edge sends the origin', () => {
  test('adds the origin-verify header that origins require, and not the viewer’s Host', async () => {
    const w = worlds.default!;
    const viaEdge = await hit(w.endpoints.edgeUrl, 'GET', '/', { host: 'viewer.example' });
    expect(viaEdge.status).toBe(200);
    expect(JSON.parse(viaEdge.body).host).toBe(new URL(w.endpoints.origins.primary.url).host);

    const direct = await hit(w.endpoints.origins.primary.url, 'GET', '/');
    expect(direct.status).toBe(403);
    expect(w.endpoints.origins.primary.headers).toEqual({ 'x-origin-verify': SECRET });
    const verified = await hit(w.endpoints.origins.primary.url, 'GET', '/', { ...w.endpoints.origins.primary.headers });
    expect(verified.status).toBe(200);
  });

  test('a viewer cannot override the origin-verify header', async () => {
    const w = worlds.default!;
    const s = await hit(w.endpoints.edgeUrl, 'GET', '/', { 'x-origin-verify': 'forged-value-forged-value' });
    expect([s.status, s.edgeOrigin]).toEqual([200, 'primary']);
  });

  test('a GET with a body gets 403 from the edge, as from CloudFront', async () => {
    const w = worlds.default!;
    const res = await request(`${w.endpoints.edgeUrl}/`, { method: 'GET', body: 'x=1' });
    await res.body.dump();
    expect([res.statusCode, res.headers['x-edge-origin']]).toEqual([403, 'none']);
  });

  test('passes the request id through and answers HEAD without a body', async () => {
    const w = worlds.default!;
    const s = await hit(w.endpoints.edgeUrl, 'GET', '/', { 'x-request-id': 'probe-42' });
    expect(JSON.parse(s.body).requestId).toBe('probe-42');
    const head = await hit(w.endpoints.edgeUrl, 'HEAD', '/');
    expect([head.status, head.body]).toEqual([200, '']);
  });
});

describe('the edge against recording origins: headers, Host, error caching, limits', () => {
  interface Origin {
    readonly server: Server;
    readonly url: string;
    readonly seen: IncomingHttpHeaders[];
  }
  let rules: EdgeRules;
  let origins: Record<'primary' | 'secondary', Origin>;
  const edges: LocalEdge[] = [];

  /** Answers 200 with the headers it got; the primary answers x-test-status with x-test-cc as Cache-Control. */
  async function recordingOrigin(role: 'primary' | 'secondary'): Promise<Origin> {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer({ maxHeaderSize: 65_536 }, (req, res) => {
      seen.push(req.headers);
      const status = role === 'primary' && req.headers['x-test-status'] ? Number(req.headers['x-test-status']) : 200;
      const cc = req.headers['x-test-cc'];
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-served-by': `${role}/test`,
        ...(typeof cc === 'string' ? { 'cache-control': cc } : {}),
      });
      res.end(JSON.stringify({ role, headers: req.headers }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  async function edgeWith(edit: (r: EdgeRules) => EdgeRules = (r) => r): Promise<LocalEdge> {
    const edge = await LocalEdge.start({
      rules: edit(rules),
      originUrls: { primary: origins.primary.url, secondary: origins.secondary.url },
    });
    edges.push(edge);
    return edge;
  }

  beforeAll(async () => {
    rules = await loadEdgeRules({ tfJsonPath: synthTestStack(testConfig()) });
    origins = { primary: await recordingOrigin('primary'), secondary: await recordingOrigin('secondary') };
  });
  afterAll(async () => {
    for (const e of edges) await e.close();
    for (const o of Object.values(origins)) o.server.closeAllConnections();
    await Promise.all(Object.values(origins).map((o) => new Promise((r) => o.server.close(r))));
  });

  async function get(edge: LocalEdge, path: string, headers: Record<string, string> = {}) {
    const res = await request(`${edge.url}${path}`, { headers });
    const body = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body };
  }

  test('responses carry X-Cache, Via and X-Amz-Cf-Id; the origin gets the same X-Amz-Cf-Id', async () => {
    const edge = await edgeWith();
    const r = await get(edge, '/headers');
    expect(r.status).toBe(200);
    expect(r.headers['x-cache']).toBe('Miss from cloudfront');
    expect(r.headers.via).toMatch(/^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    expect(String(r.headers['x-amz-cf-id'])).toMatch(/^[A-Za-z0-9_-]{54}==$/);
    expect(JSON.parse(r.body).headers['x-amz-cf-id']).toBe(r.headers['x-amz-cf-id']);
  });

  test('viewer x-edge-* headers are dropped, X-Forwarded-For is joined with ",", Host is the origin’s', async () => {
    const edge = await edgeWith();
    const r = await get(edge, '/xff', { 'x-edge-origin': 'forged', 'x-forwarded-for': '192.0.2.1', host: 'viewer.example' });
    const got = JSON.parse(r.body).headers;
    expect(got['x-edge-origin']).toBeUndefined();
    expect(got['x-forwarded-for']).toBe('192.0.2.1,127.0.0.1');
    expect(got.host).toBe(new URL(origins.primary.url).host);
  });

  test('AllViewer forwards the viewer’s Host; a local front answers a foreign Host with 404', async () => {
    const allViewer = (r: EdgeRules): EdgeRules => ({
      ...r,
      defaultBehavior: { ...r.defaultBehavior, originRequestPolicy: { name: 'AllViewer', forwardHost: true } },
    });
    const edge = await edgeWith(allViewer);
    const r = await get(edge, '/host', { host: 'viewer.example' });
    expect(JSON.parse(r.body).headers.host).toBe('viewer.example');
    const w = worlds.default!;
    const front = await request(`${w.endpoints.origins.primary.url}/`, {
      headers: { host: 'viewer.example', ...w.endpoints.origins.primary.headers },
    });
    await front.body.dump();
    expect([front.statusCode, front.headers.server, front.headers['x-served-by']]).toEqual([404, 'envoy', undefined]);
  });

  test.each([
    // [status, cache-control, cached]: always-cached codes for 10 s (no custom error response),
    // no-store honoured for 404/410/414/501 only, 400/403/405/412/415 only with max-age.
    [501, undefined, true],
    [501, 'no-store', false],
    [500, 'no-store', true],
    [403, undefined, false],
    [403, 'max-age=5', true],
    [416, 'max-age=5', false],
  ] as const)('an error %i (cache-control %s) outside the criteria is cached: %s', async (status, cc, cached) => {
    const edge = await edgeWith((r) => ({ ...r, failoverStatusCodes: [404, 502, 503, 504], errorCachingTtls: new Map() }));
    const path = `/err-${status}-${cc ?? 'none'}`;
    const headers: Record<string, string> = { 'x-test-status': String(status), ...(cc ? { 'x-test-cc': cc } : {}) };
    const before = origins.primary.seen.length;
    const first = await get(edge, `${path}?drill=1`, headers);
    const second = await get(edge, `${path}?drill=2`, headers); // the query string is not in the key
    expect([first.status, second.status]).toEqual([status, status]);
    expect(origins.primary.seen.length - before).toBe(cached ? 1 : 2);
    expect(second.headers['x-cache']).toBe('Error from cloudfront');
    expect(second.headers.age !== undefined).toBe(cached);
  });

  test('a custom error response TTL of 0 keeps a failover code uncached; the failover answer is not an error', async () => {
    const edge = await edgeWith();
    const headers = { 'x-test-status': '503' };
    const before = origins.primary.seen.length;
    const a = await get(edge, '/ttl0', headers);
    const b = await get(edge, '/ttl0', headers);
    expect([a.status, JSON.parse(a.body).role, b.status]).toEqual([200, 'secondary', 200]);
    expect(origins.primary.seen.length - before).toBe(2);
  });

  test('the request line plus headers may be 20,480 bytes; more gets 431', async () => {
    const edge = await edgeWith();
    expect((await get(edge, '/big', { 'x-big': 'a'.repeat(19_000) })).status).toBe(200);
    expect((await get(edge, '/big', { 'x-big': 'a'.repeat(21_000) })).status).toBe(431);
  });

  const withOpenssl = testUnless(opensslMissing);
  withOpenssl(
    'with a certificate: HTTP GETs are redirected to HTTPS (301), other methods with 307, HTTP writes to an https-only path get 403',
    async () => {
      const tls = await generateLocalCertificate();
      const secure = await LocalEdge.start({ rules, originUrls: { primary: origins.primary.url, secondary: origins.secondary.url }, tls });
      edges.push(secure);
      expect(rules.defaultBehavior.viewerProtocolPolicy).toBe('redirect-to-https');
      expect(rules.orderedBehaviors[0]!.viewerProtocolPolicy).toBe('https-only');
      const get = await request(`${secure.url}/page?x=1`);
      await get.body.dump();
      expect([get.statusCode, get.headers.location]).toEqual([301, `${secure.httpsUrl}/page?x=1`]);
      const post = await request(`${secure.url}/api/probe`, { method: 'POST', body: '{}' });
      await post.body.dump();
      expect(post.statusCode).toBe(403);
      // Other methods than GET and HEAD on redirect-to-https: 307, so the method and body are kept.
      const redirected = await request(`${secure.url}/page`, { method: 'OPTIONS' });
      await redirected.body.dump();
      expect([redirected.statusCode, redirected.headers.location]).toEqual([307, `${secure.httpsUrl}/page`]);
      const agent = new Agent({ connect: { ca: tls.cert } });
      try {
        const overTls = await request(`${secure.httpsUrl}/page`, { dispatcher: agent });
        expect([overTls.statusCode, JSON.parse(await overTls.body.text()).role]).toEqual([200, 'primary']);
        const write = await request(`${secure.httpsUrl}/api/probe`, { method: 'POST', body: '{}', dispatcher: agent });
        await write.body.dump();
        expect(write.statusCode).toBe(200);
      } finally {
        await agent.close();
      }
    },
  );
});
