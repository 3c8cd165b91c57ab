/**
 * The CloudFront Functions of the synthesized stack, as the local edge runs them: per
 * behavior, the viewer-request function's code (`aws_cloudfront_function.code`), and the
 * KeyValueStore associated with it, seeded from the stack's `aws_cloudfrontkeyvaluestore_key`
 * resources. Read from cdk.tf.json like every other rule of the local edge; nothing is a
 * second copy of the stack's settings.
 */
import { CLOUDFRONT_FUNCTIONS_RUNTIME, ORIGIN_MODIFICATION_EVENT } from '../../core/aws-facts.js';
import { LocalKeyValueStore, ViewerRequestFunction } from './edge-function.js';
import { StackRulesError } from './errors.js';

type JsonObject = Record<string, unknown>;

export interface EdgeFunctionRules {
  /** Viewer-request functions by behavior: its path pattern, or "default". */
  readonly viewerRequest: ReadonlyMap<string, ViewerRequestFunction>;
  /** Each associated KeyValueStore, by Terraform name (the switch writes to it). */
  readonly stores: ReadonlyMap<string, LocalKeyValueStore>;
  /** Terraform names of the functions, by behavior. */
  readonly functionNames: ReadonlyMap<string, string>;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []);

/** `${aws_x.name.arn}` → name, when the reference is to a resource of that type. */
function referenced(value: unknown, type: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.arn\\}$`).exec(value);
  return m?.[1];
}

/** The functions of the one distribution in `tf`; empty maps when it has none. */
export function edgeFunctionRulesFrom(tf: JsonObject, file: string, originIds: readonly string[]): EdgeFunctionRules {
  const resources = isObject(tf.resource) ? tf.resource : {};
  const distributions = isObject(resources.aws_cloudfront_distribution) ? resources.aws_cloudfront_distribution : {};
  const functions = isObject(resources.aws_cloudfront_function) ? resources.aws_cloudfront_function : {};
  const keys = isObject(resources.aws_cloudfrontkeyvaluestore_key) ? resources.aws_cloudfrontkeyvaluestore_key : {};
  const stores = new Map<string, LocalKeyValueStore>();
  const viewerRequest = new Map<string, ViewerRequestFunction>();
  const functionNames = new Map<string, string>();
  const compiled = new Map<string, ViewerRequestFunction>();

  const storeOf = (name: string): LocalKeyValueStore => {
    let store = stores.get(name);
    if (!store) {
      const initial: Record<string, string> = {};
      for (const raw of Object.values(keys)) {
        if (!isObject(raw) || referenced(raw.key_value_store_arn, 'aws_cloudfront_key_value_store') !== name) continue;
        if (typeof raw.key === 'string' && typeof raw.value === 'string') initial[raw.key] = raw.value;
      }
      store = new LocalKeyValueStore(initial);
      stores.set(name, store);
    }
    return store;
  };

  const functionFor = (fnName: string, at: string): ViewerRequestFunction => {
    const existing = compiled.get(fnName);
    if (existing) return existing;
    const raw = functions[fnName];
    if (!isObject(raw)) throw new StackRulesError(at, `aws_cloudfront_function.${fnName}`, 'a function declared in the stack', file);
    const fAt = `aws_cloudfront_function.${fnName}`;
    if (raw.runtime !== CLOUDFRONT_FUNCTIONS_RUNTIME) {
      throw new StackRulesError(`${fAt}.runtime`, raw.runtime, `${CLOUDFRONT_FUNCTIONS_RUNTIME} (the runtime the local edge models)`, file);
    }
    if (typeof raw.code !== 'string' || raw.code.includes('${')) {
      throw new StackRulesError(`${fAt}.code`, raw.code, 'the function code as a literal string', file);
    }
    const assoc = Array.isArray(raw.key_value_store_associations) ? raw.key_value_store_associations : [];
    if (assoc.length > 1) {
      throw new StackRulesError(
        `${fAt}.key_value_store_associations`,
        assoc,
        'at most one KeyValueStore (a function can have only one)',
        file,
      );
    }
    let kvs: LocalKeyValueStore | undefined;
    if (assoc.length === 1) {
      const storeName = referenced(assoc[0], 'aws_cloudfront_key_value_store');
      if (!storeName) {
        throw new StackRulesError(
          `${fAt}.key_value_store_associations`,
          assoc,
          'a reference to an aws_cloudfront_key_value_store of the stack',
          file,
        );
      }
      kvs = storeOf(storeName);
    }
    const fn = new ViewerRequestFunction({ code: raw.code, kvs, originIds });
    compiled.set(fnName, fn);
    return fn;
  };

  for (const [distName, dist] of Object.entries(distributions)) {
    if (!isObject(dist)) continue;
    const behaviors: [string, JsonObject, string][] = [
      ...list(dist.default_cache_behavior).map(
        (b) => ['default', b, `aws_cloudfront_distribution.${distName}.default_cache_behavior`] as [string, JsonObject, string],
      ),
      ...list(dist.ordered_cache_behavior).map(
        (b, i) =>
          [String(b.path_pattern), b, `aws_cloudfront_distribution.${distName}.ordered_cache_behavior[${i}]`] as [
            string,
            JsonObject,
            string,
          ],
      ),
    ];
    for (const [key, behavior, bAt] of behaviors) {
      for (const [j, a] of list(behavior.function_association).entries()) {
        const aAt = `${bAt}.function_association[${j}]`;
        if (a.event_type !== ORIGIN_MODIFICATION_EVENT) {
          throw new StackRulesError(
            `${aAt}.event_type`,
            a.event_type,
            'viewer-request (the only event the local edge runs functions for)',
            file,
          );
        }
        const fnName = referenced(a.function_arn, 'aws_cloudfront_function');
        if (!fnName)
          throw new StackRulesError(`${aAt}.function_arn`, a.function_arn, 'a reference to an aws_cloudfront_function of the stack', file);
        viewerRequest.set(key, functionFor(fnName, `${aAt}.function_arn`));
        functionNames.set(key, fnName);
      }
    }
  }
  return { viewerRequest, stores, functionNames };
}
