/**
 * CloudFront Functions in the local world: a viewer-request function's code, taken as it is
 * from the synthesized stack, run in a Node `vm` context with a shim of the `cloudfront`
 * module (`cf.kvs()` over a LocalKeyValueStore, `cf.selectRequestOriginById`).
 *
 * Modelled, not emulated: the runtime is Node's V8, not CloudFront's; what runtime 2.0
 * documents is checked statically by __tests__/modules/write-router.test.ts. Each invocation
 * gets a fresh context (CloudFront keeps no state between invocations that a function may
 * rely on), and is bounded by `timeoutMs`. The module is loaded by replacing the one
 * `import cf from 'cloudfront'` with the shim, so no experimental vm modules are needed.
 */
import vm from 'node:vm';
import { parse } from 'acorn';
import { CLOUDFRONT_FUNCTIONS_ECMA_VERSION } from '../../core/aws-facts.js';
import { CloudFrontModelError } from './errors.js';

/** A local CloudFront KeyValueStore: string values, read by the function, written by the switch. */
export class LocalKeyValueStore {
  private readonly values = new Map<string, string>();
  /** When set, every read fails (an unreadable store). */
  unreadable = false;

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.values.set(k, v);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  put(key: string, value: string): void {
    this.values.set(key, value);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  entries(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}

/** The request part of a viewer-request event (CloudFront Functions event structure). */
export interface FunctionRequest {
  readonly method: string;
  readonly uri: string;
  readonly querystring: Record<string, { value: string }>;
  readonly headers: Record<string, { value: string }>;
  readonly cookies: Record<string, { value: string }>;
}

export type FunctionResult =
  /** The request goes on, to `originId` when the function selected one. */
  | { readonly kind: 'request'; readonly request: FunctionRequest; readonly originId?: string }
  /** The function answered the viewer itself. */
  | { readonly kind: 'response'; readonly statusCode: number }
  /** The function threw, timed out or returned neither: CloudFront answers 503 (FunctionExecutionError). */
  | { readonly kind: 'error'; readonly message: string };

export interface ViewerRequestFunctionProps {
  /** The function's code, as in the stack's `aws_cloudfront_function.code`. */
  readonly code: string;
  /** The store associated with the function, if any. */
  readonly kvs?: LocalKeyValueStore;
  /** Bound on one invocation. @default 1000 */
  readonly timeoutMs?: number;
  /** Origin ids of the distribution; selecting another one is an execution error. @default - any */
  readonly originIds?: readonly string[];
}

/** Thrown when the code is not a viewer-request function this runner can load. */
export class EdgeFunctionLoadError extends CloudFrontModelError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'EdgeFunctionLoadError';
  }
}

export class ViewerRequestFunction {
  private readonly script: vm.Script;

  constructor(private readonly props: ViewerRequestFunctionProps) {
    this.script = new vm.Script(wrap(props.code), { filename: 'cloudfront-function.js' });
  }

  /** Runs the function for one request. Never throws: failures are a result of kind "error". */
  async run(
    request: FunctionRequest,
    context: { readonly distributionId?: string; readonly requestId?: string } = {},
  ): Promise<FunctionResult> {
    let selected: string | undefined;
    const kvs = this.props.kvs;
    const shim = Object.freeze({
      kvs: () =>
        Object.freeze({
          get: async (key: string, options?: { format?: string }) => {
            if (!kvs) throw new Error('no key value store is associated with this function');
            if (kvs.unreadable) throw new Error('the key value store could not be read');
            const value = kvs.get(String(key));
            if (value === undefined) throw new Error(`key not found: ${String(key)}`);
            return options?.format === 'json' ? JSON.parse(value) : value;
          },
          exists: async (key: string) => {
            if (!kvs || kvs.unreadable) throw new Error('the key value store could not be read');
            return kvs.get(String(key)) !== undefined;
          },
        }),
      selectRequestOriginById: (id: unknown) => {
        if (typeof id !== 'string') throw new TypeError('selectRequestOriginById needs an origin id string');
        selected = id;
      },
      updateRequestOrigin: () => {
        throw new Error('cf.updateRequestOrigin is not modelled by the local world');
      },
      createRequestOriginGroup: () => {
        throw new Error('cf.createRequestOriginGroup is not modelled by the local world');
      },
    });
    const event = {
      version: '1.0',
      context: { eventType: 'viewer-request', distributionId: context.distributionId ?? 'LOCAL', requestId: context.requestId ?? '' },
      viewer: { ip: '127.0.0.1' },
      request: structuredClone(request),
    };
    const timeoutMs = this.props.timeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const factory = this.script.runInNewContext({}, { timeout: timeoutMs }) as (cf: unknown) => unknown;
      const handler = factory(shim);
      if (typeof handler !== 'function') return { kind: 'error', message: 'the code defines no function named handler' };
      const out = await Promise.race([
        Promise.resolve((handler as (e: unknown) => unknown)(event)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the function ran longer than ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (out && typeof out === 'object' && 'statusCode' in out) {
        return { kind: 'response', statusCode: Number((out as { statusCode: unknown }).statusCode) };
      }
      if (!out || typeof out !== 'object' || !('method' in out)) {
        return { kind: 'error', message: 'the function returned neither a request nor a response' };
      }
      if (selected !== undefined && this.props.originIds && !this.props.originIds.includes(selected)) {
        return { kind: 'error', message: `selectRequestOriginById("${selected}"): not an origin of the distribution` };
      }
      return { kind: 'request', request: out as FunctionRequest, originId: selected };
    } catch (e) {
      return { kind: 'error', message: (e as Error)?.message ?? String(e) };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/**
 * The code as a script: the `import cf from 'cloudfront'` declaration is replaced by a binding
 * to the shim, and the script evaluates to a factory that returns `handler`.
 */
function wrap(code: string): string {
  let ast;
  try {
    ast = parse(code, { ecmaVersion: CLOUDFRONT_FUNCTIONS_ECMA_VERSION, sourceType: 'module' });
  } catch (e) {
    throw new EdgeFunctionLoadError(`the function code does not parse: ${(e as Error).message}`);
  }
  let body = code;
  let binding: string | undefined;
  for (const node of [...ast.body].reverse()) {
    if (node.type === 'ImportDeclaration') {
      const spec = node.specifiers[0];
      if (node.source.value !== 'cloudfront' || node.specifiers.length !== 1 || spec?.type !== 'ImportDefaultSpecifier') {
        throw new EdgeFunctionLoadError(`import ${JSON.stringify(code.slice(node.start, node.end))}: allowed: import cf from 'cloudfront'`);
      }
      binding = spec.local.name;
      body = body.slice(0, node.start) + ' '.repeat(node.end - node.start) + body.slice(node.end);
    } else if (node.type.startsWith('Export')) {
      throw new EdgeFunctionLoadError('export declarations: allowed: none (CloudFront calls the top-level function named handler)');
    }
  }
  const head = binding ? `const ${binding} = __cloudfront;` : '';
  return `(function (__cloudfront) { 'use strict'; ${head}\n${body}\n;return typeof handler === 'function' ? handler : undefined; })`;
}
