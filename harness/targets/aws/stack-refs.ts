/**
 * What the AWS target knows about a deployed stack, read from `terraform output -json` through
 * the stack's contract (stacks/contract.ts), and what the drill gets from it: the endpoints,
 * and the tags that make a service this stack's to pause.
 */
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, OUTPUTS, ROLE_TAG, STACK_TAG } from '../../../stacks/contract.js';
import type { EdgeFailoverConfig } from '../../../config/index.js';
import { samplePath } from '../../cloudfront/path-pattern.js';
import type { Endpoints, Role } from '../target.js';
import type { ServiceRef } from './tools/waits.js';
import type { AwsCli, ServiceDescription } from './tools/aws-cli.js';
import { type ExistingStackRef, endpointHost } from './target-options.js';
import { type TerraformOutputs, stringOutput } from './tools/terraform.js';

export interface StackRefs {
  readonly distributionId: string;
  readonly domainName: string;
  readonly services: Readonly<Record<Role, ServiceRef & { url: string }>>;
}

/** The stack's references from its Terraform outputs (names from the contract). */
export function refsFromOutputs(out: TerraformOutputs, stackDir: string): StackRefs {
  const s = (name: string) => stringOutput(out, name, stackDir);
  const url = (u: string) => (u.startsWith('https://') ? u : `https://${u}`);
  return {
    distributionId: s(OUTPUTS.distributionId),
    domainName: s(OUTPUTS.distributionDomainName),
    services: {
      primary: {
        role: 'primary',
        serviceArn: s(OUTPUTS.primaryServiceArn),
        region: s(OUTPUTS.primaryRegion),
        url: url(s(OUTPUTS.primaryServiceUrl)),
      },
      secondary: {
        role: 'secondary',
        serviceArn: s(OUTPUTS.secondaryServiceArn),
        region: s(OUTPUTS.secondaryRegion),
        url: url(s(OUTPUTS.secondaryServiceUrl)),
      },
    },
  };
}

/**
 * The stack's references from explicit ARNs (target-options.ts checked them). App Runner's
 * describe-service gives each URL; an ECS Express endpoint cannot be read with the AWS CLI v2, so
 * it comes from the options.
 */
/**
 * The references given explicitly (--primary-service-arn …). App Runner services are described
 * for their URLs; the descriptions come back too, so the readiness check and the preflight do not
 * read them again.
 */
export async function explicitRefs(
  cli: AwsCli,
  ex: ExistingStackRef,
  backend: EdgeFailoverConfig['service']['backend'],
  signal: AbortSignal,
): Promise<{ refs: StackRefs; described: Partial<Record<Role, ServiceDescription>> }> {
  const region = (arn: string) => arn.split(':')[3] ?? '';
  const described: Partial<Record<Role, ServiceDescription>> = {};
  const svc = async (role: Role, arn: string, endpoint: string | undefined) => {
    if (backend === 'ecs-express') return { role, serviceArn: arn, region: region(arn), url: `https://${endpointHost(endpoint ?? '')}` };
    const d = await cli.describeService(arn, region(arn), signal);
    described[role] = d;
    return { role, serviceArn: arn, region: region(arn), url: `https://${d.serviceUrl ?? ''}` };
  };
  // Both at once; when both fail, the primary's failure is the one reported.
  const [p, q] = await Promise.allSettled([
    svc('primary', ex.primaryServiceArn, ex.primaryEndpoint),
    svc('secondary', ex.secondaryServiceArn, ex.secondaryEndpoint),
  ]);
  if (p.status === 'rejected') throw p.reason;
  if (q.status === 'rejected') throw q.reason;
  const [primary, secondary] = [p.value, q.value];
  return { refs: { distributionId: ex.distributionId, domainName: ex.domainName ?? '', services: { primary, secondary } }, described };
}

export function endpointsOf(
  refs: StackRefs,
  o: {
    readonly config: EdgeFailoverConfig;
    readonly mode: string;
    readonly runId: string;
    readonly stackName: string;
    readonly servedByHeader?: string;
  },
  account?: string,
): Endpoints {
  const c = o.config;
  const headers: Record<string, string> = c.failover.originVerify.secret
    ? { [c.failover.originVerify.headerName]: c.failover.originVerify.secret }
    : {};
  const origin = (role: Role) => ({ role, region: refs.services[role].region, url: refs.services[role].url, headers });
  const write = c.failover.writePaths[0];
  return {
    edgeUrl: `https://${refs.domainName}`,
    origins: { primary: origin('primary'), secondary: origin('secondary') },
    writePath: write === undefined ? undefined : samplePath(write),
    servedByHeader: o.servedByHeader ?? 'x-served-by',
    details: {
      mode: o.mode,
      runId: o.runId,
      stack: o.stackName,
      distributionId: refs.distributionId,
      primaryServiceArn: refs.services.primary.serviceArn,
      secondaryServiceArn: refs.services.secondary.serviceArn,
      primaryRegion: refs.services.primary.region,
      secondaryRegion: refs.services.secondary.region,
      ...(account ? { account } : {}),
    },
  };
}

/** Why a service may not be paused as this stack's `role` (empty when it may). */
export function pauseProblems(role: Role, tags: Readonly<Record<string, string>>, stackName: string): string[] {
  const problems: string[] = [];
  if (role !== 'primary') problems.push(`it is the ${role}, not the primary`);
  const expect: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: stackName, [ROLE_TAG]: role };
  for (const [k, v] of Object.entries(expect)) {
    if (tags[k] !== v)
      problems.push(`tag ${k} is ${tags[k] === undefined ? 'missing' : JSON.stringify(tags[k])}, expected ${JSON.stringify(v)}`);
  }
  return problems;
}
