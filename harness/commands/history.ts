/**
 * `dr-drill history <runs...>`: reads many runs (run directories, folders of them, s3://bucket/prefix)
 * and writes history.html, history.md and history.json: trends per figure, regressions against the
 * rolling median of comparable runs, flakes. Exit 1 with --fail-on-regression when the newest run
 * regressed; 2 for a bad path or no runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { EdgeFailoverError, EXIT } from '../../core/errors.js';
import type { CommandContext } from './context.js';
import { integer } from './common.js';

interface HistoryOptions {
  readonly out: string;
  readonly last: number;
  readonly window: number;
  readonly minBaseline: number;
  readonly failOnRegression?: boolean;
  readonly awsCli?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly region?: string;
}

export function historyCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  program
    .command('history')
    .description('trends, regressions and flakes across many runs: writes history.html, history.md and history.json')
    .argument('<runs...>', 'run directories, run.json files, folders of them, or s3://bucket/prefix (read-only)')
    .option('-o, --out <dir>', 'where to write the history reports', 'drill-history')
    .option('--last <count>', 'runs in the history.md table', integer('--last', 1, 100_000), 20)
    .option('--window <count>', 'previous comparable runs a figure is compared with', integer('--window', 2, 1000), 10)
    .option('--min-baseline <count>', 'fewest previous comparable runs that make a baseline', integer('--min-baseline', 2, 1000), 5)
    .option('--fail-on-regression', 'exit 1 when a figure of the newest run regressed')
    .option('--aws-cli <path>', 'the AWS CLI v2 for s3:// histories', 'aws')
    .option('--profile <name>', 'AWS profile for s3:// histories')
    .option('--endpoint-url <url>', 'S3 endpoint for s3:// histories (an emulator)')
    .option('--region <region>', 'AWS region for s3:// histories (default: the CLI\'s own)')
    .action(async (runs: string[], opts: HistoryOptions) => setExit(await history(runs, opts, ctx)));
}

async function history(sources: readonly string[], opts: HistoryOptions, { io }: CommandContext): Promise<number> {
  const { parseHistoryLocation, withHistoryFolder } = await import('../history/store.js');
  const { mergeRuns, readRuns } = await import('../history/read-runs.js');
  const { analyseHistory, renderHistory } = await import('../report/history/index.js');
  const { safeTerminalText } = await import('../report/terminal.js');
  if (opts.minBaseline > opts.window)
    throw new EdgeFailoverError('usage', `--min-baseline = ${opts.minBaseline}: allowed: at most --window (${opts.window})`);
  const locations = [];
  for (const s of sources) locations.push(await parseHistoryLocation('<runs>', s, io.cwd));
  const aws = {
    binary: opts.awsCli ?? 'aws',
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl !== undefined ? { endpointUrl: opts.endpointUrl } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
  };
  const parts = [];
  for (const location of locations) {
    parts.push(
      await withHistoryFolder(location, aws, (folder, label) =>
        location.kind === 'folder' ? readRuns([folder], io.cwd) : readRuns([folder], io.cwd, label),
      ),
    );
  }
  const { inputs, skipped } = mergeRuns(parts);
  if (inputs.length === 0) {
    const why = skipped.length === 0 ? 'no run.json was found' : `every run.json was skipped:\n${skipped.map((s) => `  ${safeTerminalText(s.source)}: ${safeTerminalText(s.reason)}`).join('\n')}`;
    throw new EdgeFailoverError('usage', `no runs found in ${sources.map((s) => safeTerminalText(s)).join(', ')}: ${why}`);
  }
  const analysis = analyseHistory(inputs, skipped, { window: opts.window, minBaseline: opts.minBaseline });
  const out = resolve(io.cwd, opts.out);
  mkdirSync(out, { recursive: true });
  const files = await renderHistory(analysis, { last: opts.last });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);

  const lines = [
    `History of ${analysis.runs.length} runs (${analysis.groups.length} fingerprints): ${analysis.regressions.length} regressions, ${analysis.counts.flakes} flakes, ${analysis.counts.persistent} persistent failures, ${analysis.counts.unresolved} unresolved.`,
  ];
  for (const s of skipped) lines.push(`Skipped ${safeTerminalText(s.source)}: ${safeTerminalText(s.reason.split('\n').join(' '))}`);
  const newest = analysis.newest!;
  const { figure } = await import('../report/history/index.js');
  if (newest.regressions.length === 0) lines.push(`Newest run ${safeTerminalText(newest.runId)}: no figure regressed.`);
  for (const g of newest.regressions) {
    const f = figure(g.figure);
    lines.push(
      `Regression in the newest run ${safeTerminalText(newest.runId)}: ${f.title} ${g.value} ${f.unit}, worse than the median ${g.baseline} ${f.unit} of ${g.comparedTo.length} comparable runs by ${g.worseBy} ${f.unit} (tolerance ${g.tolerance} ${f.unit}).`,
    );
  }
  lines.push(`Reports in ${relative(io.cwd, out) || out}: ${Object.keys(files).join(', ')}`);
  io.stdout(`${lines.join('\n')}\n`);
  return opts.failOnRegression && newest.regressions.length > 0 ? EXIT.failed : EXIT.passed;
}
