/** The one endpoint routes App Runner calls to the App Runner emulator and the rest to moto. */
import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import { Router } from '../../emulator/router.js';

const upstream = (name: string) =>
  new Promise<{ server: Server; url: string }>((resolve) => {
    const server = createServer((req, res) => {
      req.resume();
      res.end(JSON.stringify({ name, path: req.url }));
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
  });

let moto: Awaited<ReturnType<typeof upstream>>;
let appRunner: Awaited<ReturnType<typeof upstream>>;
let router: Router;
beforeAll(async () => {
  [moto, appRunner] = await Promise.all([upstream('moto'), upstream('apprunner')]);
  router = await Router.start({ moto: moto.url, appRunner: appRunner.url });
});
afterAll(async () => {
  await router.close();
  for (const u of [moto, appRunner]) await new Promise((r) => u.server.close(r));
});

const via = async (headers: Record<string, string>, path = '/') => {
  const r = await request(`${router.url}${path}`, { method: 'POST', headers, body: '{}' });
  return { ...((await r.body.json()) as { name: string; path: string }), connection: r.headers.connection };
};
const scope = (service: string) => `AWS4-HMAC-SHA256 Credential=AKIAEMULATOREXAMPLE/20260101/us-west-2/${service}/aws4_request, SignedHeaders=host, Signature=0`;

test('by X-Amz-Target prefix', async () => {
  expect(await via({ 'x-amz-target': 'AppRunner.DescribeService' })).toEqual({ name: 'apprunner', path: '/', connection: 'close' });
  expect((await via({ 'x-amz-target': 'AmazonSNS.Publish' })).name).toBe('moto');
});

test('by the SigV4 credential scope service', async () => {
  expect((await via({ authorization: scope('apprunner') })).name).toBe('apprunner');
  expect((await via({ authorization: scope('cloudfront') }, '/2020-05-31/distribution')).name).toBe('moto');
  expect((await via({})).name).toBe('moto');
});
