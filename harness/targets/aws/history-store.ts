/**
 * The drill history in S3, through the AWS CLI's `s3 cp`: download every `run.json` under a
 * prefix into a local folder (read-only), and append one run as `<prefix>/<runId>/run.json`.
 * Transient errors are retried by the one retry helper.
 */
import { AwsTargetError } from './tools/errors.js';
import { runCommand } from './tools/exec.js';
import { FATAL_AWS_ERRORS, RETRYABLE_AWS_ERRORS, retry } from './tools/retry.js';

export interface S3Location {
  readonly bucket: string;
  /** Without leading or trailing slashes; '' for the whole bucket. */
  readonly prefix: string;
}

export interface HistoryStoreOptions {
  /** The AWS CLI v2 executable. @default 'aws' */
  readonly binary?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** @default the CLI's own (AWS_REGION, the profile) */
  readonly region?: string;
  /** Variables added to the CLI's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Bound of one copy. @default 300_000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
}

/** S3 bucket names (3–63 characters of a–z, 0–9, dots and hyphens, starting and ending with a letter or digit). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` as a location, or the reason it is not one. */
export function parseS3Uri(uri: string): S3Location | { readonly problem: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!m) return { problem: 'an s3://bucket/prefix URI' };
  const bucket = m[1]!;
  if (!BUCKET.test(bucket)) return { problem: 'an S3 bucket name of 3 to 63 characters: a-z, 0-9, dots and hyphens' };
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (/[\u0000-\u001f\u007f]/.test(prefix) || prefix.split('/').some((s) => s === '..' || s === '.'))
    return { problem: 'a prefix without control characters or "." and ".." segments' };
  return { bucket, prefix };
}

export const s3Uri = (l: S3Location, ...rest: string[]) => `s3://${[l.bucket, l.prefix, ...rest].filter((s) => s !== '').join('/')}`;

/** Copies every `run.json` under the location into `dir`, keeping the key layout below the prefix. */
export async function downloadRunFiles(from: S3Location, dir: string, o: HistoryStoreOptions = {}): Promise<void> {
  await s3Copy([`${s3Uri(from)}/`, dir, '--recursive', '--exclude', '*', '--include', 'run.json', '--include', '*/run.json'], o);
}

/** Uploads a run's run.json as `<prefix>/<runId>/run.json`; returns the object's URI. */
export async function uploadRunFile(to: S3Location, runJson: string, runId: string, o: HistoryStoreOptions = {}): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(runId) || runId === '.' || runId === '..') {
    throw new AwsTargetError('usage', `runId = ${JSON.stringify(runId)}: allowed: letters, digits, ".", "_" and "-" (it becomes a key segment)`);
  }
  const uri = s3Uri(to, runId, 'run.json');
  await s3Copy([runJson, uri, '--content-type', 'application/json'], o);
  return uri;
}

async function s3Copy(args: readonly string[], o: HistoryStoreOptions): Promise<void> {
  const full = ['s3', 'cp', ...args, '--only-show-errors', '--no-progress', '--no-cli-pager'];
  if (o.region !== undefined) full.push('--region', o.region);
  if (o.profile !== undefined) full.push('--profile', o.profile);
  if (o.endpointUrl !== undefined) full.push('--endpoint-url', o.endpointUrl);
  await retry(
    () =>
      runCommand({
        tool: 'aws',
        file: o.binary ?? 'aws',
        args: full,
        timeoutMs: o.timeoutMs ?? 300_000,
        ...(o.signal ? { signal: o.signal } : {}),
        env: { AWS_PAGER: '', AWS_CLI_AUTO_PROMPT: 'off', ...o.env },
      }),
    {
      description: 'aws s3 cp',
      attempts: 3,
      delayMs: 2_000,
      retryable: RETRYABLE_AWS_ERRORS,
      fatal: FATAL_AWS_ERRORS,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.log ? { log: o.log } : {}),
    },
  );
}
