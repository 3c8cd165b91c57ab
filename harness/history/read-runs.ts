/**
 * Finds and reads the runs of a history: run directories, run.json files, and folders of them
 * (searched to a bounded depth, symbolic links not followed). Every run.json is validated whole
 * (`readRunRecord`); a file that is too large, not JSON, not a run record, or a second copy of a
 * run already read is skipped with the reason, never trusted.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { inputError } from '../../core/errors.js';
import { readRunRecord } from '../drill/write-reports.js';
import type { HistoryInput, SkippedFile } from '../report/history/index.js';

/** Folders below a given folder that are searched for run.json. */
export const MAX_DEPTH = 4;
/** A run.json larger than this is skipped (a long drill at 10 probes/s writes a few MB). */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
/** Longest reason kept for a skipped file. */
const MAX_REASON = 600;

export interface ReadRuns {
  readonly inputs: HistoryInput[];
  readonly skipped: SkippedFile[];
}

/**
 * Reads every run under `paths`. A path that does not exist is a usage error naming it.
 * `label` turns a file's path into the name reports show (default: relative to `cwd`).
 */
export async function readRuns(
  paths: readonly string[],
  cwd: string,
  label: (file: string) => string = (file) => relative(cwd, file) || file,
): Promise<ReadRuns> {
  const files: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    if (!existsSync(path))
      throw inputError('<runs>', given, 'a run directory, a run.json, a folder of run directories, or s3://bucket/prefix; this path does not exist');
    const st = statSync(path);
    if (st.isFile()) files.push(path);
    else if (existsSync(join(path, 'run.json'))) files.push(join(path, 'run.json'));
    else collect(path, 0, files);
  }
  const inputs: HistoryInput[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Map<string, string>();
  for (const file of [...new Set(files)].sort()) {
    const source = label(file);
    const size = lstatSync(file).size;
    if (size > MAX_RUN_FILE_BYTES) {
      skipped.push({ source, reason: `${size} bytes: allowed: a run.json of at most ${MAX_RUN_FILE_BYTES} bytes` });
      continue;
    }
    try {
      const record = await readRunRecord(file);
      const first = seen.get(record.runId);
      if (first !== undefined) {
        skipped.push({ source, reason: `run ${record.runId} was already read from ${first}` });
        continue;
      }
      seen.set(record.runId, source);
      inputs.push({ source, record });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      skipped.push({ source, reason: message.length > MAX_REASON ? `${message.slice(0, MAX_REASON)}…` : message });
    }
  }
  return { inputs, skipped };
}

/** Runs read from several sources as one: a run already read from an earlier source is skipped. */
export function mergeRuns(parts: readonly ReadRuns[]): ReadRuns {
  const inputs: HistoryInput[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Map<string, string>();
  for (const part of parts) {
    skipped.push(...part.skipped);
    for (const input of part.inputs) {
      const first = seen.get(input.record.runId);
      if (first !== undefined) skipped.push({ source: input.source, reason: `run ${input.record.runId} was already read from ${first}` });
      else {
        seen.set(input.record.runId, input.source);
        inputs.push(input);
      }
    }
  }
  return { inputs, skipped };
}

function collect(dir: string, depth: number, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isFile() && e.name === 'run.json') out.push(path);
    else if (e.isDirectory() && depth < MAX_DEPTH) collect(path, depth + 1, out);
  }
}
