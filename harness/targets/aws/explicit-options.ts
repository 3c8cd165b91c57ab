/**
 * The explicit stack references of `dr-drill run --target aws --mode existing` and `dr-drill check
 * --target aws`: three ARNs/ids instead of `terraform output -json`, all or none, and for ECS Express
 * the two endpoints the AWS CLI v2 cannot read (target-options.ts checks them against the backend).
 */
import { Option } from 'commander';
import { EdgeFailoverError, inputError } from '../../../core/errors.js';
import { HOST_NAME } from './hosts.js';

export interface ExplicitStackOptions {
  readonly primaryServiceArn?: string;
  readonly secondaryServiceArn?: string;
  readonly distributionId?: string;
  readonly primaryEndpoint?: string;
  readonly secondaryEndpoint?: string;
  readonly domain?: string;
}

/** The options; `prefix` starts each description (e.g. "aws existing mode: "). */
export function explicitOptions(prefix: string): Option[] {
  return [
    new Option(
      '--primary-service-arn <arn>',
      `${prefix}the primary service: App Runner, or ECS with service.backend "ecs-express" (with the next two, instead of terraform output)`,
    ),
    new Option('--secondary-service-arn <arn>', `${prefix}the secondary service`),
    new Option('--distribution-id <id>', `${prefix}the CloudFront distribution`),
    new Option(
      '--primary-endpoint <host>',
      `${prefix}ECS Express only, required there with the ARNs: the primary's endpoint host (ingress_paths[0].endpoint)`,
    ),
    new Option('--secondary-endpoint <host>', `${prefix}ECS Express only, required there with the ARNs: the secondary's endpoint host`),
  ];
}

const EXPLICIT = ['primaryServiceArn', 'secondaryServiceArn', 'distributionId'] as const;
const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Explicit ARNs for existing mode: all three or none; the endpoints and --domain only with them. */
export function explicitStack(opts: ExplicitStackOptions) {
  if (opts.domain !== undefined && !HOST_NAME.test(opts.domain)) {
    throw inputError('--domain', opts.domain, 'a host name such as d111111abcdef8.cloudfront.net, without a scheme, port or path');
  }
  const present = EXPLICIT.filter((k) => opts[k] !== undefined);
  if (present.length === 0) {
    for (const k of ['domain', 'primaryEndpoint', 'secondaryEndpoint'] as const) {
      if (opts[k] !== undefined)
        throw inputError(flagOf(k), opts[k], 'only with --primary-service-arn, --secondary-service-arn and --distribution-id');
    }
    return {};
  }
  if (present.length < 3) {
    const missing = EXPLICIT.filter((k) => opts[k] === undefined).map(flagOf);
    throw new EdgeFailoverError(
      'usage',
      `explicit stack references need all of --primary-service-arn, --secondary-service-arn and --distribution-id; missing: ${missing.join(', ')}`,
    );
  }
  return {
    existing: {
      primaryServiceArn: opts.primaryServiceArn!,
      secondaryServiceArn: opts.secondaryServiceArn!,
      distributionId: opts.distributionId!,
      ...(opts.domain ? { domainName: opts.domain } : {}),
      ...(opts.primaryEndpoint !== undefined ? { primaryEndpoint: opts.primaryEndpoint } : {}),
      ...(opts.secondaryEndpoint !== undefined ? { secondaryEndpoint: opts.secondaryEndpoint } : {}),
    },
  };
}
