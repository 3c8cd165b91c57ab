/**
 * Where `dr-drill report` writes re-judged reports. Never over the saved run: by default a new
 * `rejudged-<time>/` directory beside its run.json, so the run's own run.json, verdict and exit
 * code stay as the drill recorded them; a re-judged run re-judged again writes beside its folder, not
 * inside it. `--out` names another directory. Pure: the caller says
 * which paths are taken.
 */
import { basename, dirname, join, resolve } from 'node:path';

export interface RejudgedDirOptions {
  /** The run's run.json. */
  readonly runFile: string;
  /** `--out`, relative to `cwd`. */
  readonly out?: string;
  readonly cwd: string;
  readonly now?: Date;
  /** Whether a path exists already; a taken name gets a numbered suffix. */
  readonly exists?: (path: string) => boolean;
}

/** `20260101t120000z`: the time part of a run id. */
export function timeStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
}

/** A directory `dr-drill report` wrote: re-judging its run.json writes beside it, not into it. */
const REJUDGED = /^rejudged-\d{8}t\d{6}z(-\d+)?$/;

export function rejudgedOutDir(options: RejudgedDirOptions): string {
  if (options.out !== undefined) return resolve(options.cwd, options.out);
  const runDir = dirname(resolve(options.cwd, options.runFile));
  const home = REJUDGED.test(basename(runDir)) ? dirname(runDir) : runDir;
  const base = join(home, `rejudged-${timeStamp(options.now ?? new Date())}`);
  const exists = options.exists ?? (() => false);
  if (!exists(base)) return base;
  for (let n = 2; ; n++) if (!exists(`${base}-${n}`)) return `${base}-${n}`;
}
