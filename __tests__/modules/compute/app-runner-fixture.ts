/** The App Runner regional service both app-runner suites synthesize: one stack, one provider, the secondary. */
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { AppRunnerRegionalService, type RegionalServiceProps } from '../../../modules/compute/app-runner.js';

/** The props every case starts from; a case overrides what it is about. */
export const BASE_PROPS: Omit<RegionalServiceProps, 'provider'> = {
  role: 'secondary',
  region: 'us-west-2',
  serviceName: 'shop-secondary',
  autoScalingConfigurationName: 'shop-as',
  image: { identifier: 'public.ecr.aws/docker/library/node:20-alpine', repositoryType: 'ECR_PUBLIC' },
  environment: { MODE: 'test' },
};

/** Synthesizes the service in a fresh stack with its provider (alias `west`). */
export function buildService(overrides: Partial<RegionalServiceProps> = {}): { service: AppRunnerRegionalService; synth: string } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const provider = new AwsProvider(stack, 'west', { alias: 'west', region: 'us-west-2' });
  const service = new AppRunnerRegionalService(stack, 'secondary', { ...BASE_PROPS, provider, ...overrides });
  return { service, synth: Testing.synth(stack, true) };
}
