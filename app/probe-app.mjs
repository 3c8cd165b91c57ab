// The probe app: what each region serves, in AWS and in the local world.
// Plain JavaScript with no dependencies, so the stock Node image runs it as is
// (see app/README.md for how it reaches App Runner).
//
// Environment:
//   PORT                   port to listen on (default 8080)
//   HOST                   address to bind (default 0.0.0.0)
//   PROBE_ROLE             primary | secondary
//   PROBE_REGION           the AWS region (or "local")
//   ORIGIN_VERIFY_HEADER   header name CloudFront adds to origin requests (default x-origin-verify)
//   ORIGIN_VERIFY_SECRET   when set, requests without that header and value get 403 (except /health)
import { createServer } from 'node:http';
import { randomUUID, timingSafeEqual } from 'node:crypto';

const role = process.env.PROBE_ROLE || 'unknown';
const region = process.env.PROBE_REGION || 'unknown';
const verifyHeader = (process.env.ORIGIN_VERIFY_HEADER || 'x-origin-verify').toLowerCase();
const verifySecret = process.env.ORIGIN_VERIFY_SECRET || '';
const servedBy = `${role}/${region}`;
const startedAt = new Date().toISOString();

function verified(req) {
  if (!verifySecret) return true;
  const got = Buffer.from(String(req.headers[verifyHeader] ?? ''));
  const want = Buffer.from(verifySecret);
  return got.length === want.length && timingSafeEqual(got, want);
}

const server = createServer((req, res) => {
  const requestId = String(req.headers['x-request-id'] ?? randomUUID());
  const path = (req.url ?? '/').split('?')[0];
  res.setHeader('x-served-by', servedBy);
  res.setHeader('x-request-id', requestId);
  res.setHeader('cache-control', 'no-store');

  const send = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  };

  // Drain any request body before answering, so keep-alive connections stay usable.
  req.resume();
  req.on('end', () => {
    if (path === '/health') return send(200, { status: 'ok', role, region });
    if (!verified(req)) return send(403, { error: 'origin verification failed', role, region });
    // host: what the Host header said, so a drill can check the edge does not forward the viewer's.
    send(200, {
      role,
      region,
      servedBy,
      requestId,
      method: req.method,
      path,
      host: req.headers.host ?? null,
      startedAt,
      time: new Date().toISOString(),
    });
  });
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT || 8080), process.env.HOST || '0.0.0.0', () => {
  const addr = server.address();
  console.log(JSON.stringify({ msg: 'probe app listening', servedBy, port: typeof addr === 'object' && addr ? addr.port : null }));
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
