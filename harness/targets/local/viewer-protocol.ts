/**
 * The viewer protocol policies in the local world. The edge gets a throwaway certificate
 * (tls.ts, openssl) when any behavior of the stack uses redirect-to-https or https-only, so it
 * listens on HTTPS as well as HTTP and answers HTTP viewers as CloudFront does. Each probe then
 * uses the scheme a viewer would for its behavior: HTTPS where the policy asks for it, HTTP where
 * the behavior allows all.
 *
 * Without openssl the edge runs over HTTP only and the policies are read but not applied; the
 * world says so in its log and in the endpoints' details (viewerProtocol).
 */
import type { TargetLog } from '../target.js';
import type { BehaviorRules, EdgeRules } from '../../cloudfront/stack-rules.js';
import { generateLocalCertificate, isOpenssl, type LocalCertificate } from './tls.js';

/** 'auto': HTTPS when a behavior needs it (and openssl exists); 'off': HTTP only, policies not applied. */
export type EdgeHttpsMode = 'auto' | 'off';

export const EDGE_HTTPS_MODES: readonly EdgeHttpsMode[] = ['auto', 'off'];

const behaviorName = (b: BehaviorRules) => b.pathPattern ?? 'default';

/** The behaviors whose policy is not allow-all, as "pattern: policy". */
function strictBehaviors(rules: EdgeRules): string[] {
  return [rules.defaultBehavior, ...rules.orderedBehaviors]
    .filter((b) => b.viewerProtocolPolicy !== 'allow-all')
    .map((b) => `${behaviorName(b)}: ${b.viewerProtocolPolicy}`);
}

export interface EdgeCertificateChoice {
  /** The certificate for the edge's HTTPS listener; undefined: HTTP only. */
  readonly certificate?: LocalCertificate;
  /** Why the edge runs the way it does, for the endpoints' details. */
  readonly basis: string;
}

/** Makes the edge's certificate when the stack's behaviors need HTTPS; never logs the key. */
export async function edgeCertificateFor(
  rules: EdgeRules,
  mode: EdgeHttpsMode,
  log: TargetLog,
  signal: AbortSignal,
): Promise<EdgeCertificateChoice> {
  const strict = strictBehaviors(rules);
  if (strict.length === 0) return { basis: 'every behavior allows HTTP (allow-all): HTTP only' };
  if (mode === 'off') return { basis: `HTTP only (https: off): ${strict.join(', ')} read but not applied` };
  if (!(await isOpenssl())) {
    const basis = `HTTP only (openssl not found): ${strict.join(', ')} read but not applied`;
    log(`local: ${basis}; install openssl (Debian: apt-get install -y openssl) for the edge's HTTPS listener`);
    return { basis };
  }
  const certificate = await generateLocalCertificate({ signal });
  return { certificate, basis: `HTTPS with a throwaway certificate for 127.0.0.1: ${strict.join(', ')} applied` };
}

export interface ViewerUrls {
  /** Base URL for the default behavior's GETs, in the scheme a viewer uses for it. */
  readonly edgeUrl: string;
  /** Base URL for the write behavior, in the scheme a viewer uses for it. */
  readonly writeUrl?: string;
  /** The edge's plain-HTTP base URL. */
  readonly edgeHttpUrl: string;
}

/** The base URL a viewer uses for each behavior the drill probes. */
export function viewerUrls(
  rules: EdgeRules,
  edge: { readonly url: string; readonly httpsUrl?: string },
  write: BehaviorRules | undefined,
): ViewerUrls {
  const base = (b: BehaviorRules) => (edge.httpsUrl !== undefined && b.viewerProtocolPolicy !== 'allow-all' ? edge.httpsUrl : edge.url);
  return {
    edgeUrl: base(rules.defaultBehavior),
    ...(write ? { writeUrl: base(write) } : {}),
    edgeHttpUrl: edge.url,
  };
}
