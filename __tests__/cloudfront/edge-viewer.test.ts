/**
 * What the local edge says to viewers itself: request ids, Via, the bodies it reads and the answers
 * it makes, and the viewer request as a CloudFront Function sees it. Against a real HTTP server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { EDGE_HEADERS, VIA, edgeError, functionRequest, newCfId, readBody } from '../../harness/cloudfront/edge-viewer.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
let server: Server;
let handler: Handler;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function send(method: string, path: string, init: { headers?: Record<string, string | string[]>; body?: string } = {}) {
  const res = await request(`${base}${path}`, { method: method as 'GET', headers: init.headers, body: init.body });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

describe('ids and Via', () => {
  test('X-Amz-Cf-Id: 56 characters of URL-safe base64, a new one each time', () => {
    const ids = Array.from({ length: 200 }, newCfId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{54}==$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('Via names a cloudfront.net host', () => {
    expect(VIA).toMatch(/^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
  });
});

describe('readBody', () => {
  const reading = (max: number) => {
    handler = async (req, res) => {
      const body = await readBody(req, max);
      res.end(JSON.stringify(body === undefined ? 'none' : body === 'too-large' ? body : body.toString('utf8')));
    };
  };

  test('no body is none; a body up to the limit is read whole, in order', async () => {
    reading(10);
    expect((await send('POST', '/')).body).toBe('"none"');
    expect((await send('POST', '/', { body: '0123456789' })).body).toBe('"0123456789"');
  });

  test('one byte over the limit is too large', async () => {
    reading(10);
    expect((await send('POST', '/', { body: '0123456789a' })).body).toBe('"too-large"');
  });

  test('a body over the limit in many chunks is too large, and the viewer still gets the answer', async () => {
    reading(1_000);
    expect((await send('POST', '/', { body: 'x'.repeat(64 * 1024) })).body).toBe('"too-large"');
  });
});

describe('edgeError', () => {
  test('answers in CloudFront’s style: the status, who answered, Error from cloudfront, Via, not to be stored', async () => {
    handler = (_req, res) => edgeError(res, 502, 'primary', 'no answer');
    const r = await send('GET', '/');
    expect(r.status).toBe(502);
    expect(r.headers[EDGE_HEADERS.origin]).toBe('primary');
    expect(r.headers['x-cache']).toBe('Error from cloudfront');
    expect(r.headers.via).toBe(VIA);
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
    expect(r.body).toContain('502 ERROR');
    expect(r.body).toContain('The request could not be satisfied');
    expect(r.body).toContain('<p>no answer</p>');
  });

  test('the reason is escaped; the length counts bytes, not characters', async () => {
    handler = (_req, res) => edgeError(res, 403, 'none', 'a <b> & "c" – é');
    const r = await send('GET', '/');
    expect(r.body).toContain('<p>a &lt;b&gt; &amp; &quot;c&quot; – é</p>');
    expect(r.body).not.toContain('<b>');
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
  });

  test('a HEAD gets the headers without the body', async () => {
    handler = (_req, res) => edgeError(res, 503, 'none', 'x');
    const r = await send('HEAD', '/');
    expect(r.status).toBe(503);
    expect(r.body).toBe('');
    expect(Number(r.headers['content-length'])).toBeGreaterThan(0);
  });
});

describe('functionRequest: the viewer request as a CloudFront Function sees it', () => {
  const seen = (url?: string) =>
    new Promise<ReturnType<typeof functionRequest>>((resolve) => {
      handler = (req, res) => {
        resolve(functionRequest(req, url ?? req.url!));
        res.end();
      };
    });

  test('uri, query string, headers, cookies', async () => {
    const got = seen();
    await send('POST', '/p/a?x=1&y=two%20words&flag', {
      headers: { 'x-one': 'a', cookie: 'a=1; b = two ; broken; =nameless; c=x=y', accept: ['text/html', 'application/json'] },
    });
    const fr = await got;
    expect(fr.method).toBe('POST');
    expect(fr.uri).toBe('/p/a');
    expect(fr.querystring).toEqual({ x: { value: '1' }, y: { value: 'two words' }, flag: { value: '' } });
    expect(fr.headers['x-one']).toEqual({ value: 'a' });
    expect(fr.headers.accept).toEqual({ value: 'text/html, application/json' });
    expect(fr.headers.cookie).toBeUndefined();
    expect(fr.cookies).toEqual({ a: { value: '1' }, b: { value: 'two' }, c: { value: 'x=y' } });
  });

  test('no query string, no cookies', async () => {
    const got = seen();
    await send('GET', '/plain');
    const fr = await got;
    expect([fr.uri, fr.querystring, fr.cookies]).toEqual(['/plain', {}, {}]);
    expect(fr.method).toBe('GET');
  });

  test('a header that comes as a list is joined with ","; the method is upper-case, GET when absent', () => {
    expect(functionRequest({ method: 'patch', headers: {} } as unknown as IncomingMessage, '/').method).toBe('PATCH');
    const req = { method: undefined, headers: { 'x-list': ['a', 'b'], 'x-none': undefined } } as unknown as IncomingMessage;
    const fr = functionRequest(req, '/');
    expect(fr.headers).toEqual({ 'x-list': { value: 'a,b' } });
    expect(fr.method).toBe('GET');
  });
});
