/**
 * The local edge's per-request decisions, between two recording origins (real HTTP servers) and
 * with the rules of a distribution written out here: which behavior, which methods, which origin,
 * failover, attempts, what the origin gets, caching and stale answers, viewer-request functions.
 * The CloudFront rules each expectation rests on are quoted in docs/aws-behaviour.md (CloudFront:
 * connection settings, timeouts, failover criteria, origin group methods, path patterns, origin
 * custom headers) and docs/aws-behaviour/fidelity.md (policies, error caching, stale content,
 * viewer protocol policy, requests the edge answers itself, headers, size limits). conformance.test.ts runs the same edge on stacks
 * synthesized from the project, behind the local fronts.
 */
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { MANAGED_CACHE_POLICY, MANAGED_ORIGIN_REQUEST_POLICY } from '../../core/aws-facts.js';
import { CloudFrontModelError } from '../../harness/cloudfront/errors.js';
import { LocalEdge, type LocalEdgeProps } from '../../harness/cloudfront/edge.js';
import { CACHE_POLICIES, ORIGIN_REQUEST_POLICIES } from '../../harness/cloudfront/edge-policies.js';
import { ViewerRequestFunction } from '../../harness/cloudfront/edge-function.js';
import type { BehaviorRules, EdgeRules, OriginRules } from '../../harness/cloudfront/stack-rules.js';
import { generateLocalCertificate, isOpenssl } from '../../harness/targets/local/tls.js';
import { UnreachablePort } from '../../harness/targets/local/unreachable-port.js';
import { stall } from '../support/pace.js';
import { testUnless } from '../support/skip.js';

const opensslMissing = (await isOpenssl()) ? undefined : 'openssl is not installed (Debian: apt-get install -y openssl)';

type Role = 'primary' | 'secondary';

/** What an origin does with the next requests: the status, its Cache-Control, a delay before the headers, or a dropped connection. */
interface Behaviour {
  status: number;
  /** One Cache-Control header, or several. */
  cacheControl?: string | string[];
  /** Headers sent, then part of the body, then the connection is dropped. */
  cutOff?: boolean;
  /** The body in two chunks this far apart. */
  chunkGapMs?: number;
  delayMs?: number;
  drop?: boolean;
  body?: string;
}

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The port the request came from: one per connection. */
  readonly remotePort: number;
}

interface Origin {
  readonly server: Server;
  readonly url: string;
  readonly seen: Seen[];
  /** Requests whose connection closed before the origin answered. */
  readonly cancelled: string[];
  behaviour: Behaviour;
}

const origins = {} as Record<Role, Origin>;
let closedUrl: string;
const edges: LocalEdge[] = [];

async function recordingOrigin(role: Role): Promise<Origin> {
  const origin: Origin = { server: undefined as unknown as Server, url: '', seen: [], cancelled: [], behaviour: { status: 200 } };
  const server = createServer({ maxHeaderSize: 65_536 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      origin.seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: req.socket.remotePort!,
      });
      const b = origin.behaviour;
      if (b.drop) return void req.socket.destroy();
      res.on('close', () => {
        if (!res.writableFinished) origin.cancelled.push(req.url!);
      });
      if (b.chunkGapMs !== undefined) {
        res.writeHead(b.status, { 'content-type': 'text/plain' });
        res.write('first,');
        return void setTimeout(() => res.end('second'), b.chunkGapMs);
      }
      if (b.cutOff) {
        res.writeHead(b.status, { 'content-length': '1000', 'cache-control': 'max-age=60' });
        res.write('partial');
        return void setTimeout(() => res.destroy(), 50);
      }
      const answer = () => {
        const headers: OutgoingHttpHeaders = {
          'content-type': 'text/plain',
          'x-served-by': role,
          'proxy-authenticate': 'Basic realm="origin"',
        };
        if (b.cacheControl) res.setHeader('cache-control', b.cacheControl);
        res.writeHead(b.status, headers);
        res.end(b.body ?? `${role} ${req.method} ${req.url}`);
      };
      if (b.delayMs) setTimeout(answer, b.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(origin, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

/** A port nothing listens on at the moment. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}

beforeAll(async () => {
  origins.primary = await recordingOrigin('primary');
  origins.secondary = await recordingOrigin('secondary');
  // A port nothing listens on: connections to it are refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
});

beforeEach(() => {
  for (const o of Object.values(origins)) {
    o.seen.length = 0;
    o.cancelled.length = 0;
    o.behaviour = { status: 200 };
  }
});

afterAll(async () => {
  for (const e of edges) await e.close();
  for (const o of Object.values(origins)) o.server.closeAllConnections();
  await Promise.all(Object.values(origins).map((o) => new Promise((r) => o.server.close(r))));
});

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

function originRules(role: Role, over: Partial<OriginRules> = {}): OriginRules {
  return {
    id: `${role}-origin`,
    role,
    region: 'local',
    connectionAttempts: 1,
    connectionTimeoutSeconds: 1,
    readTimeoutSeconds: 1,
    keepaliveTimeoutSeconds: 5,
    customHeaders: { 'x-origin-verify': `${role}-secret` },
    serviceEnvironment: {},
    ...over,
  };
}

function behavior(over: Partial<BehaviorRules> = {}): BehaviorRules {
  return {
    allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
    cachedMethods: ['GET', 'HEAD'],
    cachePolicy: CACHE_POLICIES[MANAGED_CACHE_POLICY.CachingDisabled],
    originRequestPolicy: ORIGIN_REQUEST_POLICIES[MANAGED_ORIGIN_REQUEST_POLICY.AllViewerExceptHostHeader]!,
    viewerProtocolPolicy: 'allow-all',
    targetOriginId: 'group',
    target: { kind: 'group' },
    ...over,
  };
}

/** The distribution: the origin group by default, writes under /api/* to the primary alone. */
function rules(over: Partial<EdgeRules> = {}, origin: Partial<Record<Role, Partial<OriginRules>>> = {}): EdgeRules {
  return {
    tfJsonPath: '(written out in the test)',
    distributionAddress: 'aws_cloudfront_distribution.test',
    originGroupId: 'group',
    failoverStatusCodes: [404, 500, 502, 503, 504],
    origins: { primary: originRules('primary', origin.primary), secondary: originRules('secondary', origin.secondary) },
    orderedBehaviors: [
      behavior({
        pathPattern: '/api/*',
        allowedMethods: ALL_METHODS,
        targetOriginId: 'primary-origin',
        target: { kind: 'origin', role: 'primary' },
      }),
    ],
    defaultBehavior: behavior(),
    errorCachingTtls: new Map(),
    warnings: [],
    ...over,
  };
}

async function edgeWith(props: Partial<LocalEdgeProps> = {}, urls: Partial<Record<Role, string>> = {}): Promise<LocalEdge> {
  const edge = await LocalEdge.start({
    rules: rules(),
    originUrls: { primary: urls.primary ?? origins.primary.url, secondary: urls.secondary ?? origins.secondary.url },
    ...props,
  });
  edges.push(edge);
  return edge;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

async function send(
  edge: LocalEdge,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const res = await request(`${edge.url}${path}`, { method: method as 'GET', headers: init.headers, body: init.body });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

const h = (a: Answer, name: string) => a.headers[name];

/** Why the edge answered itself: the reason paragraph of its error page. */
const edgeReason = (a: Answer) => /<p>(.*?)<\/p>/.exec(a.body)?.[1];

describe('which behavior handles a request', () => {
  test('the first ordered behavior whose pattern matches the path wins, else the default; the query string is not matched', async () => {
    const edge = await edgeWith({
      rules: rules({
        orderedBehaviors: [
          behavior({ pathPattern: '/api/*', allowedMethods: ALL_METHODS, target: { kind: 'origin', role: 'primary' } }),
          behavior({ pathPattern: '/api/special/*', target: { kind: 'origin', role: 'secondary' } }),
          behavior({ pathPattern: '/img/*', target: { kind: 'origin', role: 'secondary' } }),
        ],
      }),
    });
    const special = await send(edge, 'GET', '/api/special/a');
    expect([h(special, 'x-edge-behavior'), h(special, 'x-edge-origin')]).toEqual(['/api/*', 'primary']);
    const img = await send(edge, 'GET', '/img/a.png');
    expect([h(img, 'x-edge-behavior'), h(img, 'x-edge-origin')]).toEqual(['/img/*', 'secondary']);
    const other = await send(edge, 'GET', '/page?next=/api/x');
    expect([h(other, 'x-edge-behavior'), h(other, 'x-edge-origin')]).toEqual(['default', 'primary']);
    expect(origins.primary.seen.map((s) => s.url)).toEqual(['/api/special/a', '/page?next=/api/x']);
  });

  test('every answer carries X-Amz-Cf-Id, the one the origin got, and is reported to onViewerResponse', async () => {
    const statuses: number[] = [];
    const edge = await edgeWith({ onViewerResponse: (s) => statuses.push(s) });
    const a = await send(edge, 'GET', '/a');
    const b = await send(edge, 'POST', '/a');
    expect(String(h(a, 'x-amz-cf-id'))).toMatch(/^[A-Za-z0-9_-]{54}==$/);
    expect(origins.primary.seen[0]!.headers['x-amz-cf-id']).toBe(h(a, 'x-amz-cf-id'));
    expect(h(b, 'x-amz-cf-id')).not.toBe(h(a, 'x-amz-cf-id'));
    await new Promise((r) => setImmediate(r));
    expect(statuses).toEqual([200, 403]);
  });
});

describe('methods and bodies', () => {
  test.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    'a %s the behavior does not allow gets 403 from the edge; no origin sees it',
    async (method) => {
      const edge = await edgeWith();
      const r = await send(edge, method, '/page', { body: 'x' });
      expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-cache')]).toEqual([403, 'none', 'Error from cloudfront']);
      expect(r.body).toContain('not configured to allow the HTTP request method');
      expect(origins.primary.seen.length + origins.secondary.seen.length).toBe(0);
    },
  );

  test('a GET with a body gets 403; a POST’s body reaches the origin whole', async () => {
    const edge = await edgeWith();
    const get = await send(edge, 'GET', '/api/x', { body: 'x=1' });
    expect([get.status, h(get, 'x-edge-origin')]).toEqual([403, 'none']);
    expect(edgeReason(get)).toMatch(/GET .* body/);
    const post = await send(edge, 'POST', '/api/x', { body: '{"a":1}' });
    expect([post.status, h(post, 'x-edge-origin')]).toEqual([200, 'primary']);
    expect(origins.primary.seen.map((s) => [s.method, s.body, s.headers['content-length']])).toEqual([['POST', '{"a":1}', '7']]);
  });

  test('a body up to maxBodyBytes is passed on; one byte more gets 413 from the edge', async () => {
    const edge = await edgeWith({ maxBodyBytes: 8 });
    expect((await send(edge, 'POST', '/api/x', { body: '12345678' })).status).toBe(200);
    const big = await send(edge, 'POST', '/api/x', { body: '123456789' });
    expect([big.status, h(big, 'x-edge-origin')]).toEqual([413, 'none']);
    expect(edgeReason(big)).toMatch(/body is larger/);
    expect(origins.primary.seen.map((s) => s.body)).toEqual(['12345678']);
  });

  test('by default a body of 1 MiB is accepted', async () => {
    const edge = await edgeWith();
    expect((await send(edge, 'POST', '/api/x', { body: 'x'.repeat(1024 * 1024) })).status).toBe(200);
    expect((await send(edge, 'POST', '/api/x', { body: 'x'.repeat(1024 * 1024 + 1) })).status).toBe(413);
  });

  test('the request line plus headers may be 20,480 bytes; more gets 431', async () => {
    const edge = await edgeWith();
    expect((await send(edge, 'GET', '/big', { headers: { 'x-big': 'a'.repeat(20_300) } })).status).toBe(200);
    const over = await send(edge, 'GET', '/big', { headers: { 'x-big': 'a'.repeat(20_500) } });
    expect([over.status, h(over, 'x-edge-origin')]).toEqual([431, undefined]);
    expect(origins.primary.seen).toHaveLength(1);
  });
});

describe('the origin group', () => {
  test.each(['GET', 'HEAD', 'OPTIONS'])(
    '%s fails over on a failover status; the secondary answers; the headers say why',
    async (method) => {
      const edge = await edgeWith();
      origins.primary.behaviour = { status: 503 };
      const r = await send(edge, method, '/page');
      expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-served-by')]).toEqual([200, 'secondary', 'secondary']);
      expect([h(r, 'x-edge-attempts'), h(r, 'x-edge-failover')]).toEqual(['primary=1,secondary=1', 'status-503']);
    },
  );

  test('a status outside the failover criteria is the answer; no failover header', async () => {
    const edge = await edgeWith({ rules: rules({ failoverStatusCodes: [404, 502, 503, 504] }) });
    origins.primary.behaviour = { status: 500 };
    const r = await send(edge, 'GET', '/page');
    expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-edge-attempts'), h(r, 'x-edge-failover')]).toEqual([
      500,
      'primary',
      'primary=1',
      undefined,
    ]);
    expect(h(r, 'x-cache')).toBe('Error from cloudfront');
    expect(origins.secondary.seen).toEqual([]);
  });

  test('the primary is tried first on every request: no sticky state', async () => {
    const edge = await edgeWith();
    origins.primary.behaviour = { status: 404 };
    expect(h(await send(edge, 'GET', '/a'), 'x-edge-origin')).toBe('secondary');
    origins.primary.behaviour = { status: 200 };
    const after = await send(edge, 'GET', '/a');
    expect([h(after, 'x-edge-origin'), h(after, 'x-edge-attempts')]).toEqual(['primary', 'primary=1']);
  });

  test('a behavior that targets one origin never fails over, whatever the method', async () => {
    const edge = await edgeWith();
    origins.primary.behaviour = { status: 503 };
    for (const method of ['GET', 'POST']) {
      const r = await send(edge, method, '/api/x');
      expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-edge-attempts')]).toEqual([503, 'primary', 'primary=1']);
    }
    expect(origins.secondary.seen).toEqual([]);
  });

  test('a refused primary fails over; both refused: 502 from the edge, naming the secondary', async () => {
    const one = await edgeWith({}, { primary: closedUrl });
    const r = await send(one, 'GET', '/page');
    expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-edge-failover')]).toEqual([200, 'secondary', 'connect-refused']);
    const both = await edgeWith({}, { primary: closedUrl, secondary: closedUrl });
    const b = await send(both, 'GET', '/page');
    expect([b.status, h(b, 'x-edge-origin'), h(b, 'x-edge-attempts'), h(b, 'x-edge-failover')]).toEqual([
      502,
      'secondary',
      'primary=1,secondary=1',
      'connect-refused',
    ]);
    expect(b.body).toContain('secondary origin (connect-refused');
    const write = await send(both, 'POST', '/api/x', { body: '{}' });
    expect([write.status, h(write, 'x-edge-origin')]).toEqual([502, 'primary']);
  });

  test('each origin gets connection_attempts tries when connections fail, each one logged', async () => {
    const logs: string[] = [];
    const edge = await edgeWith(
      { rules: rules({}, { primary: { connectionAttempts: 3 } }), log: (m) => logs.push(m) },
      { primary: closedUrl },
    );
    const r = await send(edge, 'GET', '/page');
    expect([r.status, h(r, 'x-edge-attempts')]).toEqual([200, 'primary=3,secondary=1']);
    expect(logs.filter((l) => /GET \/page to primary, attempt [123]\/3: connect-refused \(ECONNREFUSED/.test(l))).toHaveLength(3);
  });

  test('an origin that never accepts the connection: every attempt times out, GET fails over as connect-timeout; alone it gets 504', async () => {
    // CloudFront Developer Guide, "Values that you specify when you create or update a distribution":
    // Connection attempts, Connection timeout; a timed-out origin is a 504, "HTTP 504 status code
    // (Gateway Timeout)" (an origin that does not answer before the request expires, a firewall that drops).
    const port = await freePort();
    const unreachable = await (await UnreachablePort.prepare({ port })).hold();
    try {
      const url = `http://127.0.0.1:${port}`;
      const edge = await edgeWith({ rules: rules({}, { primary: { connectionAttempts: 2 } }) }, { primary: url });
      const get = await send(edge, 'GET', '/page');
      expect([get.status, h(get, 'x-edge-origin'), h(get, 'x-edge-attempts'), h(get, 'x-edge-failover')]).toEqual([
        200,
        'secondary',
        'primary=2,secondary=1',
        'connect-timeout',
      ]);
      const write = await send(edge, 'POST', '/api/x', { body: '{}' });
      expect([write.status, h(write, 'x-edge-origin'), h(write, 'x-edge-attempts')]).toEqual([504, 'primary', 'primary=2']);
      expect(edgeReason(write)).toContain('primary origin (connect-timeout');
    } finally {
      await unreachable.release();
    }
  }, 30_000);

  test('a dropped connection fails over as connect-failed', async () => {
    const edge = await edgeWith();
    origins.primary.behaviour = { status: 200, drop: true };
    const r = await send(edge, 'GET', '/page');
    expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-edge-failover')]).toEqual([200, 'secondary', 'connect-failed']);
  });

  test('an answer within the response timeout is the answer, its body even when it comes in slow chunks', async () => {
    const edge = await edgeWith();
    origins.primary.behaviour = { status: 200, delayMs: 300 };
    const slow = await send(edge, 'GET', '/slow');
    expect([slow.status, h(slow, 'x-edge-origin'), h(slow, 'x-edge-attempts')]).toEqual([200, 'primary', 'primary=1']);
    origins.primary.behaviour = { status: 200, chunkGapMs: 300 };
    const chunks = await send(edge, 'GET', '/chunks');
    expect([chunks.status, chunks.body]).toEqual([200, 'first,second']);
  });

  test('a stall of this process is no time the origin took: an answer that came while the edge could not run is read, not timed out', async () => {
    // The origin answers 300 ms after the request; this process then stalls for 1.5 s, past the 1 s
    // response timeout. CloudFront is not stalled by this machine: the answer came within its timeout.
    const edge = await edgeWith();
    origins.primary.behaviour = { status: 200, delayMs: 300 };
    const answer = send(edge, 'GET', '/stalled-edge');
    while (!origins.primary.seen.some((s) => s.url === '/stalled-edge')) await new Promise((r) => setTimeout(r, 5));
    stall(1_500);
    const r = await answer;
    expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-edge-attempts'), h(r, 'x-edge-failover')]).toEqual([
      200,
      'primary',
      'primary=1',
      undefined,
    ]);
  });

  test('a body that stops for longer than the response timeout is cut off, and logged', async () => {
    const logs: string[] = [];
    const edge = await edgeWith({ log: (m) => logs.push(m) });
    origins.primary.behaviour = { status: 200, chunkGapMs: 1_500 };
    await expect(send(edge, 'GET', '/stalled')).rejects.toThrow();
    expect(logs.join('\n')).toMatch(/response from primary cut off: UND_ERR_BODY_TIMEOUT/);
  });

  test('a response timeout: GET and HEAD are retried per attempt and fail over; OPTIONS fails over unretried; POST is not retried and gets 504', async () => {
    // CloudFront Developer Guide, "Values that you specify when you create or update a distribution",
    // Response timeout: GET and HEAD requests are retried per connection attempt, other methods are not.
    const edge = await edgeWith({ rules: rules({}, { primary: { connectionAttempts: 2 } }) });
    origins.primary.behaviour = { status: 200, delayMs: 1_400 };
    for (const method of ['GET', 'HEAD']) {
      const r = await send(edge, method, '/page');
      expect([method, r.status, h(r, 'x-edge-attempts'), h(r, 'x-edge-failover')]).toEqual([
        method,
        200,
        'primary=2,secondary=1',
        'read-timeout',
      ]);
    }
    const options = await send(edge, 'OPTIONS', '/page');
    expect([options.status, h(options, 'x-edge-attempts'), h(options, 'x-edge-failover')]).toEqual([
      200,
      'primary=1,secondary=1',
      'read-timeout',
    ]);
    const post = await send(edge, 'POST', '/api/x', { body: '{}' });
    expect([post.status, h(post, 'x-edge-origin'), h(post, 'x-edge-attempts')]).toEqual([504, 'primary', 'primary=1']);
  }, 30_000);
});

test('a viewer that goes away cancels the origin request; it is no origin failure: not retried, not logged, nothing answered', async () => {
  const logs: string[] = [];
  const statuses: number[] = [];
  const edge = await edgeWith({
    rules: rules({}, { primary: { connectionAttempts: 3 } }),
    log: (m) => logs.push(m),
    onViewerResponse: (s) => statuses.push(s),
  });
  origins.primary.behaviour = { status: 200, delayMs: 600 };
  await expect(request(`${edge.url}/gone`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
  await new Promise((r) => setTimeout(r, 800));
  expect(origins.primary.cancelled).toContain('/gone');
  expect(origins.primary.seen).toHaveLength(1);
  expect(origins.secondary.seen).toEqual([]);
  expect(logs).toEqual([]);
  expect(statuses).toEqual([]);
});

describe('what the origin gets', () => {
  test('its custom headers over the viewer’s; no hop-by-hop or x-edge-* headers; its own Host; X-Forwarded-For appended', async () => {
    const edge = await edgeWith();
    await send(edge, 'GET', '/page', {
      headers: {
        'x-origin-verify': 'forged',
        'x-edge-origin': 'forged',
        'proxy-authorization': 'Basic dmlld2VyOnNlY3JldA==',
        'x-forwarded-for': '192.0.2.1',
        host: 'viewer.example',
        'x-keep': 'k',
      },
    });
    const got = origins.primary.seen[0]!.headers;
    expect(got['x-origin-verify']).toBe('primary-secret');
    expect([got['x-edge-origin'], got['proxy-authorization']]).toEqual([undefined, undefined]);
    expect(got.host).toBe(new URL(origins.primary.url).host);
    expect(got['x-forwarded-for']).toBe('192.0.2.1,127.0.0.1');
    expect(got['x-keep']).toBe('k');
    await send(edge, 'GET', '/page');
    expect(origins.primary.seen[1]!.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  test('requests to an origin within its keep-alive timeout reuse one connection, with or without a Keep-Alive hint from it', async () => {
    // CloudFront Developer Guide, "Values that you specify when you create or update a distribution",
    // Keep-alive timeout: how long CloudFront keeps a connection to the origin open after the last response.
    const server = origins.primary.server;
    const ports: number[][] = [];
    try {
      for (const hint of [5_000, 0]) {
        server.keepAliveTimeout = hint; // 0: Node sends no Keep-Alive header and keeps idle connections
        const edge = await edgeWith();
        origins.primary.seen.length = 0;
        await send(edge, 'GET', '/ka');
        await new Promise((r) => setTimeout(r, 100)); // idle, far inside the 5 s keep-alive timeout
        await send(edge, 'GET', '/ka');
        ports.push(origins.primary.seen.map((s) => s.remotePort));
      }
    } finally {
      server.keepAliveTimeout = 5_000;
    }
    for (const p of ports) expect(new Set(p).size).toBe(1);
  });

  test('the secondary gets its own custom headers', async () => {
    const edge = await edgeWith();
    origins.primary.behaviour = { status: 503 };
    await send(edge, 'GET', '/page');
    expect(origins.secondary.seen[0]!.headers['x-origin-verify']).toBe('secondary-secret');
  });

  test('under AllViewer the viewer’s Host reaches the origin', async () => {
    const allViewer = ORIGIN_REQUEST_POLICIES[MANAGED_ORIGIN_REQUEST_POLICY.AllViewer]!;
    const edge = await edgeWith({ rules: rules({ defaultBehavior: behavior({ originRequestPolicy: allViewer }) }) });
    await send(edge, 'GET', '/page', { headers: { host: 'viewer.example' } });
    expect(origins.primary.seen[0]!.headers.host).toBe('viewer.example');
  });
});

describe('the answer the viewer gets', () => {
  test('an answer larger than the socket buffers reaches a viewer whole', async () => {
    const edge = await edgeWith();
    const body = 'x'.repeat(2 * 1024 * 1024);
    origins.primary.behaviour = { status: 200, body };
    const r = await send(edge, 'GET', '/large');
    expect([r.status, r.body.length, r.body === body]).toEqual([200, body.length, true]);
  });

  test('an error inside the edge is answered with 500 from the edge and logged, never left waiting', async () => {
    // A function answer with a status HTTP cannot carry makes the edge fail writing it. What
    // CloudFront answers then is not modelled; the edge's own rule is that the viewer gets an answer.
    const logs: string[] = [];
    const edge = await edgeWith({
      viewerRequestFunctions: new Map([
        ['default', new ViewerRequestFunction({ code: `function handler(event) { return { statusCode: 'none' }; }` })],
      ]),
      log: (m) => logs.push(m),
    });
    const r = await send(edge, 'GET', '/internal');
    expect([r.status, h(r, 'x-edge-origin'), edgeReason(r)]).toEqual([500, 'none', 'internal error in the local edge']);
    expect(logs.join('\n')).toMatch(/edge: internal error: .*status code/i);
    expect(origins.primary.seen.length + origins.secondary.seen.length).toBe(0);
  });

  test('the origin’s headers without hop-by-hop ones, with X-Cache, Via and who answered', async () => {
    const edge = await edgeWith();
    const r = await send(edge, 'GET', '/page');
    expect([r.status, r.body, h(r, 'x-cache'), h(r, 'x-edge-origin'), h(r, 'x-served-by')]).toEqual([
      200,
      'primary GET /page',
      'Miss from cloudfront',
      'primary',
      'primary',
    ]);
    expect(h(r, 'via')).toMatch(/^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    expect(h(r, 'proxy-authenticate')).toBeUndefined();
    expect(h(r, 'x-edge-cache-ttl')).toBeUndefined();
  });
});

test('X-Cache is Error from cloudfront for every answer from 400 up, Miss or Hit below: relayed, cached, or from the cache', async () => {
  // docs/aws-behaviour/fidelity.md, Headers: the X-Cache values CloudFront answers with.
  const optimized = CACHE_POLICIES[MANAGED_CACHE_POLICY.CachingOptimized];
  const edge = await edgeWith({
    rules: rules({ failoverStatusCodes: [404], defaultBehavior: behavior({ cachePolicy: optimized }) }),
  });
  const seen: [number, string, unknown][] = [];
  for (const status of [399, 400]) {
    // Not cached: 399 is no cacheable success, 400 without max-age no cached error.
    origins.primary.behaviour = { status };
    const r = await send(edge, 'GET', `/relayed-${status}`);
    seen.push([r.status, 'relayed', h(r, 'x-cache')]);
    // Cached (a 400 with max-age is, HTTPStatusCodes), then answered from the cache.
    origins.primary.behaviour = { status: status === 399 ? 200 : 400, cacheControl: 'max-age=60' };
    const miss = await send(edge, 'GET', `/cached-${status}`);
    const hit = await send(edge, 'GET', `/cached-${status}`);
    seen.push([miss.status, 'stored', h(miss, 'x-cache')], [hit.status, 'from the cache', h(hit, 'x-cache')]);
  }
  expect(seen).toEqual([
    [399, 'relayed', 'Miss from cloudfront'],
    [200, 'stored', 'Miss from cloudfront'],
    [200, 'from the cache', 'Hit from cloudfront'],
    [400, 'relayed', 'Error from cloudfront'],
    [400, 'stored', 'Error from cloudfront'],
    [400, 'from the cache', 'Error from cloudfront'],
  ]);
});

describe('caching', () => {
  const optimized = CACHE_POLICIES[MANAGED_CACHE_POLICY.CachingOptimized];
  const cachingEdge = (over: Partial<EdgeRules> = {}) =>
    edgeWith({ rules: rules({ defaultBehavior: behavior({ cachePolicy: optimized }), ...over }) });

  test('a success is cached for its max-age: a Miss, then Hits with Age, one origin request; the query string is not in the key', async () => {
    const edge = await cachingEdge();
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60' };
    const miss = await send(edge, 'GET', '/c?drill=1');
    expect([h(miss, 'x-cache'), h(miss, 'x-edge-cache-ttl'), Number(h(miss, 'content-length'))]).toEqual([
      'Miss from cloudfront',
      '60',
      Buffer.byteLength(miss.body),
    ]);
    expect(h(miss, 'proxy-authenticate')).toBeUndefined();
    const hit = await send(edge, 'GET', '/c?drill=2');
    expect([hit.status, hit.body, h(hit, 'x-cache'), h(hit, 'x-edge-origin'), h(hit, 'age')]).toEqual([
      200,
      miss.body,
      'Hit from cloudfront',
      'primary',
      '0',
    ]);
    expect(Number(h(hit, 'content-length'))).toBe(Buffer.byteLength(hit.body));
    expect(h(hit, 'via')).toBe(h(miss, 'via'));
    expect(h(hit, 'proxy-authenticate')).toBeUndefined();
    expect(origins.primary.seen).toHaveLength(1);
  });

  test('HEAD is cached apart from GET and answered without a body; OPTIONS is not cached', async () => {
    const edge = await cachingEdge();
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60' };
    const heads = [await send(edge, 'HEAD', '/h'), await send(edge, 'HEAD', '/h')];
    // The behavior caches GET and HEAD only.
    expect(heads.map((r) => [r.status, r.body, h(r, 'x-cache')])).toEqual([
      [200, '', 'Miss from cloudfront'],
      [200, '', 'Hit from cloudfront'],
    ]);
    const get = await send(edge, 'GET', '/h');
    expect([get.body, h(get, 'x-cache')]).toEqual(['primary GET /h', 'Miss from cloudfront']);
    await send(edge, 'OPTIONS', '/h');
    const options = await send(edge, 'OPTIONS', '/h');
    expect([h(options, 'x-cache'), h(options, 'x-edge-cache-ttl')]).toEqual(['Miss from cloudfront', undefined]);
    expect(origins.primary.seen.map((s) => s.method)).toEqual(['HEAD', 'GET', 'OPTIONS', 'OPTIONS']);
  });

  test('OPTIONS is cached when the behavior’s cached methods name it', async () => {
    const edge = await edgeWith({
      rules: rules({ defaultBehavior: behavior({ cachePolicy: optimized, cachedMethods: ['GET', 'HEAD', 'OPTIONS'] }) }),
    });
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60' };
    await send(edge, 'OPTIONS', '/o');
    const again = await send(edge, 'OPTIONS', '/o');
    expect([h(again, 'x-cache'), again.body]).toEqual(['Hit from cloudfront', 'primary OPTIONS /o']);
    expect(origins.primary.seen).toHaveLength(1);
  });

  test('a POST is never cached, whatever the cache policy', async () => {
    const edge = await edgeWith({
      rules: rules({
        orderedBehaviors: [
          behavior({
            pathPattern: '/api/*',
            allowedMethods: ALL_METHODS,
            cachePolicy: optimized,
            target: { kind: 'origin', role: 'primary' },
          }),
        ],
      }),
    });
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60' };
    const posts = [await send(edge, 'POST', '/api/p', { body: '1' }), await send(edge, 'POST', '/api/p', { body: '2' })];
    expect(posts.map((p) => [h(p, 'x-cache'), h(p, 'x-edge-cache-ttl')])).toEqual([
      ['Miss from cloudfront', undefined],
      ['Miss from cloudfront', undefined],
    ]);
    expect(origins.primary.seen.map((s) => s.body)).toEqual(['1', '2']);
  });

  test('several Cache-Control headers are read together', async () => {
    const edge = await cachingEdge();
    origins.primary.behaviour = { status: 200, cacheControl: ['public', 'max-age=30'] };
    expect(h(await send(edge, 'GET', '/cc'), 'x-edge-cache-ttl')).toBe('30');
  });

  test('an answer cut off mid-body is cut off for the viewer too, logged, and not cached', async () => {
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    for (const edge of [
      await edgeWith({ rules: rules({ defaultBehavior: behavior({ cachePolicy: optimized }) }), log }),
      await edgeWith({ log }),
    ]) {
      origins.primary.seen.length = 0;
      origins.primary.behaviour = { status: 200, cutOff: true };
      await expect(send(edge, 'GET', '/cut')).rejects.toThrow();
      expect(logs.splice(0).join('\n')).toMatch(/response from primary cut off/);
      origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60' };
      expect((await send(edge, 'GET', '/cut')).status).toBe(200);
      expect(origins.primary.seen).toHaveLength(2);
    }
  });

  test('a GET the behavior does not cache is not cached', async () => {
    const edge = await edgeWith({
      rules: rules({ defaultBehavior: behavior({ cachePolicy: optimized, cachedMethods: ['HEAD'] }) }),
    });
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60' };
    await send(edge, 'GET', '/n');
    const again = await send(edge, 'GET', '/n');
    expect(h(again, 'x-cache')).toBe('Miss from cloudfront');
    expect(origins.primary.seen).toHaveLength(2);
  });

  test('under CachingDisabled a success is not cached', async () => {
    const edge = await edgeWith();
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60' };
    await send(edge, 'GET', '/d');
    expect(h(await send(edge, 'GET', '/d'), 'x-cache')).toBe('Miss from cloudfront');
    expect(origins.primary.seen).toHaveLength(2);
  });

  test('an error outside the failover criteria is cached for 10 s, answered as Error from cloudfront', async () => {
    const edge = await edgeWith({ rules: rules({ failoverStatusCodes: [404, 502, 503, 504] }) });
    origins.primary.behaviour = { status: 500 };
    const first = await send(edge, 'GET', '/e');
    const second = await send(edge, 'GET', '/e');
    expect([first.status, h(first, 'x-edge-cache-ttl'), h(first, 'x-cache')]).toEqual([500, '10', 'Error from cloudfront']);
    expect([second.status, h(second, 'x-cache'), h(second, 'age')]).toEqual([500, 'Error from cloudfront', '0']);
    expect(origins.primary.seen).toHaveLength(1);
  });

  test('a stale success is served when the origin answers a 5xx, or no origin answers', async () => {
    const edge = await cachingEdge({ failoverStatusCodes: [404] });
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=1', body: 'fresh' };
    await send(edge, 'GET', '/s');
    await new Promise((r) => setTimeout(r, 1_100));
    origins.primary.behaviour = { status: 500, cacheControl: 'no-store' };
    const on5xx = await send(edge, 'GET', '/s');
    expect([on5xx.status, on5xx.body, h(on5xx, 'x-cache'), h(on5xx, 'x-edge-origin')]).toEqual([
      200,
      'fresh',
      'Hit from cloudfront',
      'primary',
    ]);
    expect(Number(h(on5xx, 'age'))).toBeGreaterThanOrEqual(1);
    origins.primary.behaviour = { status: 200, drop: true };
    origins.secondary.behaviour = { status: 200, drop: true };
    const dropped = await send(edge, 'GET', '/s');
    expect([dropped.status, dropped.body, h(dropped, 'x-cache')]).toEqual([200, 'fresh', 'Hit from cloudfront']);
    // A 4xx is the answer: the stale copy stands in for 5xx only.
    origins.primary.behaviour = { status: 403 };
    const forbidden = await send(edge, 'GET', '/s');
    expect([forbidden.status, h(forbidden, 'x-cache')]).toEqual([403, 'Error from cloudfront']);
    // Once the origin answers a success again, it is cached anew.
    origins.primary.behaviour = { status: 200, cacheControl: 'max-age=60', body: 'new' };
    expect((await send(edge, 'GET', '/s')).body).toBe('new');
  });

  test('a stale error is never served in place of an answer', async () => {
    const edge = await edgeWith({ rules: rules({ failoverStatusCodes: [404], errorCachingTtls: new Map([[500, 1]]) }) });
    origins.primary.behaviour = { status: 500 };
    await send(edge, 'GET', '/se');
    await new Promise((r) => setTimeout(r, 1_100));
    origins.primary.behaviour = { status: 502, cacheControl: 'no-store' };
    const r = await send(edge, 'GET', '/se');
    expect(r.status).toBe(502);
    origins.primary.behaviour = { status: 200, drop: true };
    origins.secondary.behaviour = { status: 200, drop: true };
    expect((await send(edge, 'GET', '/se')).status).toBe(502);
  });

  test('a stale 400 is an error too: never served in place of a 5xx or of no answer', async () => {
    // A 400 with max-age is cached (HTTPStatusCodes, "HTTP 4xx and 5xx status codes that CloudFront
    // caches"); the stale copy CloudFront serves in place of a 5xx is a success (fidelity.md, Cache policies).
    const edge = await edgeWith({ rules: rules({ failoverStatusCodes: [404], errorCachingTtls: new Map([[400, 1]]) }) });
    origins.primary.behaviour = { status: 400, cacheControl: 'max-age=1', body: 'bad' };
    expect((await send(edge, 'GET', '/s400')).status).toBe(400);
    await new Promise((r) => setTimeout(r, 1_100));
    origins.primary.behaviour = { status: 502, cacheControl: 'no-store' };
    expect((await send(edge, 'GET', '/s400')).status).toBe(502);
    origins.primary.behaviour = { status: 200, drop: true };
    origins.secondary.behaviour = { status: 200, drop: true };
    expect((await send(edge, 'GET', '/s400')).status).toBe(502);
  });

  test('an uncached error replaces the stale copy; an uncached success leaves it to stand in for a later 5xx', async () => {
    // The stale copy stands in for a 5xx while the object is in the edge cache (fidelity.md, Cache
    // policies). The local edge drops it once the origin has answered an error it does not cache
    // (a 400 without max-age), so a later failure is not answered with the older success; an
    // answer that is no error and not cached (202) leaves it in place.
    const drop = () => {
      origins.primary.behaviour = { status: 200, drop: true };
      origins.secondary.behaviour = { status: 200, drop: true };
    };
    const edge = await cachingEdge({ failoverStatusCodes: [404] });
    const answers: [string, number, string][] = [];
    for (const [path, between] of [
      ['/after-400', 400],
      ['/after-202', 202],
    ] as const) {
      origins.primary.behaviour = { status: 200, cacheControl: 'max-age=1', body: 'fresh' };
      await send(edge, 'GET', path);
      await new Promise((r) => setTimeout(r, 1_100));
      origins.primary.behaviour = { status: between };
      expect((await send(edge, 'GET', path)).status).toBe(between);
      drop();
      const r = await send(edge, 'GET', path);
      answers.push([path, r.status, r.status === 200 ? r.body : '']);
    }
    expect(answers).toEqual([
      ['/after-400', 502, ''],
      ['/after-202', 200, 'fresh'],
    ]);
  });
});

describe('viewer-request functions', () => {
  const fn = (body: string) => new ViewerRequestFunction({ code: `import cf from 'cloudfront';\nfunction handler(event) {\n${body}\n}` });

  test('a function that selects an origin sends the request there alone; a header it adds reaches it, an x-edge-* one does not', async () => {
    const edge = await edgeWith({
      viewerRequestFunctions: new Map([
        [
          'default',
          fn(
            `cf.selectRequestOriginById('secondary-origin'); event.request.headers['x-added'] = { value: 'yes' }; event.request.headers['x-edge-origin'] = { value: 'forged' }; return event.request;`,
          ),
        ],
      ]),
    });
    // The function sees the viewer's hop-by-hop headers and hands them back unchanged: they still do not reach the origin.
    const r = await send(edge, 'GET', '/f', { headers: { 'proxy-authorization': 'Basic dmlld2VyOnNlY3JldA==' } });
    expect([r.status, h(r, 'x-edge-origin'), h(r, 'x-edge-function'), h(r, 'x-edge-attempts')]).toEqual([
      200,
      'secondary',
      'origin=secondary-origin',
      'secondary=1',
    ]);
    expect(origins.primary.seen).toEqual([]);
    const got = origins.secondary.seen[0]!.headers;
    expect([got['x-added'], got['x-edge-origin'], got['proxy-authorization']]).toEqual(['yes', undefined, undefined]);
  });

  test('a function that passes the request on leaves the behavior’s target; it runs for its own behavior only', async () => {
    const edge = await edgeWith({ viewerRequestFunctions: new Map([['/api/*', fn('return event.request;')]]) });
    origins.primary.behaviour = { status: 503 };
    const api = await send(edge, 'POST', '/api/x', { body: '{}' });
    expect([api.status, h(api, 'x-edge-function'), h(api, 'x-edge-origin')]).toEqual([503, 'request', 'primary']);
    const page = await send(edge, 'GET', '/page');
    expect([page.status, h(page, 'x-edge-function'), h(page, 'x-edge-origin')]).toEqual([200, undefined, 'secondary']);
  });

  test('the function sees the request id the viewer and the origin get', async () => {
    const edge = await edgeWith({
      viewerRequestFunctions: new Map([
        ['default', fn(`event.request.headers['x-seen-id'] = { value: event.context.requestId }; return event.request;`)],
      ]),
    });
    const r = await send(edge, 'GET', '/id');
    expect(origins.primary.seen[0]!.headers['x-seen-id']).toBe(h(r, 'x-amz-cf-id'));
  });

  test('a function’s response is the answer; a failing function gets 503; no origin sees either', async () => {
    const answers = await edgeWith({ viewerRequestFunctions: new Map([['default', fn('return { statusCode: 302 };')]]) });
    const r = await send(answers, 'GET', '/r');
    expect([r.status, h(r, 'x-edge-function'), h(r, 'x-edge-origin')]).toEqual([302, 'response-302', 'none']);
    expect(edgeReason(r)).toMatch(/CloudFront function/);
    const logs: string[] = [];
    const fails = await edgeWith({
      viewerRequestFunctions: new Map([['default', fn('throw new Error("boom");')]]),
      log: (m) => logs.push(m),
    });
    const e = await send(fails, 'GET', '/r');
    expect([e.status, h(e, 'x-edge-function'), h(e, 'x-edge-origin')]).toEqual([503, 'error', 'none']);
    expect(e.body).toContain('FunctionExecutionError');
    expect(logs.join('\n')).toContain('boom');
    expect(origins.primary.seen.length + origins.secondary.seen.length).toBe(0);
  });
});

describe('listening and closing', () => {
  test('url, no HTTPS without a certificate; close is idempotent and stops listening', async () => {
    const edge = await edgeWith();
    expect(edge.url).toBe(`http://127.0.0.1:${edge.port}`);
    expect([edge.httpsPort, edge.httpsUrl]).toEqual([undefined, undefined]);
    await edge.close();
    await edge.close();
    await expect(request(`${edge.url}/`)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('without a certificate the viewer protocol policy is not applied: HTTP is served', async () => {
    const edge = await edgeWith({ rules: rules({ defaultBehavior: behavior({ viewerProtocolPolicy: 'https-only' }) }) });
    expect((await send(edge, 'GET', '/plain')).status).toBe(200);
  });

  test('the edge listens on 127.0.0.1 alone: another loopback address is refused', async () => {
    const edge = await edgeWith();
    expect((await send(edge, 'GET', '/lo')).status).toBe(200);
    await expect(request(`http://127.0.0.2:${edge.port}/lo`)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('close drops the viewer connections in flight: the viewer is not answered later', async () => {
    const edge = await edgeWith({ rules: rules({}, { primary: { readTimeoutSeconds: 10 } }) });
    origins.primary.behaviour = { status: 200, delayMs: 1_500 };
    const pending = send(edge, 'GET', '/closing');
    while (origins.primary.seen.length === 0) await new Promise((r) => setImmediate(r));
    await edge.close();
    await expect(pending).rejects.toThrow();
  });

  test('close closes the connections to the origins, also those kept alive', async () => {
    // The origin sends no Keep-Alive hint and never closes an idle connection itself; the edge
    // keeps it for the origin keep-alive timeout (60 s here): only close() ends it sooner.
    const server = origins.primary.server;
    const sockets: import('node:net').Socket[] = [];
    const track = (s: import('node:net').Socket) => sockets.push(s);
    server.on('connection', track);
    server.keepAliveTimeout = 0;
    try {
      const edge = await edgeWith({ rules: rules({}, { primary: { keepaliveTimeoutSeconds: 60 } }) });
      expect((await send(edge, 'GET', '/kept')).status).toBe(200);
      expect(sockets).toHaveLength(1);
      const closed = sockets.map((s) => (s.destroyed ? Promise.resolve() : new Promise((r) => s.once('close', r))));
      await edge.close();
      await Promise.all(closed);
    } finally {
      server.off('connection', track);
      server.keepAliveTimeout = 5_000;
    }
  });

  test('a port in use is an error that says so', async () => {
    const first = await edgeWith();
    const err = await edgeWith({ port: first.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudFrontModelError);
    expect((err as Error).message).toMatch(/could not listen on 127\.0\.0\.1: .*EADDRINUSE/);
    expect(((err as Error).cause as { code?: string }).code).toBe('EADDRINUSE');
    // The port is taken by something outside the edge: an external error, not one of the model.
    expect((err as CloudFrontModelError).kind).toBe('external');
  });

  const withOpenssl = testUnless(opensslMissing);
  withOpenssl('with a certificate: the viewer protocol policy applies to HTTP viewers only', async () => {
    const tls = await generateLocalCertificate();
    const edge = await edgeWith({
      tls,
      rules: rules({
        defaultBehavior: behavior({ viewerProtocolPolicy: 'redirect-to-https' }),
        orderedBehaviors: [
          behavior({
            pathPattern: '/api/*',
            allowedMethods: ALL_METHODS,
            viewerProtocolPolicy: 'https-only',
            target: { kind: 'origin', role: 'primary' },
          }),
          behavior({ pathPattern: '/open/*', viewerProtocolPolicy: 'allow-all' }),
        ],
      }),
    });
    expect(edge.httpsUrl).toBe(`https://127.0.0.1:${edge.httpsPort}`);
    expect(edge.httpsPort).not.toBe(edge.port);
    const get = await send(edge, 'GET', '/page?x=1');
    expect([get.status, h(get, 'location'), h(get, 'x-edge-origin')]).toEqual([301, `${edge.httpsUrl}/page?x=1`, 'none']);
    const options = await send(edge, 'OPTIONS', '/page');
    expect([options.status, h(options, 'location')]).toEqual([307, `${edge.httpsUrl}/page`]);
    const write = await send(edge, 'POST', '/api/x', { body: '{}' });
    expect([write.status, h(write, 'location')]).toEqual([403, undefined]);
    expect((await send(edge, 'GET', '/open/x')).status).toBe(200);
    const agent = new Agent({ connect: { ca: tls.cert } });
    try {
      const res = await request(`${edge.httpsUrl}/api/x`, { method: 'POST', body: '{}', dispatcher: agent });
      expect([res.statusCode, res.headers['x-edge-origin']]).toEqual([200, 'primary']);
      await res.body.dump();
    } finally {
      await agent.close();
    }
    expect(origins.primary.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /open/x', 'POST /api/x']);
  });
});
