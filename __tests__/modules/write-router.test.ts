import { describe, expect, test } from '@jest/globals';
import { parse } from 'acorn';
import {
  CLOUDFRONT_FUNCTION_CODE_MAX_BYTES,
  CLOUDFRONT_FUNCTIONS_ECMA_VERSION,
  CLOUDFRONT_FUNCTIONS_RUNTIME,
  KEY_VALUE_STORE_LIMITS,
} from '../../core/aws-facts.js';
import {
  ACTIVE_REGION_KEY,
  WRITE_REGIONS,
  WRITE_ROUTER_HEADER,
  WRITE_ROUTER_RUNTIME,
  writeRouterCode,
} from '../../modules/write-router/function-code.js';
import { LocalKeyValueStore, ViewerRequestFunction, type FunctionRequest } from '../../harness/cloudfront/edge-function.js';
import { checkCloudFrontJs2 } from '../support/cloudfront-js2.js';

const ORIGINS = { primary: 'primary', secondary: 'secondary' };
const code = writeRouterCode(ORIGINS);

function request(): FunctionRequest {
  return { method: 'POST', uri: '/api/orders', querystring: {}, headers: { host: { value: 'd.example' } }, cookies: {} };
}

async function route(kvs?: LocalKeyValueStore) {
  return new ViewerRequestFunction({ code, kvs, originIds: Object.values(ORIGINS) }).run(request());
}

describe('the write router function, run against a cf shim', () => {
  test.each([
    ['primary', 'primary'],
    ['secondary', 'secondary'],
  ])('active-region = %s selects the %s origin', async (value, origin) => {
    const result = await route(new LocalKeyValueStore({ [ACTIVE_REGION_KEY]: value }));
    expect(result).toMatchObject({ kind: 'request', originId: origin });
    if (result.kind !== 'request') throw new Error('unreachable');
    expect(result.request.headers[WRITE_ROUTER_HEADER]).toEqual({ value: origin });
    expect(result.request.uri).toBe('/api/orders');
  });

  test.each([
    ['the key is missing', new LocalKeyValueStore({})],
    ['the value is not a region', new LocalKeyValueStore({ [ACTIVE_REGION_KEY]: 'us-west-2' })],
    ['the value differs in case', new LocalKeyValueStore({ [ACTIVE_REGION_KEY]: 'Secondary' })],
    ['no store is associated', undefined],
  ])('defaults to the primary when %s', async (_what, kvs) => {
    expect(await route(kvs)).toMatchObject({ kind: 'request', originId: 'primary' });
  });

  test('defaults to the primary when the store cannot be read', async () => {
    const kvs = new LocalKeyValueStore({ [ACTIVE_REGION_KEY]: 'secondary' });
    kvs.unreadable = true;
    expect(await route(kvs)).toMatchObject({ kind: 'request', originId: 'primary' });
  });

  test('follows a change of the key from one request to the next', async () => {
    const kvs = new LocalKeyValueStore({ [ACTIVE_REGION_KEY]: 'primary' });
    const fn = new ViewerRequestFunction({ code, kvs });
    expect(await fn.run(request())).toMatchObject({ originId: 'primary' });
    kvs.put(ACTIVE_REGION_KEY, 'secondary');
    expect(await fn.run(request())).toMatchObject({ originId: 'secondary' });
  });

  test('concurrent invocations do not share the selected origin', async () => {
    const kvs = new LocalKeyValueStore({ [ACTIVE_REGION_KEY]: 'secondary' });
    const fn = new ViewerRequestFunction({ code, kvs });
    const results = await Promise.all(Array.from({ length: 20 }, () => fn.run(request())));
    expect(new Set(results.map((r) => (r.kind === 'request' ? r.originId : r.kind)))).toEqual(new Set(['secondary']));
  });

  test('uses the origin ids it is given', async () => {
    const other = writeRouterCode({ primary: 'east-app', secondary: 'west-app' });
    const kvs = new LocalKeyValueStore({ [ACTIVE_REGION_KEY]: 'secondary' });
    expect(await new ViewerRequestFunction({ code: other, kvs }).run(request())).toMatchObject({ originId: 'west-app' });
  });

  test('refuses an origin id that could break out of the string literal', () => {
    expect(() => writeRouterCode({ primary: "x'; eval('1", secondary: 'y' })).toThrow(/origins.primary .*allowed: an origin id/);
  });
});

describe('the write router function uses only what runtime 2.0 documents', () => {
  test('its first statement is import cf from "cloudfront"', () => {
    const ast = parse(code, { ecmaVersion: CLOUDFRONT_FUNCTIONS_ECMA_VERSION, sourceType: 'module' }) as any;
    const first = ast.body[0];
    expect(first.type).toBe('ImportDeclaration');
    expect(first.source.value).toBe('cloudfront');
    expect(first.specifiers.map((s: any) => [s.type, s.local.name])).toEqual([['ImportDefaultSpecifier', 'cf']]);
  });

  test('the check finds no undocumented feature in the function', () => {
    expect(checkCloudFrontJs2(code)).toEqual([]);
  });

  test('it stays within the 10 KB function size quota, with the longest origin ids the code accepts', () => {
    expect(Buffer.byteLength(code)).toBeLessThan(CLOUDFRONT_FUNCTION_CODE_MAX_BYTES);
    const longest = writeRouterCode({ primary: 'p'.repeat(128), secondary: 's'.repeat(128) });
    expect(Buffer.byteLength(longest)).toBeLessThan(CLOUDFRONT_FUNCTION_CODE_MAX_BYTES);
  });

  test('it runs on the runtime that has KeyValueStore and origin modification', () => {
    expect(WRITE_ROUTER_RUNTIME).toBe(CLOUDFRONT_FUNCTIONS_RUNTIME);
  });

  test('its key and values fit the KeyValueStore limits', () => {
    expect(ACTIVE_REGION_KEY.length).toBeLessThanOrEqual(KEY_VALUE_STORE_LIMITS.keyMax);
    for (const v of WRITE_REGIONS) expect(v.length).toBeLessThanOrEqual(KEY_VALUE_STORE_LIMITS.valueMax);
  });

  test.each([
    ['a class', `import cf from 'cloudfront';\nclass A {}\nfunction handler(e) { return e.request; }`, /ClassDeclaration/],
    ['eval', `function handler(e) { eval('1'); return e.request; }`, /eval is a restricted feature/],
    ['a timer', `function handler(e) { setTimeout(function () {}, 1); return e.request; }`, /setTimeout/],
    ['an async closure', `async function handler(e) { const f = async () => 1; await f(); return e.request; }`, /async closures/],
    ['destructuring', `function handler(e) { const { request } = e; return request; }`, /ObjectPattern/],
    ['optional chaining', `function handler(e) { return e?.request; }`, /ChainExpression|optional chaining/],
    ['for-of', `function handler(e) { for (const x of []) {} return e.request; }`, /ForOfStatement/],
    ['a foreign module', `import fs from 'fs';\nfunction handler(e) { return e.request; }`, /import of "fs"/],
    ['no handler', `function other(e) { return e.request; }`, /no top-level function named handler/],
    ['syntax beyond ES2021', `function handler(e) { return e.request; }\nclass B { static { } }`, /does not parse|ClassDeclaration/],
  ])('the check refuses %s', (_what, source, problem) => {
    expect(
      checkCloudFrontJs2(source)
        .map((p) => p.problem)
        .join('\n'),
    ).toMatch(problem);
  });
});
