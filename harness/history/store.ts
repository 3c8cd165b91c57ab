/**
 * Where a history lives: a local folder or an S3 prefix. `appendRun` adds a run's run.json as
 * `<history>/<runId>/run.json`; `withHistoryFolder` gives a local folder to read (for S3, a
 * temporary copy of every run.json under the prefix, removed afterwards). S3 goes through the AWS
 * target's driver (its `history-store.ts`), the one place that runs `aws`.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, parse, resolve } from 'node:path';
import { inputError } from '../../core/errors.js';
import type { HistoryStoreOptions, S3Location } from '../targets/aws/driver.js';

export type HistoryLocation = { readonly kind: 's3'; readonly uri: string; readonly s3: S3Location } | { readonly kind: 'folder'; readonly path: string };

/** The AWS CLI settings S3 histories use. */
export type AwsStoreOptions = Pick<HistoryStoreOptions, 'binary' | 'profile' | 'endpointUrl' | 'region' | 'env'>;

/**
 * A history location from an option value: `s3://bucket/prefix`, or a folder that exists or can
 * be made (not a file, not the filesystem root). A bad one is a usage error naming the option.
 */
export async function parseHistoryLocation(flag: string, value: string, cwd: string): Promise<HistoryLocation> {
  if (value.startsWith('s3:')) {
    const { parseS3Uri } = await import('../targets/aws/driver.js');
    const parsed = parseS3Uri(value);
    if ('problem' in parsed) throw inputError(flag, value, parsed.problem);
    return { kind: 's3', uri: value, s3: parsed };
  }
  const path = resolve(cwd, value);
  const allowed = 's3://bucket/prefix, or a folder (existing or new) for the run directories';
  if (value.trim() === '' || path === parse(path).root) throw inputError(flag, value, allowed);
  if (existsSync(path) && !statSync(path).isDirectory()) throw inputError(flag, value, `${allowed}; this is a file`);
  return { kind: 'folder', path };
}

/** Adds a run's run.json to the history; returns where it was written. */
export async function appendRun(to: HistoryLocation, runJson: string, runId: string, aws: AwsStoreOptions = {}): Promise<string> {
  if (to.kind === 's3') {
    const { uploadRunFile } = await import('../targets/aws/driver.js');
    return uploadRunFile(to.s3, runJson, runId, aws);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(runId) || runId === '.' || runId === '..')
    throw inputError('runId', runId, 'letters, digits, ".", "_" and "-" (it names a folder of the history)');
  const dir = join(to.path, runId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'run.json');
  copyFileSync(runJson, file);
  return file;
}

/**
 * Runs `fn` with a local folder holding the history: the folder itself, or for S3 a temporary
 * folder with every run.json under the prefix, removed when `fn` ends.
 */
export async function withHistoryFolder<T>(
  from: HistoryLocation,
  aws: AwsStoreOptions,
  fn: (folder: string, label: (file: string) => string) => Promise<T>,
): Promise<T> {
  if (from.kind === 'folder') return fn(from.path, (f) => f);
  const { downloadRunFiles, s3Uri } = await import('../targets/aws/driver.js');
  const dir = mkdtempSync(join(tmpdir(), 'dr-drill-history-'));
  try {
    await downloadRunFiles(from.s3, dir, aws);
    return await fn(dir, (file) => s3Uri(from.s3, ...file.slice(dir.length + 1).split(/[\\/]/)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
