/**
 * Reads the live deployment (read-only: get-distribution-config, get-distribution,
 * describe-service, list-tags-for-resource) and runs deployment-checks.ts on it. Used before the
 * primary is paused and by `dr-drill check`.
 */
import type { Role } from '../target.js';
import type { AwsCli } from './aws-cli.js';
import { type Finding, type LiveService, blocking, checkDeployment, describeFinding } from './deployment-checks.js';
import { AwsTargetError } from './errors.js';
import type { StackRefs } from './stack-refs.js';

export interface InspectOptions {
  /** The failover codes the config asks for. */
  readonly configCodes: readonly number[];
  /** The stack name the services must be tagged with (EdgeFailoverStack). */
  readonly stackName: string;
}

export async function inspectDeployment(cli: AwsCli, refs: StackRefs, o: InspectOptions, signal: AbortSignal): Promise<Finding[]> {
  const { config } = await cli.getDistributionConfig(refs.distributionId, signal);
  const dist = await cli.getDistribution(refs.distributionId, signal);
  const service = async (role: Role): Promise<LiveService> => {
    const s = refs.services[role];
    const d = await cli.describeService(s.serviceArn, s.region, signal);
    const tags = await cli.listTagsForResource(s.serviceArn, s.region, signal);
    const host = (d.serviceUrl ?? s.url).replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    return { role, serviceArn: s.serviceArn, host, status: d.status, tags };
  };
  return checkDeployment({
    distributionId: refs.distributionId,
    config,
    status: dist.status,
    services: { primary: await service('primary'), secondary: await service('secondary') },
    configCodes: o.configCodes,
    stackName: o.stackName,
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

/** The usage error (exit 2) that refuses to pause, naming each setting, the value found and what it must be. */
export function refusal(failed: readonly Finding[], distributionId: string): AwsTargetError {
  return new AwsTargetError(
    'usage',
    `Refusing to pause the primary: the live deployment (distribution ${distributionId}) fails ${failed.length} check${failed.length === 1 ? '' : 's'}:\n${failed.map((x) => `  - ${describeFinding(x)}`).join('\n')}`,
    {
      recovery:
        'Fix the deployment (apply the stack again), check it with `dr-drill check --target aws`, or pass --force to pause anyway (the report says so).',
    },
  );
}
