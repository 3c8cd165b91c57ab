import { Construct } from 'constructs';
import { Fn, Token, type TerraformProvider } from 'cdktf';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { IRegionalCompute } from '../compute/regional-compute.js';
import { nameAfterPath } from '../naming.js';
import { toDocumentStatement } from '../policy-statement.js';
import { invalid } from '../validation.js';
import { drillRunnerStatements } from './policy.js';

/** An IAM principal the drill runner role may be assumed by. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/;

/** IAM role names: 1 to 64 characters. */
export function drillRunnerRoleName(namePrefix: string): string {
  return `${namePrefix}-drill-runner`;
}

export interface DrillRunnerProps {
  /** Prefix of the role's name (`<prefix>-drill-runner`). */
  readonly namePrefix: string;
  readonly primary: IRegionalCompute;
  readonly secondary: IRegionalCompute;
  /** The us-east-1 provider: IAM is global, and the policy document is read there. */
  readonly globalProvider: TerraformProvider;
  readonly distributionArn: string;
  /** Account ID and partition of the stack (the monitoring layer's data sources; no second lookup). */
  readonly accountId: string;
  readonly partition: string;
  /** The regions that hold the stack's alarms; the runner lists them there and may query tags there. */
  readonly alarmRegions: readonly string[];
  /** Matches every alarm name of the stack (`<prefix>-*`). */
  readonly alarmNamePattern: string;
  /** The stack's Terraform state in S3, read by existing-mode drills for the outputs. @default - a local state: no grant */
  readonly stateBucket?: { readonly bucket: string; readonly key: string };
  /** Also create an IAM role with the policy, assumable by this principal. @default - no role */
  readonly principalArn?: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/**
 * The drill runner's least-privilege policy (always, as JSON for a Terraform output) and,
 * given a principal, a role that carries it. Not part of the monitoring layer: it is what the
 * drill harness may do to the stack.
 */
export class DrillRunner extends Construct {
  /** The drill runner's IAM policy as JSON. */
  readonly policyJson: string;
  readonly role?: IamRole;

  constructor(scope: Construct, id: string, props: DrillRunnerProps) {
    super(scope, id);
    if (props.principalArn !== undefined && !Token.isUnresolved(props.principalArn) && !PRINCIPAL_ARN.test(props.principalArn)) {
      invalid(this, 'principalArn', props.principalArn, 'an IAM principal ARN (arn:aws:iam::<account>:root, :role/<name> or :user/<name>)');
    }
    const { primary, secondary, partition, accountId } = props;
    const global = props.globalProvider;
    const policy = nameAfterPath(
      new DataAwsIamPolicyDocument(this, 'policy', {
        provider: global,
        statement: drillRunnerStatements({
          serviceArns: [primary.serviceArn, secondary.serviceArn],
          backend: primary.backend ?? 'apprunner',
          listenerRuleArns: [primary, secondary].map(
            (svc) => `arn:${partition}:elasticloadbalancing:${svc.region}:${accountId}:listener-rule/app/*`,
          ),
          serviceRegions: [primary.region, secondary.region],
          distributionArn: props.distributionArn,
          originRequestPolicyArn: `arn:${partition}:cloudfront::${accountId}:origin-request-policy/*`,
          alarmArns: props.alarmRegions.map(
            (region) => `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${props.alarmNamePattern}`,
          ),
          regions: [...props.alarmRegions],
          ...(props.stateBucket === undefined
            ? {}
            : {
                state: {
                  bucketArn: `arn:${partition}:s3:::${props.stateBucket.bucket}`,
                  objectArn: `arn:${partition}:s3:::${props.stateBucket.bucket}/${props.stateBucket.key}`,
                },
              }),
        }).map(toDocumentStatement),
      }),
    );
    this.policyJson = policy.json;
    if (props.principalArn === undefined) return;
    const prefix = props.namePrefix;
    this.role = nameAfterPath(
      new IamRole(this, 'role', {
        provider: global,
        name: drillRunnerRoleName(prefix),
        description: `Runs ${prefix}'s failover drill: pause/resume its services and read its distribution and alarms`,
        assumeRolePolicy: Fn.jsonencode({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: props.principalArn }, Action: 'sts:AssumeRole' }],
        }),
        tags: props.tags,
      }),
    );
    nameAfterPath(
      new IamRolePolicy(this, 'role-policy', {
        provider: global,
        name: 'drill-runner',
        role: this.role.name,
        policy: this.policyJson,
      }),
    );
  }
}
