/**
 * An AwsCli whose `call` answers from a table instead of running the AWS CLI, for the pure unit
 * suites of code that reads AWS through it. Each answer is the JSON the AWS CLI v2 prints for the
 * operation: its shape is the operation's output shape in botocore's service model (for instance
 * elbv2 DescribeRulesOutput, ecs DescribeServicesResponse), never made up. A call with no answer is
 * an error naming it, so a test cannot pass on a call it did not expect.
 */
import { AwsCli } from '../../../harness/targets/aws/tools/aws-cli.js';

export interface CliCall {
  readonly service: string;
  readonly operation: string;
  readonly args: readonly string[];
  readonly region: string;
}

export class AnsweringCli extends AwsCli {
  readonly calls: CliCall[] = [];

  /** `answers` keyed by `"<service> <operation> <args joined by spaces>"`. */
  constructor(private readonly answers: Readonly<Record<string, unknown>>) {
    super({ binary: 'aws-not-run' });
  }

  override call<T = unknown>(service: string, operation: string, args: readonly string[], region: string): Promise<T> {
    this.calls.push({ service, operation, args, region });
    const key = [service, operation, ...args].join(' ');
    if (!Object.hasOwn(this.answers, key)) return Promise.reject(new Error(`no answer for: aws ${key} --region ${region}`));
    return Promise.resolve(structuredClone(this.answers[key]) as T);
  }
}
