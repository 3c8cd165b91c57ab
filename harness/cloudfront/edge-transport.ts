/**
 * How the local edge reaches an origin, with CloudFront's timeouts: undici's connector bounded by
 * the connection timeout, an interceptor for the origin response (read) timeout, and the failure
 * reasons the edge reports (x-edge-failover) and fails over on.
 */
import { buildConnector, errors, type Dispatcher } from 'undici';

export type FailureReason = 'connect-refused' | 'connect-failed' | 'connect-timeout' | 'read-timeout';

export class EdgeReadTimeoutError extends Error {
  readonly code = 'EDGE_READ_TIMEOUT';
}

/** A timer that can be cancelled; cancelling one that fired or was cancelled does nothing. */
interface Deadline {
  cancel(): void;
}

/**
 * Calls `fn` once `ms` have passed, judged after the I/O that arrived by then. The edge shares
 * this process's event loop with the fronts and the probes, and a busy machine can stall the
 * loop past a timer: the timer then fires before the loop has read what arrived meanwhile, and an
 * origin's answer that came in time would count as a timeout (the edge would fail over, or answer
 * 504, where CloudFront, which this machine does not stall, had the answer in time). So the timer's
 * callback waits for setImmediate, which runs after the loop's poll phase has read the sockets:
 * the answer, if it came, cancels the deadline first. It never adds more than one turn of the loop.
 */
function deadline(ms: number, fn: () => void): Deadline {
  let cancelled = false;
  const timer = setTimeout(() => setImmediate(() => cancelled || fn()), ms);
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/**
 * undici's connector with CloudFront's connection timeout, enforced with a deadline() (a plain
 * timer, judged after the I/O that arrived by then): undici's own connect timeout runs on its
 * coarse timers and fires up to 0.5 s late, which would make an unreachable origin cost visibly
 * more than attempts × connection timeout.
 */
export function connectWithin(ms: number): buildConnector.connector {
  const connect = buildConnector({ timeout: 0 }); // 0: undici sets no timer of its own
  return (options, callback) => {
    let settled = false;
    const timer = deadline(ms, () => {
      const err = new errors.ConnectTimeoutError(
        `Connect Timeout Error (attempted address: ${options.hostname}:${options.port}, timeout: ${ms}ms)`,
      );
      // undici's connector returns the socket it connects: destroying it reports the error
      // through the callback. Should it not, answer now and drop the socket when it comes.
      if (socket) return void socket.destroy(err);
      settled = true;
      callback(err, null);
    });
    const socket = connect(options, (...args) => {
      timer.cancel();
      if (settled) return void args[1]?.destroy();
      settled = true;
      callback(...args);
    }) as unknown as { destroy(err: Error): void } | undefined;
  };
}

/**
 * An undici interceptor that aborts a request when no response headers arrive within `ms`
 * of the request being written to a connected socket: CloudFront's origin response timeout, on a
 * deadline() (judged after the I/O that arrived by then).
 */
export function readTimeout(ms: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    let timer: Deadline | undefined;
    const stop = () => timer?.cancel();
    // Legacy handler methods: undici's request() passes a handler that implements them.
    const inner = handler as unknown as Partial<Record<string, (...args: unknown[]) => unknown>>;
    const wrapped = {
      onConnect(abort: (err?: Error) => void, context?: object) {
        stop();
        timer = deadline(ms, () => abort(new EdgeReadTimeoutError(`no response within ${ms} ms`)));
        return inner.onConnect?.(abort, context);
      },
      onHeaders(...args: unknown[]) {
        stop();
        return inner.onHeaders?.(...args);
      },
      onData: (...args: unknown[]) => inner.onData?.(...args),
      onComplete(...args: unknown[]) {
        stop();
        return inner.onComplete?.(...args);
      },
      onError(err: unknown) {
        stop();
        return inner.onError?.(err);
      },
      onUpgrade: (...args: unknown[]) => inner.onUpgrade?.(...args),
      onBodySent: (...args: unknown[]) => inner.onBodySent?.(...args),
      onResponseStarted: (...args: unknown[]) => inner.onResponseStarted?.(...args),
    };
    return dispatch(opts, wrapped as unknown as Dispatcher.DispatchHandler);
  };
}

export function classify(e: unknown): FailureReason {
  const code = (e as { code?: string }).code;
  if (e instanceof EdgeReadTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'read-timeout';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'connect-timeout';
  if (code === 'ECONNREFUSED') return 'connect-refused';
  return 'connect-failed';
}

export function describe(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  return code ? `${code}: ${message}` : message;
}
