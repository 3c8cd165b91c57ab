/**
 * A deployed App Runner stack as the AWS CLI v2 reads it, for answering-cli.ts and answering-aws.ts:
 * the distribution (cloudfront GetDistributionConfigResult, GetDistributionResult) and both
 * services (apprunner DescribeServiceResponse, ListTagsForResourceResponse), tagged as stack
 * `stack`'s; and the stack's Terraform outputs naming them (stacks/contract.ts).
 */
import { OUTPUTS } from '../../../stacks/contract.js';
import type { StackRefs } from '../../../harness/targets/aws/stack-refs.js';
import type { TerraformOutputs } from '../../../harness/targets/aws/tools/terraform.js';
import type { Role } from '../../../harness/targets/aws/wire.js';
import { type DistConfig, goodDistributionConfig } from './distribution.js';

export const DISTRIBUTION_ID = 'EDIST';
export const DOMAIN = 'd111111abcdef8.cloudfront.net';
export const REGION: Readonly<Record<Role, string>> = { primary: 'us-east-1', secondary: 'us-west-2' };
export const HOST: Readonly<Record<Role, string>> = {
  primary: 'p1.us-east-1.awsapprunner.com',
  secondary: 's1.us-west-2.awsapprunner.com',
};
export const ARN: Readonly<Record<Role, string>> = {
  primary: 'arn:aws:apprunner:us-east-1:123456789012:service/primary/0123456789abcdef0123456789abcdef',
  secondary: 'arn:aws:apprunner:us-west-2:123456789012:service/secondary/0123456789abcdef0123456789abcdef',
};

export interface Deployment {
  /** The stack name the services are tagged with (EdgeFailoverStack). @default 'shop' */
  readonly stack?: string;
  readonly status?: Partial<Record<Role, string>>;
  /** The distribution's Status. @default 'Deployed' */
  readonly distributionStatus?: string;
  readonly change?: (c: DistConfig) => void;
}

export function deploymentAnswers(d: Deployment = {}): Record<string, unknown> {
  const config = goodDistributionConfig(HOST.primary, HOST.secondary);
  d.change?.(config);
  const tags = (role: Role) => ({
    Tags: [
      { Key: 'ManagedBy', Value: 'edge-failover' },
      { Key: 'EdgeFailoverStack', Value: d.stack ?? 'shop' },
      { Key: 'EdgeFailoverRole', Value: role },
    ],
  });
  const service = (role: Role) => ({
    Service: {
      ServiceName: role,
      ServiceId: '0123456789abcdef0123456789abcdef',
      ServiceArn: ARN[role],
      ServiceUrl: HOST[role],
      Status: d.status?.[role] ?? 'RUNNING',
    },
  });
  return {
    [`cloudfront get-distribution-config --id ${DISTRIBUTION_ID}`]: { ETag: 'E2QWRUHAPOMQZL', DistributionConfig: config },
    [`cloudfront get-distribution --id ${DISTRIBUTION_ID}`]: {
      ETag: 'E2QWRUHAPOMQZL',
      Distribution: { Id: DISTRIBUTION_ID, DomainName: DOMAIN, Status: d.distributionStatus ?? 'Deployed' },
    },
    ...Object.fromEntries(
      (['primary', 'secondary'] as const).flatMap((role) => [
        [`apprunner describe-service --service-arn ${ARN[role]}`, service(role)],
        [`apprunner list-tags-for-resource --resource-arn ${ARN[role]}`, tags(role)],
      ]),
    ),
  };
}

/** The references the stack's outputs name. */
export const REFS: StackRefs = {
  distributionId: DISTRIBUTION_ID,
  domainName: DOMAIN,
  services: {
    primary: { role: 'primary', region: REGION.primary, serviceArn: ARN.primary, url: `https://${HOST.primary}` },
    secondary: { role: 'secondary', region: REGION.secondary, serviceArn: ARN.secondary, url: `https://${HOST.secondary}` },
  },
};

/** `terraform output -json` of the stack (`secondaryUrl`: the secondary's service URL output). */
export function deploymentOutputs(secondaryUrl = HOST.secondary): TerraformOutputs {
  const s = (value: string) => ({ sensitive: false, type: 'string', value });
  return {
    [OUTPUTS.distributionId]: s(DISTRIBUTION_ID),
    [OUTPUTS.distributionDomainName]: s(DOMAIN),
    [OUTPUTS.primaryServiceArn]: s(ARN.primary),
    [OUTPUTS.primaryServiceUrl]: s(HOST.primary),
    [OUTPUTS.primaryRegion]: s(REGION.primary),
    [OUTPUTS.secondaryServiceArn]: s(ARN.secondary),
    [OUTPUTS.secondaryServiceUrl]: s(secondaryUrl),
    [OUTPUTS.secondaryRegion]: s(REGION.secondary),
  };
}
