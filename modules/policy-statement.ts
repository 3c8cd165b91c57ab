/**
 * IAM policy statements as plain data, the shape every construct's policy is built in: the
 * constructs hand them to data.aws_iam_policy_document, tests read them in IAM's JSON form. A leaf:
 * it imports nothing but a provider type.
 */
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly principals?: readonly { readonly type: 'Service' | 'AWS'; readonly identifiers: readonly string[] }[];
  readonly conditions?: readonly PolicyCondition[];
}

/** The IAM JSON form of statements, as AWS evaluates it (for tests and for documentation). */
export function toPolicyDocument(statements: readonly PolicyStatement[]): { Version: '2012-10-17'; Statement: object[] } {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const conditions: Record<string, Record<string, string[]>> = {};
      for (const c of s.conditions ?? []) (conditions[c.test] ??= {})[c.variable] = [...c.values];
      const principal: Record<string, string[]> = {};
      for (const p of s.principals ?? []) principal[p.type] = [...(principal[p.type] ?? []), ...p.identifiers];
      return {
        Sid: s.sid,
        Effect: s.effect,
        ...(s.principals ? { Principal: principal } : {}),
        Action: [...s.actions],
        Resource: [...s.resources],
        ...(s.conditions ? { Condition: conditions } : {}),
      };
    }),
  };
}

/** A statement as data.aws_iam_policy_document takes it. */
export function toDocumentStatement(s: PolicyStatement): DataAwsIamPolicyDocumentStatement {
  return {
    sid: s.sid,
    effect: s.effect,
    actions: [...s.actions],
    resources: [...s.resources],
    principals: s.principals?.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })),
    condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
  };
}
