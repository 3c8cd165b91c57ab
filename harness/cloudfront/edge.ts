/**
 * The local edge: an HTTP server on 127.0.0.1 that makes the per-request decisions a
 * CloudFront origin group makes, with the rules read from the synthesized stack
 * (stack-rules.ts). Origin requests go through undici.
 *
 * Per viewer request:
 * - the first ordered behavior whose path pattern matches wins, else the default behavior;
 * - a method the behavior does not allow, and a GET with a body, get 403 from the edge;
 * - a behavior that targets the origin group tries the primary first, every time (no
 *   sticky state). GET, HEAD and OPTIONS fail over to the secondary when the primary
 *   answers a failover status code, cannot be connected to, or times out; the secondary's
 *   outcome is final;
 * - each origin gets `connection_attempts` tries: every failed or timed-out connection is
 *   retried, and, for GET and HEAD, so is a response timeout (CloudFront Developer Guide,
 *   "Response timeout": other methods are not retried after a response timeout). An
 *   unreachable origin therefore costs attempts × connection_timeout, a hung one attempts ×
 *   origin_read_timeout;
 * - when no origin answers, the viewer gets 502 (connection failed) or 504 (timed out);
 * - headers reach the origin as the behavior's managed origin request policy says: with
 *   AllViewerExceptHostHeader (or none) the origin gets its own domain as Host, with AllViewer
 *   the viewer's Host (which App Runner, and the local fronts, answer with 404); the origin's
 *   custom headers (the origin-verify header) are added, hop-by-hop headers and the viewer's
 *   x-edge-* headers are dropped, X-Amz-Cf-Id is added and X-Forwarded-For gets the viewer's
 *   address appended;
 * - GET and HEAD answers, and OPTIONS ones when the behavior's cached methods name OPTIONS, are
 *   cached (edge-cache.ts) as the behavior's managed cache policy
 *   says for successes, and as the error-caching rules say for errors: per code, for the
 *   custom_error_response's error_caching_min_ttl, 10 s when none sets it (edge-policies.ts).
 *   The cache key leaves the query string out, as both modelled policies do. A stale success
 *   is served when no origin answers or the answer is a 5xx;
 * - responses carry X-Cache (Hit / Miss / Error from cloudfront), Via and X-Amz-Cf-Id, and
 *   diagnostic headers that say what the edge did: x-edge-origin, x-edge-attempts,
 *   x-edge-failover, x-edge-behavior and x-edge-cache-ttl;
 * - request line plus headers may be up to 20,480 bytes, as CloudFront allows; a body up to
 *   `maxBodyBytes` (a local limit, 1 MiB by default: CloudFront states none for this setup).
 *
 * - with a certificate (props.tls), an HTTPS listener as well, and the viewer protocol policy
 *   for HTTP viewers (edge-policies.ts): https-only answers 403; redirect-to-https answers GET
 *   and HEAD with 301 to the HTTPS URL, other methods with 307 (403 below HTTP/1.1).
 *
 * - a behavior with a viewer-request CloudFront Function runs it (edge-function.ts) before
 *   anything goes to an origin: an origin it selects replaces the behavior's target, a
 *   header it adds reaches the origin, a response it returns is the answer, and a function
 *   that fails gets 503 (x-edge-function says which function ran and what it chose);
 *
 * Not modelled: the viewer protocol policy without a certificate (HTTP only), per-PoP caches,
 * request collapsing, Origin Shield, Lambda@Edge, functions on other events, WAF.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Pool, type Dispatcher } from 'undici';
import type { Role, TargetLog } from '../targets/target.js';
import { CloudFrontModelError } from './errors.js';
import { HOP_BY_HOP, stripHopByHop } from './http-headers.js';
import { pathPatternToRegExp } from './path-pattern.js';
import { FAILOVER_METHODS, type BehaviorRules, type EdgeRules, type OriginRules } from './stack-rules.js';
import { EdgeCache } from './edge-cache.js';
import { cacheTtlSeconds, viewerProtocolAnswer } from './edge-policies.js';
import type { ViewerRequestFunction } from './edge-function.js';
import { classify, connectWithin, describe, readTimeout, type FailureReason } from './edge-transport.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  EDGE_HEADERS,
  MAX_REQUEST_HEADER_BYTES,
  VIA,
  edgeError,
  functionRequest,
  newCfId,
  readBody,
} from './edge-viewer.js';

export { DEFAULT_MAX_BODY_BYTES, EDGE_HEADERS, MAX_REQUEST_HEADER_BYTES, newCfId };

/** Methods whose answers CloudFront caches: GET and HEAD always, OPTIONS when the behavior's cached methods say so. */
const CACHEABLE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** Methods CloudFront retries after a response timeout. */
const READ_RETRY_METHODS = ['GET', 'HEAD'];

export interface LocalEdgeProps {
  readonly rules: EdgeRules;
  /** Base URLs of the two origins (their fault fronts). */
  readonly originUrls: Readonly<Record<Role, string>>;
  /** @default - silent */
  readonly log?: TargetLog;
  /** Largest viewer request body the edge accepts, in bytes (a local limit). @default DEFAULT_MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
  /** Port to listen on. @default 0 (a free port) */
  readonly port?: number;
  /**
   * A key and certificate (tls.ts) for an HTTPS listener on a second free port. With it, the
   * behaviors' viewer protocol policies apply to HTTP viewers (redirect-to-https: 301, or 307
   * for other methods than GET and HEAD, to the HTTPS URL; https-only: 403).
   * @default - HTTP only, viewer protocol policies not applied
   */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Viewer-request CloudFront Functions by behavior (path pattern, or "default"). @default - none */
  readonly viewerRequestFunctions?: ReadonlyMap<string, ViewerRequestFunction>;
  /** Called with the status of each response sent to a viewer (what CloudFront's metrics count). @default - none */
  readonly onViewerResponse?: (status: number) => void;
}

type Outcome =
  | { readonly kind: 'response'; readonly attempts: number; readonly response: Dispatcher.ResponseData }
  | { readonly kind: 'failure'; readonly attempts: number; readonly reason: FailureReason; readonly detail: string };

export class LocalEdge {
  readonly port: number;
  private readonly server: Server;
  private readonly origins: Readonly<Record<Role, { rules: OriginRules; pool: Pool; dispatcher: Dispatcher }>>;
  private readonly behaviors: readonly { rules: BehaviorRules; pattern?: RegExp }[];
  private readonly cache = new EdgeCache();
  private secure?: Server;
  private securePort?: number;
  private closed = false;

  private constructor(
    private readonly props: LocalEdgeProps,
    server: Server,
    port: number,
    origins: LocalEdge['origins'],
  ) {
    this.server = server;
    this.port = port;
    this.origins = origins;
    this.behaviors = props.rules.orderedBehaviors.map((rules) => ({ rules, pattern: pathPatternToRegExp(rules.pathPattern ?? '*') }));
  }

  static async start(props: LocalEdgeProps): Promise<LocalEdge> {
    const origin = (role: Role) => {
      const rules = props.rules.origins[role];
      const pool = new Pool(props.originUrls[role], {
        connect: connectWithin(rules.connectionTimeoutSeconds * 1000),
        // The response timeout until the headers arrive is enforced precisely by readTimeout();
        // between body chunks it is undici's body timeout.
        headersTimeout: 0,
        bodyTimeout: rules.readTimeoutSeconds * 1000,
        keepAliveTimeout: rules.keepaliveTimeoutSeconds * 1000,
        keepAliveMaxTimeout: rules.keepaliveTimeoutSeconds * 1000,
      });
      return { rules, pool, dispatcher: pool.compose(readTimeout(rules.readTimeoutSeconds * 1000)) };
    };
    const origins = { primary: origin('primary'), secondary: origin('secondary') };
    const server = createServer({ maxHeaderSize: MAX_REQUEST_HEADER_BYTES });
    server.keepAliveTimeout = 5_000;
    const secure = props.tls
      ? createHttpsServer({ key: props.tls.key, cert: props.tls.cert, maxHeaderSize: MAX_REQUEST_HEADER_BYTES })
      : undefined;
    if (secure) secure.keepAliveTimeout = 5_000;
    let port: number;
    let securePort: number | undefined;
    try {
      port = await listenOn(server, props.port ?? 0);
      if (secure) securePort = await listenOn(secure, 0);
    } catch (e) {
      await new Promise((r) => server.close(r));
      await Promise.all([origins.primary.pool.destroy(), origins.secondary.pool.destroy()]);
      throw new CloudFrontModelError('external', `the local edge could not listen on 127.0.0.1: ${(e as Error).message}`, { cause: e });
    }
    const edge = new LocalEdge(props, server, port, origins);
    edge.secure = secure;
    edge.securePort = securePort;
    for (const s of secure ? [server, secure] : [server]) {
      s.on('request', (req: IncomingMessage, res: ServerResponse) => {
        edge.handle(req, res).catch((e: unknown) => {
          edge.log(`edge: internal error: ${(e as Error).stack ?? String(e)}`);
          if (!res.headersSent) edgeError(res, 500, 'none', 'internal error in the local edge');
          else res.destroy();
        });
      });
    }
    return edge;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The HTTPS listener's port, when the edge was given a certificate. */
  get httpsPort(): number | undefined {
    return this.securePort;
  }

  /** The HTTPS listener's URL, when the edge was given a certificate. */
  get httpsUrl(): string | undefined {
    return this.securePort === undefined ? undefined : `https://127.0.0.1:${this.securePort}`;
  }

  /** Stops listening, drops viewer connections and closes the origin pools. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const servers: Server[] = this.secure ? [this.server, this.secure] : [this.server];
    const stopped = servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve())));
    for (const srv of servers) srv.closeAllConnections();
    await Promise.all(stopped);
    await Promise.all(Object.values(this.origins).map((o) => o.pool.destroy().catch(() => undefined)));
  }

  private log(message: string): void {
    this.props.log?.(message);
  }

  private behaviorFor(path: string): BehaviorRules {
    return this.behaviors.find((b) => b.pattern!.test(path))?.rules ?? this.props.rules.defaultBehavior;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const behavior = this.behaviorFor(path);
    const cfId = newCfId();
    res.setHeader(EDGE_HEADERS.behavior, behavior.pathPattern ?? 'default');
    res.setHeader('x-amz-cf-id', cfId);
    const onViewerResponse = this.props.onViewerResponse;
    if (onViewerResponse) res.once('finish', () => onViewerResponse(res.statusCode));

    // The viewer protocol policy, when the edge has an HTTPS listener to send viewers to.
    const refusal =
      this.securePort !== undefined && !(req.socket as TLSSocket).encrypted
        ? viewerProtocolAnswer(behavior.viewerProtocolPolicy, method, req.httpVersion)
        : undefined;
    if (refusal) {
      req.resume();
      if (refusal.redirect) res.setHeader('location', `${this.httpsUrl}${url}`);
      return edgeError(res, refusal.status, 'none', refusal.reason);
    }

    if (!behavior.allowedMethods.includes(method)) {
      req.resume();
      return edgeError(
        res,
        403,
        'none',
        'This distribution is not configured to allow the HTTP request method that was used for this request.',
      );
    }

    const body = await readBody(req, this.props.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (body === 'too-large') return edgeError(res, 413, 'none', 'The request body is larger than the local edge accepts.');
    // CloudFront answers 403 to a GET request with a body.
    if (method === 'GET' && body !== undefined) return edgeError(res, 403, 'none', 'A GET request must not include a body.');

    // The cached methods are answered from the cache while an entry is fresh.
    const cacheable = behavior.cachedMethods.includes(method) && CACHEABLE_METHODS.includes(method);
    const key = EdgeCache.key(method, url, behavior.cachePolicy.queryStringInKey);
    const cached = cacheable ? this.cache.get(key) : undefined;
    if (cached?.fresh) return this.serveCached(res, cached.entry);

    // The viewer going away cancels whatever the edge is doing for it.
    const viewerGone = new AbortController();
    res.on('close', () => viewerGone.abort());

    const headers = this.originHeaders(req, behavior, cfId);
    let roles: Role[] = behavior.target.kind === 'group' ? ['primary', 'secondary'] : [behavior.target.role];
    const fn = this.props.viewerRequestFunctions?.get(behavior.pathPattern ?? 'default');
    if (fn) {
      const result = await fn.run(functionRequest(req, url), { requestId: cfId });
      if (result.kind === 'error') {
        res.setHeader(EDGE_HEADERS.function, 'error');
        this.log(`edge: viewer-request function failed: ${result.message}`);
        return edgeError(res, 503, 'none', 'The CloudFront function associated with this behavior failed (FunctionExecutionError).');
      }
      if (result.kind === 'response') {
        res.setHeader(EDGE_HEADERS.function, `response-${result.statusCode}`);
        return edgeError(res, result.statusCode, 'none', 'Answered by the CloudFront function.');
      }
      for (const [name, h] of Object.entries(result.request.headers)) {
        const lower = name.toLowerCase();
        if (!lower.startsWith('x-edge-') && typeof h?.value === 'string' && req.headers[lower] !== h.value) headers[lower] = h.value;
      }
      const chosen = (['primary', 'secondary'] as const).find((r) => this.props.rules.origins[r].id === result.originId);
      if (chosen) roles = [chosen];
      res.setHeader(EDGE_HEADERS.function, result.originId ? `origin=${result.originId}` : 'request');
    }
    const attempts: string[] = [];
    let failover: string | undefined;
    for (let i = 0; i < roles.length; i++) {
      const role = roles[i]!;
      const last = i === roles.length - 1;
      const outcome = await this.fetch(role, method, url, headers, body, viewerGone.signal);
      if (viewerGone.signal.aborted) return;
      attempts.push(`${role}=${outcome.attempts}`);
      res.setHeader(EDGE_HEADERS.attempts, attempts.join(','));
      if (failover) res.setHeader(EDGE_HEADERS.failover, failover);

      const failsOver = !last && FAILOVER_METHODS.includes(method);
      if (outcome.kind === 'response') {
        const status = outcome.response.statusCode;
        if (failsOver && this.props.rules.failoverStatusCodes.includes(status)) {
          failover = `status-${status}`;
          await outcome.response.body.dump().catch(() => undefined);
          continue;
        }
        // A 5xx with a stale success in the cache: the stale copy is served.
        const stale = cached && cached.entry.status < 400 ? cached.entry : undefined;
        if (status >= 500 && stale) {
          await outcome.response.body.dump().catch(() => undefined);
          return this.serveCached(res, stale);
        }
        if (!cacheable) return this.relay(res, role, outcome.response);
        const cc = outcome.response.headers['cache-control'];
        const ttl = cacheTtlSeconds(status, Array.isArray(cc) ? cc.join(',') : cc, behavior.cachePolicy, this.props.rules.errorCachingTtls);
        if (ttl <= 0) {
          if (cached && status >= 400) this.cache.delete(key);
          return this.relay(res, role, outcome.response);
        }
        return this.relayAndCache(res, role, outcome.response, key, ttl);
      }
      if (failsOver) {
        failover = outcome.reason;
        continue;
      }
      if (cached && cached.entry.status < 400) return this.serveCached(res, cached.entry);
      return edgeError(
        res,
        outcome.reason === 'connect-timeout' || outcome.reason === 'read-timeout' ? 504 : 502,
        role,
        `The local edge could not get a response from the ${role} origin (${outcome.reason}: ${outcome.detail}).`,
      );
    }
  }

  /** The viewer's headers as the origin gets them, under the behavior's origin request policy. */
  private originHeaders(req: IncomingMessage, behavior: BehaviorRules, cfId: string): Record<string, string | string[]> {
    // The body is buffered, so undici sets content-length. Without the viewer's Host, undici
    // sends the origin's own host.
    const headers = stripHopByHop(req.headers, [...HOP_BY_HOP, 'content-length']);
    for (const name of Object.keys(headers)) if (name.startsWith('x-edge-')) delete headers[name];
    if (behavior.originRequestPolicy.forwardHost && req.headers.host) headers.host = req.headers.host;
    const forwardedFor = headers['x-forwarded-for'];
    const viewer = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)},${viewer}` : viewer;
    headers['x-amz-cf-id'] = cfId;
    return headers;
  }

  private serveCached(res: ServerResponse, entry: import('./edge-cache.js').CachedResponse): void {
    for (const [name, value] of Object.entries(entry.headers)) res.setHeader(name, value);
    res.setHeader(EDGE_HEADERS.origin, entry.role);
    res.setHeader('age', String(Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000))));
    res.setHeader('x-cache', entry.status >= 400 ? 'Error from cloudfront' : 'Hit from cloudfront');
    res.setHeader('via', VIA);
    res.setHeader('content-length', entry.body.length);
    res.writeHead(entry.status);
    res.end(res.req?.method === 'HEAD' ? undefined : entry.body);
  }

  private async relayAndCache(res: ServerResponse, role: Role, upstream: Dispatcher.ResponseData, key: string, ttl: number): Promise<void> {
    let body: Buffer;
    try {
      body = Buffer.from(await upstream.body.arrayBuffer());
    } catch (e) {
      this.log(`edge: response from ${role} cut off: ${describe(e)}`);
      res.destroy();
      return;
    }
    const headers = stripHopByHop(upstream.headers as Record<string, string | string[] | undefined>, [...HOP_BY_HOP, 'content-length']);
    this.cache.put(key, { status: upstream.statusCode, headers, body, role }, ttl);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader(EDGE_HEADERS.origin, role);
    res.setHeader(EDGE_HEADERS.cacheTtl, String(ttl));
    res.setHeader('x-cache', upstream.statusCode >= 400 ? 'Error from cloudfront' : 'Miss from cloudfront');
    res.setHeader('via', VIA);
    res.setHeader('content-length', body.length);
    res.writeHead(upstream.statusCode);
    res.end(res.req?.method === 'HEAD' ? undefined : body);
  }

  /** One origin, with its connection attempts. */
  private async fetch(
    role: Role,
    method: string,
    path: string,
    viewerHeaders: Record<string, string | string[]>,
    body: Buffer | undefined,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const origin = this.origins[role];
    // Custom headers override what the viewer sent under the same name, as CloudFront's do.
    const headers = { ...viewerHeaders, ...origin.rules.customHeaders };
    const maxAttempts = origin.rules.connectionAttempts;
    let failure: Outcome | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const response = await origin.dispatcher.request({
          path,
          method: method as Dispatcher.HttpMethod,
          headers,
          body: body ?? null,
          signal,
        });
        return { kind: 'response', attempts: attempt, response };
      } catch (e) {
        if (signal.aborted) return { kind: 'failure', attempts: attempt, reason: 'connect-failed', detail: 'viewer went away' };
        const reason = classify(e);
        failure = { kind: 'failure', attempts: attempt, reason, detail: describe(e) };
        this.log(`edge: ${method} ${path} to ${role}, attempt ${attempt}/${maxAttempts}: ${reason} (${describe(e)})`);
        if (reason === 'read-timeout' && !READ_RETRY_METHODS.includes(method)) break;
      }
    }
    return failure!;
  }

  private async relay(res: ServerResponse, role: Role, upstream: Dispatcher.ResponseData): Promise<void> {
    const headers = stripHopByHop(upstream.headers as Record<string, string | string[] | undefined>);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader(EDGE_HEADERS.origin, role);
    res.setHeader('x-cache', upstream.statusCode >= 400 ? 'Error from cloudfront' : 'Miss from cloudfront');
    res.setHeader('via', VIA);
    res.writeHead(upstream.statusCode);
    try {
      for await (const chunk of upstream.body) {
        if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
        if (res.destroyed) break;
      }
      res.end();
    } catch (e) {
      // The origin stopped mid-body (a body timeout or a dropped connection): the status is
      // gone already, so the viewer sees a cut-off response, as from CloudFront.
      this.log(`edge: response from ${role} cut off: ${describe(e)}`);
      res.destroy();
      await upstream.body.dump().catch(() => undefined);
    }
  }
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      if (typeof addr !== 'object' || addr === null)
        reject(new CloudFrontModelError('internal', 'the local edge has no address after listen'));
      else resolve(addr.port);
    });
  });
}
