/**
 * What the AWS target knows about a deployed stack, read from `terraform output -json` through
 * the stack's contract (stacks/contract.ts) or named explicitly, and what the drill gets from it:
 * the endpoints.
 */
import { OUTPUTS } from '../../../stacks/contract.js';
import type { EdgeFailoverConfig } from '../../../config/index.js';
import { samplePath } from '../../cloudfront/path-pattern.js';
import type { Endpoints } from '../target.js';
import type { ServiceBackend, StackService } from './backends/service-backend.js';
import type { AwsCli } from './tools/aws-cli.js';
import type { ExistingStackRef } from './target-options.js';
import { type TerraformOutputs, stringOutput } from './tools/terraform.js';
import type { ReadServices, Role } from './wire.js';

export interface StackRefs {
  readonly distributionId: string;
  readonly domainName: string;
  readonly services: Readonly<Record<Role, StackService>>;
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
 * The references given explicitly (--primary-service-arn …). Each URL comes from the backend (App
 * Runner describes the service; ECS Express takes the endpoint option, which the AWS CLI v2 cannot
 * read); what it read comes back too, so the readiness check and the preflight do not read it again.
 */
export async function explicitRefs(
  cli: AwsCli,
  ex: ExistingStackRef,
  backend: ServiceBackend,
  signal: AbortSignal,
): Promise<{ refs: StackRefs; described: ReadServices }> {
  const region = (arn: string) => arn.split(':')[3] ?? '';
  const described: Partial<Record<Role, unknown>> = {};
  const svc = async (role: Role, arn: string, endpoint: string | undefined): Promise<StackService> => {
    const ref = { role, serviceArn: arn, region: region(arn) };
    const found = await backend.explicitService(cli, ref, endpoint, signal);
    if (found.read !== undefined) described[role] = found.read;
    return { ...ref, url: found.url };
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
