/**
 * The local edge against CloudFront's origin-group rules: method × fault, on stacks
 * synthesized for the test (connection and read timeouts of 1 s, one attempt).
 */
import { request } from 'undici';
import type { Fault } from '../../../harness/targets/target.js';
import { hit, never, provision, removeTempDirs, SECRET, synthTestStack, testConfig, type Provisioned, type Seen } from './helpers.js';

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
