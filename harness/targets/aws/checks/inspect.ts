/**
 * Reads the live deployment (read-only: get-distribution-config, get-distribution, each service with
 * its backend's API: ServiceBackend.inspect, and get-origin-request-policy for each policy of a
 * behavior that no managed policy covers) and runs deployment-checks.ts on it. Used before
 * the primary is faulted and by `dr-drill check`.
 */
import type { ServiceBackend } from '../backends/service-backend.js';
import type { AwsCli } from '../tools/aws-cli.js';
import { checkAcceptedBehaviors, originRequestPoliciesToRead } from './behavior-checks.js';
import { blocking, checkDeployment, describeFinding } from './deployment-checks.js';
import { AwsTargetError } from '../tools/errors.js';
import type { StackRefs } from '../stack-refs.js';
import type { Finding, ReadServices, Role } from '../wire.js';

export interface InspectOptions {
  /** The failover codes the config asks for. */
  readonly configCodes: readonly number[];
  /** The stack name the services must be tagged with (EdgeFailoverStack). */
  readonly stackName: string;
  readonly backend: ServiceBackend;
  /** Services readiness.ts has already described, not described again. */
  readonly read?: ReadServices;
  /** The distribution's status when the caller has just read it (waiting for Deployed), not read again. */
  readonly distributionStatus?: string;
  /** The stack's write paths (failover.writePaths). @default none */
  readonly writePaths?: readonly string[];
  /** Path patterns accepted as served by the primary alone (--accept-behavior); each must be a behavior's. @default none */
  readonly acceptedBehaviors?: readonly string[];
}

export async function inspectDeployment(cli: AwsCli, refs: StackRefs, o: InspectOptions, signal: AbortSignal): Promise<Finding[]> {
  const service = (role: Role) => o.backend.inspect(cli, refs.services[role], o.read?.[role], signal);
  // Independent reads, at once: each is a CLI process, and the drill waits for all of them.
  const [{ config }, dist, primary, secondary] = await Promise.all([
    cli.getDistributionConfig(refs.distributionId, signal),
    o.distributionStatus !== undefined ? { status: o.distributionStatus } : cli.getDistribution(refs.distributionId, signal),
    service('primary'),
    service('secondary'),
  ]);
  checkAcceptedBehaviors(config, o.acceptedBehaviors ?? [], refs.distributionId);
  const ids = originRequestPoliciesToRead(config);
  const read = await Promise.all(ids.map((id) => cli.getOriginRequestPolicy(id, signal)));
  return checkDeployment({
    distributionId: refs.distributionId,
    config,
    originRequestPolicies: Object.fromEntries(ids.map((id, i) => [id, read[i]!])),
    writePaths: o.writePaths ?? [],
    acceptedBehaviors: o.acceptedBehaviors ?? [],
    status: dist.status,
    services: { primary, secondary },
    configCodes: o.configCodes,
    stackName: o.stackName,
    backend: o.backend.checks,
  });
}

export interface PreflightVerdict {
  /** The findings that refuse the pause (empty when it may go ahead). */
  readonly refused: readonly Finding[];
  /** What the report says: "passed", or what --force overrode, and the warnings. */
  readonly details: Readonly<Record<string, string>>;
  /** Lines for the log. */
  readonly notes: readonly string[];
}

/**
 * Whether the findings let the drill pause the primary. A tag finding does not refuse when
 * pausing unmanaged services is allowed; with `force`, nothing refuses and the details say what
 * was overridden.
 */
export function preflightVerdict(findings: readonly Finding[], o: { force?: boolean; allowUnmanaged?: boolean }): PreflightVerdict {
  const failed = blocking(findings).filter((x) => !(o.allowUnmanaged && /-tag-/.test(x.check)));
  const warnings = findings.filter((x) => !x.ok && !failed.includes(x));
  const notes = warnings.map((x) => `preflight warning: ${describeFinding(x)}`);
  const details: Record<string, string> = {};
  if (warnings.length) details.preflightWarnings = warnings.map(describeFinding).join('; ');
  if (failed.length === 0) return { refused: [], details: { preflight: 'passed', ...details }, notes };
  if (o.force) {
    const text = failed.map(describeFinding).join('; ');
    return {
      refused: [],
      details: { preflight: `overridden by --force: ${text}`, ...details },
      notes: [...notes, `preflight failed but --force was given: ${text}`],
    };
  }
  return { refused: failed, details, notes };
}

/** The usage error (exit 2) that refuses the fault, naming each setting, the value found and what it must be. */
export function refusal(failed: readonly Finding[], distributionId: string, backend: ServiceBackend): AwsTargetError {
  return new AwsTargetError(
    'usage',
    `Refusing to ${backend.faultVerb}: the live deployment (distribution ${distributionId}) fails ${failed.length} check${failed.length === 1 ? '' : 's'}:\n${failed.map((x) => `  - ${describeFinding(x)}`).join('\n')}`,
    {
      recovery: `Fix the deployment (apply the stack again${backend.refusalHint ? `; ${backend.refusalHint}` : ''}), check it with \`dr-drill check --target aws\`, or pass --force to go ahead anyway (the report says so).`,
    },
  );
}
