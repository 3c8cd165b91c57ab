/** Writes a run's reports into its directory, and reads a saved run back. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRunRecord, renderReports, type RunRecord } from '../report/index.js';

/** Writes every report (each atomically, through a temporary file); returns their paths. */
export async function writeReports(dir: string, run: RunRecord): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const reports = await renderReports(run);
  const paths: string[] = [];
  for (const [name, text] of Object.entries(reports)) {
    const path = join(dir, name);
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    paths.push(path);
  }
  return paths;
}

export async function readRunRecord(path: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw Object.assign(
      new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; allowed: a run directory or its run.json`),
      {
        kind: 'usage',
      },
    );
  }
  try {
    return parseRunRecord(JSON.parse(text), path);
  } catch (err) {
    throw Object.assign(new Error(err instanceof SyntaxError ? `${path}: not valid JSON (${err.message})` : (err as Error).message), {
      kind: 'usage',
    });
  }
}
