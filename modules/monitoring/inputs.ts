/**
 * Validation of the monitoring construct's inputs other than its settings (regions, alert
 * endpoints, the KMS key). Pure apart from reading token markers.
 */
import { Token } from 'cdktf';
import { fail as failSetting } from './settings.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** The AWS-managed SNS key, which alarms and rules cannot publish through (see validateInputs). */
export const AWS_MANAGED_SNS_KEY = /^(alias\/aws\/sns|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/aws\/sns)$/;
/** A key that exists in every alert region: an alias, or a multi-Region key ID. */
export const KMS_ALIAS = /^alias\/[A-Za-z0-9/_-]+$/;
export const MULTI_REGION_KEY_ID = /^mrk-[0-9a-f]{32}$/;

/** The construct's inputs besides the settings, as validateInputs reads them. */
export interface MonitoringInputs {
  readonly primary: { readonly region: string };
  readonly secondary: { readonly region: string };
  readonly alertEmails?: string[];
  readonly httpsEndpoint?: string;
  readonly kmsKeyId?: string;
}

/** Throws a ConstructValidationError (through fail) on the first bad input, naming the construct path. */
export function validateInputs(props: MonitoringInputs, path: string): void {
  const fail = (field: string, value: unknown, allowed: string): never => failSetting(field, value, allowed, path);
  if (props.primary.region === props.secondary.region) {
    fail('secondary.region', props.secondary.region, `a region other than the primary's (${props.primary.region})`);
  }
  if (props.alertEmails !== undefined && !Token.isUnresolved(props.alertEmails)) {
    for (const e of props.alertEmails) if (!Token.isUnresolved(e) && !EMAIL.test(e)) fail('alertEmails', e, 'email addresses');
  }
  if (props.httpsEndpoint !== undefined && !/^https:\/\/\S+$/.test(props.httpsEndpoint)) {
    fail('httpsEndpoint', props.httpsEndpoint, 'an https:// URL');
  }
  const key = props.kmsKeyId;
  if (key !== undefined) {
    if (key === '') fail('kmsKeyId', key, 'a KMS key alias, ID or ARN (leave it unset to use topicEncryption)');
    if (AWS_MANAGED_SNS_KEY.test(key)) {
      fail(
        'kmsKeyId',
        key,
        'a customer-managed key: CloudWatch alarms and EventBridge rules cannot publish to a topic encrypted with the AWS-managed key alias/aws/sns, whose policy cannot be changed (leave kmsKeyId unset and the module creates a suitable key)',
      );
    }
    if (!KMS_ALIAS.test(key) && !MULTI_REGION_KEY_ID.test(key)) {
      fail(
        'kmsKeyId',
        key,
        'an alias (alias/<name>) or a multi-Region key ID (mrk-...) that exists in every alert region; a key ARN or single-Region key ID names a key in one region only, and the topics live in several',
      );
    }
  }
}
