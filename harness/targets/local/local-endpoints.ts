/**
 * What the local world reports as its endpoints: the edge's URLs in the scheme a viewer uses for
 * each behavior (viewer-protocol.ts), the origins' fronts for direct probes, and the details the
 * report shows (ports, pids, the settings read from the stack).
 */
import type { Endpoints, OriginEndpoint, OriginTimeouts, Role } from '../target.js';
import type { LocalEdge } from '../../cloudfront/edge.js';
import type { EdgeFunctionRules } from '../../cloudfront/edge-function-rules.js';
import type { EdgeRules } from '../../cloudfront/stack-rules.js';
import type { WriteSwitchDelay } from '../../cloudfront/write-switch-model.js';
import { samplePath } from '../../cloudfront/path-pattern.js';
import { pauseModelOf } from './pause-models.js';
import { viewerUrls } from './viewer-protocol.js';

export const LOCAL_SERVED_BY_HEADER = 'x-served-by';
const ROLES: readonly Role[] = ['primary', 'secondary'];

/** The parts of a provisioned world the endpoints are made from. */
export interface LocalWorldParts {
  readonly rules: EdgeRules;
  readonly functions?: EdgeFunctionRules;
  readonly switchDelay?: WriteSwitchDelay;
  /** The edge's certificate (public part) and why the edge runs with or without one. */
  readonly tls?: { readonly cert?: string; readonly basis: string };
  readonly processes: Partial<Record<Role, { readonly port: number; readonly pid: number }>>;
  readonly fronts: Partial<Record<Role, { readonly url: string; readonly port: number }>>;
}

export function endpointsOf(world: LocalWorldParts, edge: LocalEdge): Endpoints {
  const { rules } = world;
  const origin = (role: Role): OriginEndpoint => ({
    role,
    region: rules.origins[role].region,
    url: world.fronts[role]!.url,
    headers: { ...rules.origins[role].customHeaders },
  });
  const write = rules.orderedBehaviors.find(
    (b) => b.target.kind === 'origin' && b.target.role === 'primary' && b.allowedMethods.includes('POST') && b.pathPattern,
  );
  const urls = viewerUrls(rules, edge, write);
  const details: Record<string, string> = {
    edgePort: String(edge.port),
    ...(edge.httpsPort !== undefined ? { edgeHttpsPort: String(edge.httpsPort) } : {}),
    viewerProtocol: world.tls?.basis ?? 'HTTP only',
    tfJsonPath: rules.tfJsonPath,
    distribution: rules.distributionAddress,
    failoverStatusCodes: rules.failoverStatusCodes.join(','),
  };
  if (rules.tfvarsPath) details.tfvarsPath = rules.tfvarsPath;
  details.backend = rules.origins.primary.backend ?? 'apprunner';
  const pauseMeaning = pauseModelOf(rules.origins.primary.backend).meaning;
  if (pauseMeaning !== undefined) details.pauseFault = pauseMeaning;
  for (const role of ROLES) {
    const o = rules.origins[role];
    details[`${role}Port`] = String(world.fronts[role]!.port);
    details[`${role}AppPort`] = String(world.processes[role]!.port);
    details[`${role}Pid`] = String(world.processes[role]!.pid);
    details[`${role}ConnectionAttempts`] = String(o.connectionAttempts);
    details[`${role}ConnectionTimeoutSeconds`] = String(o.connectionTimeoutSeconds);
    details[`${role}ReadTimeoutSeconds`] = String(o.readTimeoutSeconds);
  }
  const routed = (world.functions?.stores.size ?? 0) > 0;
  if (routed) details.writeRouter = 'on';
  return {
    edgeUrl: urls.edgeUrl,
    ...(urls.writeUrl ? { writeUrl: urls.writeUrl } : {}),
    edgeHttpUrl: urls.edgeHttpUrl,
    ...(world.tls?.cert ? { edgeCa: world.tls.cert } : {}),
    origins: { primary: origin('primary'), secondary: origin('secondary') },
    ...(routed
      ? {
          writeRouter: {
            switchDelaySeconds: world.switchDelay?.seconds ?? 0,
            switchDelayBasis: world.switchDelay?.basis ?? 'no primary-unhealthy alarm in the stack: switched at once',
          },
        }
      : {}),
    writePath: write?.pathPattern ? samplePath(write.pathPattern) : undefined,
    servedByHeader: LOCAL_SERVED_BY_HEADER,
    details,
    originTimeouts: { primary: originTimeouts(rules.origins.primary), secondary: originTimeouts(rules.origins.secondary) },
  };
}

/** The settings the drill derives the expected failover time from. */
function originTimeouts(o: EdgeRules['origins'][Role]): OriginTimeouts {
  return {
    connectionAttempts: o.connectionAttempts,
    connectionTimeoutSeconds: o.connectionTimeoutSeconds,
    readTimeoutSeconds: o.readTimeoutSeconds,
  };
}
