/**
 * The KMS mode of the alert topics (config `monitoring.topicEncryption` and `monitoring.kmsKeyId`)
 * as inputs, for the stacks that have one to change:
 * - topics on module-managed keys: `topic_encryption` (module-key | none) and `topic_kms_key_id`
 *   (a customer-managed key for every topic, null: per topic_encryption). The keys, their aliases
 *   and the key policy get `count`, so "none" or a given key creates none of them;
 * - topics on a given key (a literal kms_master_key_id): `topic_kms_key_id`, defaulting to it
 *   (null: unencrypted).
 * A stack whose topics have no key gets neither input: its topics stay as they are, and no KMS
 * reference appears.
 * The enum comes from the config schema's JSON Schema, the key rules from
 * modules/monitoring/inputs.ts, where the construct checks the same.
 */
import { AWS_MANAGED_SNS_KEY, KMS_ALIAS, MULTI_REGION_KEY_ID } from '../../modules/monitoring/inputs.js';
import { configJsonSchema, type Json, type JsonObject } from './inputs.js';

const hclString = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
const KEY_REF = /^\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.arn\}$/;

/** Rewrites `s` (the module's Terraform JSON) in place; returns the variables to declare. */
export function kmsInputs(s: JsonObject, locals: JsonObject): Record<string, JsonObject> {
  const resources = (s['resource'] ?? {}) as Record<string, Record<string, JsonObject>>;
  const topics = Object.values(resources['aws_sns_topic'] ?? {}).filter((t) => typeof t['kms_master_key_id'] === 'string');
  if (topics.length === 0) return {};
  const keyIds = topics.map((t) => t['kms_master_key_id'] as string);
  const keyVariable = (given: string | null): JsonObject => ({
    type: 'string',
    description:
      'Customer-managed KMS key of every alert topic: an alias (alias/<name>) or a multi-Region key ID (mrk-...) present in every region with a topic; its policy must let cloudwatch.amazonaws.com and events.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*. ' +
      (given === null ? 'null: per topic_encryption.' : 'null: unencrypted topics.'),
    default: given,
    validation: [
      {
        condition: `\${var.topic_kms_key_id == null ? true : !can(regex(${hclString(AWS_MANAGED_SNS_KEY.source)}, var.topic_kms_key_id))}`,
        error_message:
          'topic_kms_key_id: a customer-managed key; CloudWatch alarms and EventBridge rules cannot publish to a topic encrypted with the AWS-managed key alias/aws/sns.',
      },
      {
        condition: `\${var.topic_kms_key_id == null ? true : can(regex(${hclString(KMS_ALIAS.source)}, var.topic_kms_key_id)) || can(regex(${hclString(MULTI_REGION_KEY_ID.source)}, var.topic_kms_key_id))}`,
        error_message:
          'topic_kms_key_id: an alias (alias/<name>) or a multi-Region key ID (mrk-...); a key ARN or single-Region key ID names a key in one region only, and the topics live in several.',
      },
    ],
  });

  const keys = keyIds.map((k) => KEY_REF.exec(k)?.[1]);
  if (keys.every((k) => k === undefined)) {
    if (new Set(keyIds).size !== 1 || keyIds.some((k) => k.includes('${'))) return {};
    for (const t of topics) t['kms_master_key_id'] = '${var.topic_kms_key_id}';
    return { topic_kms_key_id: keyVariable(keyIds[0]!) };
  }
  if (keys.some((k) => k === undefined)) return {};

  // Module-managed keys: the keys, the aliases targeting them and the key policy, counted.
  const keyNames = new Set(keys as string[]);
  const counted: [string, string][] = [...keyNames].map((k) => ['aws_kms_key', k]);
  for (const [name, alias] of Object.entries(resources['aws_kms_alias'] ?? {})) {
    const target = /^\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.key_id\}$/.exec(String(alias['target_key_id']))?.[1];
    if (target && keyNames.has(target)) counted.push(['aws_kms_alias', name]);
  }
  const policies = new Set<string>();
  for (const k of keyNames) {
    const p = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(String(resources['aws_kms_key']?.[k]?.['policy']))?.[1];
    if (p) policies.add(p);
  }
  const renames: [RegExp, string][] = [];
  for (const [type, name] of counted) {
    resources[type]![name]!['count'] = '${local.module_kms_keys ? 1 : 0}';
    renames.push([new RegExp(`\\b${type}\\.${name}\\.`, 'g'), `${type}.${name}[0].`]);
  }
  const data = (s['data'] ?? {}) as Record<string, Record<string, JsonObject>>;
  for (const p of policies) {
    const doc = data['aws_iam_policy_document']?.[p];
    if (!doc) continue;
    doc['count'] = '${local.module_kms_keys ? 1 : 0}';
    renames.push([new RegExp(`\\bdata\\.aws_iam_policy_document\\.${p}\\.`, 'g'), `data.aws_iam_policy_document.${p}[0].`]);
  }
  for (const t of topics) {
    const k = KEY_REF.exec(t['kms_master_key_id'] as string)![1]!;
    t['kms_master_key_id'] = `\${var.topic_kms_key_id != null ? var.topic_kms_key_id : one(aws_kms_key.${k}[*].arn)}`;
  }
  // Outputs read the keys as one(...[*]): null when the module creates none.
  const outputs = (s['output'] ?? {}) as Record<string, JsonObject>;
  for (const out of Object.values(outputs)) out['value'] = splat(out['value'] ?? null, keyNames);
  const rename = (v: Json): Json => {
    if (typeof v === 'string') return renames.reduce((t, [re, to]) => t.replace(re, to), v);
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]));
    return v;
  };
  for (const section of [resources, data])
    for (const byName of Object.values(section))
      for (const [name, body] of Object.entries(byName)) byName[name] = rename(body) as JsonObject;
  locals['module_kms_keys'] = '${var.topic_kms_key_id == null && var.topic_encryption == "module-key"}';

  const modes = (configJsonSchema() as unknown as { properties: Record<string, { properties: Record<string, { enum?: string[] }> }> })
    .properties['monitoring']?.properties['topicEncryption']?.enum;
  if (!modes) throw new Error('config/schema.ts no longer describes monitoring.topicEncryption with an enum');
  return {
    topic_encryption: {
      type: 'string',
      description:
        'Encryption of the alert topics without topic_kms_key_id: "module-key" creates a KMS key per alert region that alarms and rules may use; "none" leaves the topics unencrypted.',
      default: 'module-key',
      validation: [
        {
          condition: `\${contains([${modes.map(hclString).join(', ')}], var.topic_encryption)}`,
          error_message: `topic_encryption must be one of ${modes.join(', ')}.`,
        },
      ],
    },
    topic_kms_key_id: keyVariable(null),
  };
}

/** `${aws_kms_key.K.arn}` of a counted key as `${one(aws_kms_key.K[*].arn)}`. */
function splat(v: Json, keys: ReadonlySet<string>): Json {
  if (typeof v === 'string') {
    const k = KEY_REF.exec(v)?.[1];
    return k && keys.has(k) ? `\${one(aws_kms_key.${k}[*].arn)}` : v;
  }
  if (Array.isArray(v)) return v.map((x) => splat(x, keys));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, splat(x, keys)]));
  return v;
}
