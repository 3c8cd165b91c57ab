/**
 * The module's own inputs (name prefix, tags, the production options of the distribution), with
 * validation derived from the config schema (config/schema.ts, through its JSON Schema) rather
 * than written a second time.
 */
import { z } from 'zod';
import { configSchema } from '../../config/schema.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

interface JsonSchemaNode {
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly propertyNames?: JsonSchemaNode;
  readonly additionalProperties?: JsonSchemaNode;
  readonly properties?: Record<string, JsonSchemaNode>;
}

/** The config schema as JSON Schema (the input side: what a user may write). */
export function configJsonSchema(): JsonSchemaNode {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
}

/** An HCL string literal inside an expression. */
const hclString = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

export function moduleVariables(namePrefix: string): Record<string, JsonObject> {
  const schema = configJsonSchema();
  const prefix = schema.properties?.['namePrefix'];
  const tags = schema.properties?.['tags'];
  if (!prefix?.pattern || !tags?.propertyNames || !tags.additionalProperties)
    throw new Error('config/schema.ts no longer describes namePrefix with a pattern and tags with key/value limits');
  const keyMax = tags.propertyNames.maxLength ?? 128;
  const keyMin = tags.propertyNames.minLength ?? 1;
  const valueMax = tags.additionalProperties.maxLength ?? 256;
  return {
    name_prefix: {
      type: 'string',
      description:
        'Prefix of every resource name (services, auto scaling configuration, KMS aliases, topics, alarms, rules, dashboard). Two instances need two prefixes.',
      default: namePrefix,
      validation: [
        {
          condition: `\${can(regex(${hclString(prefix.pattern)}, var.name_prefix))}`,
          error_message: `name_prefix must match ${prefix.pattern}: 3 to 24 characters of a-z, 0-9 and "-", starting with a letter and not ending with "-".`,
        },
      ],
    },
    tags: {
      type: 'map(string)',
      description: "Tags merged into the tags of every resource that has some (use the providers' default_tags for all the others).",
      default: {},
      validation: [
        {
          condition: `\${alltrue([for k, v in var.tags : length(k) >= ${keyMin} && length(k) <= ${keyMax} && length(v) <= ${valueMax}])}`,
          error_message: `tags: keys of ${keyMin} to ${keyMax} characters, values of at most ${valueMax}.`,
        },
      ],
    },
    aliases: {
      type: 'list(string)',
      description: 'Alternate domain names (CNAMEs) of the distribution; they need acm_certificate_arn.',
      default: [],
    },
    acm_certificate_arn: {
      type: 'string',
      description:
        'ACM certificate in us-east-1 covering the aliases (CloudFront reads certificates from us-east-1 only); null keeps *.cloudfront.net.',
      default: null,
      validation: [
        {
          condition:
            '${var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.acm_certificate_arn))}',
          error_message: 'acm_certificate_arn must be the ARN of an ACM certificate in us-east-1.',
        },
      ],
    },
    web_acl_id: {
      type: 'string',
      description: 'WAF web ACL of the distribution: the ARN of a WAFv2 web ACL with scope CLOUDFRONT; null for none.',
      default: null,
    },
    logging_bucket: {
      type: 'string',
      description: 'S3 bucket for CloudFront standard logs, as its domain name (bucket.s3.amazonaws.com); null for no logs.',
      default: null,
      validation: [
        {
          condition: '${var.logging_bucket == null || can(regex("\\\\.s3(\\\\.[a-z0-9-]+)?\\\\.amazonaws\\\\.com$", var.logging_bucket))}',
          error_message: 'logging_bucket must be a bucket domain name such as my-logs.s3.amazonaws.com.',
        },
      ],
    },
    logging_prefix: {
      type: 'string',
      description: 'Key prefix of the standard logs in logging_bucket.',
      default: '',
    },
  };
}
