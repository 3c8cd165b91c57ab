/**
 * The write router's CloudFront Function: viewer-request, JavaScript runtime 2.0.
 *
 * It reads the key `active-region` (primary | secondary) from the KeyValueStore associated
 * with the function and sends the request to that origin with `cf.selectRequestOriginById`.
 * A missing key, an unreadable store or any other value sends it to the primary, so the
 * router fails safe to the behaviour the stack has without it.
 *
 * The code is a string because it is shipped as it is: the construct puts it into the
 * `aws_cloudfront_function`'s `code`, and the local world runs that text from the synthesized
 * stack (harness/cloudfront/edge-function.ts). Its unit tests run it in Node against a
 * `cf` shim, and check that it uses only what runtime 2.0 documents
 * (docs/aws-behaviour/write-router.md#cloudfront-functions-runtime-20).
 */
import { CLOUDFRONT_FUNCTIONS_RUNTIME } from '../../core/aws-facts.js';

/** The KeyValueStore key the function reads. */
export const ACTIVE_REGION_KEY = 'active-region';
/** The values the key may hold; they are also the distribution's origin ids. */
export const WRITE_REGIONS = ['primary', 'secondary'] as const;
export type WriteRegion = (typeof WRITE_REGIONS)[number];
/** The key's value when the stack is created. */
export const INITIAL_WRITE_REGION: WriteRegion = 'primary';
/** The request header the function adds, so the origin (and the drill) can see where the router sent a write. */
export const WRITE_ROUTER_HEADER = 'x-write-router';
/** CloudFront Functions runtime the code is written for. */
export const WRITE_ROUTER_RUNTIME = CLOUDFRONT_FUNCTIONS_RUNTIME;

/** The origin ids the function may select, by region role. */
export interface WriteRouterOrigins {
  readonly primary: string;
  readonly secondary: string;
}

/** The function's source for the given origin ids. */
export function writeRouterCode(origins: WriteRouterOrigins): string {
  for (const [role, id] of Object.entries(origins)) {
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(id)) {
      throw new Error(`origins.${role} = ${JSON.stringify(id)}: allowed: an origin id of letters, digits, "_", "." and "-"`);
    }
  }
  return `import cf from 'cloudfront';

// Write router: sends each request to the region named by the key "${ACTIVE_REGION_KEY}"
// in the associated KeyValueStore; the primary when the key is missing or unreadable.
const kvs = cf.kvs();
const ORIGINS = { primary: '${origins.primary}', secondary: '${origins.secondary}' };

async function handler(event) {
  let active = 'primary';
  try {
    const value = await kvs.get('${ACTIVE_REGION_KEY}');
    if (value === 'secondary') {
      active = 'secondary';
    }
  } catch (err) {
    active = 'primary';
  }
  cf.selectRequestOriginById(ORIGINS[active]);
  event.request.headers['${WRITE_ROUTER_HEADER}'] = { value: active };
  return event.request;
}
`;
}
