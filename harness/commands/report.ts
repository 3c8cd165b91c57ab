/** `dr-drill report <run>`: re-renders every report from a saved run, optionally re-judged. */
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { EdgeFailoverError } from '../../core/errors.js';
import type { Thresholds } from '../analysis/verdict.js';
import type { CommandContext } from './context.js';
import { integer, seconds } from './common.js';

interface ReportOptions {
  readonly out?: string;
  readonly stdout?: boolean;
  readonly failoverThreshold?: number;
  readonly failbackThreshold?: number;
  readonly maxGetErrors?: number;
}

export function reportCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('re-render every report from a saved run (exit code: the re-judged verdict)')
    .argument('<run>', 'a run directory or its run.json')
    .option('-o, --out <dir>', 'where to write the reports (default: rejudged-<time>/ beside the run, which is left as it was)')
    .option('--stdout', 'print the re-judged verdict and summary.md to stdout, and write nothing')
    .option('--failover-threshold <seconds>', 're-judge with this failover threshold', seconds('--failover-threshold', 0, 3600))
    .option('--failback-threshold <seconds>', 're-judge with this failback threshold', seconds('--failback-threshold', 0, 3600))
    .option('--max-get-errors <count>', 're-judge with this error budget', integer('--max-get-errors', 0, 1_000_000))
    .action(async (runPath: string, opts: ReportOptions) => setExit(await report(runPath, opts, ctx)));
}

async function report(runPath: string, opts: ReportOptions, { io }: CommandContext): Promise<number> {
  if (opts.stdout && opts.out !== undefined) {
    throw new EdgeFailoverError('usage', `--out = ${JSON.stringify(opts.out)} with --stdout: --stdout writes nothing; give one of them`);
  }
  const { readRunRecord, writeReports } = await import('../drill/write-reports.js');
  const { rejudge } = await import('../report/index.js');
  const given = resolve(io.cwd, runPath);
  const file = existsSync(given) && statSync(given).isDirectory() ? join(given, 'run.json') : given;
  // Whatever stops the saved run from being read is about the file the user named.
  const saved = await readRunRecord(file).catch((err: unknown) => {
    throw err instanceof EdgeFailoverError ? err : new EdgeFailoverError('usage', (err as Error).message, { cause: err });
  });
  const overrides: Partial<Thresholds> = {
    ...(opts.failoverThreshold !== undefined ? { failoverSeconds: opts.failoverThreshold } : {}),
    ...(opts.failbackThreshold !== undefined ? { failbackSeconds: opts.failbackThreshold } : {}),
    ...(opts.maxGetErrors !== undefined ? { maxViewerGetErrors: opts.maxGetErrors } : {}),
  };
  const run = rejudge(saved, overrides);
  const { verdictLines } = await import('../report/definitions.js');
  if (opts.stdout) {
    const { renderMarkdown } = await import('../report/markdown.js');
    io.stdout(`${verdictLines(run)}\n\n${renderMarkdown(run)}`);
    return run.exitCode;
  }
  const { rejudgedOutDir } = await import('../report/output-dir.js');
  const outDir = rejudgedOutDir({ runFile: file, out: opts.out, cwd: io.cwd, exists: existsSync });
  const written = await writeReports(outDir, run);
  io.stdout(`${verdictLines(run)}\nReports in ${outDir}:\n${written.map((p) => `  ${relative(io.cwd, p) || p}`).join('\n')}\n`);
  return run.exitCode;
}
