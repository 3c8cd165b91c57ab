/**
 * Progress for long phases: listr2 spinners on a terminal, and plain timestamped lines
 * (listr2's simple renderer) without one, as in CI.
 *
 * listr2 writes to the terminal itself, with its own styling, so the CLI's terminal-safe io
 * (commands/terminal-io.ts) cannot filter it. Instead every text this class hands listr2 or
 * writes (titles, status lines, log lines, the message of an error listr2 prints on its FAILED
 * line) goes through `line()` first: one line, no escape sequence, control characters visible.
 * The drill reaches the terminal only through this class, so a new phase or log line cannot skip it.
 */
import { Listr, PRESET_TIMESTAMP, type ListrTask } from 'listr2';
import { PHASE_TITLES, type PhaseName } from '../analysis/timeline.js';
import { safeTerminalText } from '../report/terminal.js';

/** A value for a progress line: the one way text reaches listr2 or the terminal from here. */
const line = (text: string) => safeTerminalText(text);

/** What a phase's work returns: how it went, in a few words for the progress line. */
export interface PhaseOutcome<T> {
  readonly value: T;
  /** Shown after the title. */
  readonly summary?: string;
  /** The phase failed without aborting the run (e.g. failover not observed). */
  readonly failed?: boolean;
}

export interface Progress {
  /** Runs a phase's work as one progress step. update() shows a status line (throttled). */
  phase<T>(name: PhaseName, work: (update: (message: string) => void) => Promise<PhaseOutcome<T>>): Promise<PhaseOutcome<T>>;
  /** A log line (e.g. from the target): shown under the running phase, or on its own line. */
  log(message: string): void;
}

export interface ListrProgressProps {
  /** Plain lines even on a terminal. @default false (spinners when stdout is a TTY) */
  readonly plain?: boolean;
  /** Minimum milliseconds between status updates. @default 500 */
  readonly updateIntervalMs?: number;
}

class PhaseFailed extends Error {}

/** What a failed phase's line says after listr2's own "FAILED:". */
export function failureMessage(summary: string | undefined): string {
  return (summary ?? '').replace(/^FAILED:\s*/, '') || 'failed';
}

export class ListrProgress implements Progress {
  private current?: { output: string | undefined };

  constructor(private readonly props: ListrProgressProps = {}) {}

  log(message: string): void {
    if (this.current) this.current.output = line(message);
    else process.stdout.write(`${new Date().toISOString()} ${line(message)}\n`);
  }

  async phase<T>(name: PhaseName, work: (update: (message: string) => void) => Promise<PhaseOutcome<T>>): Promise<PhaseOutcome<T>> {
    let outcome: PhaseOutcome<T> | undefined;
    let thrown: { error: unknown } | undefined;
    const title = PHASE_TITLES[name];
    const interval = this.props.updateIntervalMs ?? 500;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- listr2's renderer generics differ per branch below
    const tasks: ListrTask<any, any, any>[] = [
      {
        title,
        rendererOptions: { outputBar: 1 },
        task: async (_ctx, task) => {
          this.current = task;
          let last = 0;
          const update = (message: string) => {
            const t = performance.now();
            if (t - last < interval) return;
            last = t;
            task.output = line(message);
          };
          try {
            outcome = await work(update);
          } catch (error) {
            thrown = { error };
            // listr2 prints the message on its FAILED line; the caller gets the error itself.
            throw new Error(line(error instanceof Error ? error.message : String(error)));
          } finally {
            this.current = undefined;
          }
          // A failed phase is listr2's failed task (✖, never ✔), whose line ends "[FAILED: <message>]":
          // the summary is that message alone, without a "FAILED:" of its own.
          if (outcome.failed) throw new PhaseFailed(line(failureMessage(outcome.summary)));
          task.title = outcome.summary ? `${title}: ${line(outcome.summary)}` : title;
        },
      },
    ];
    const list = this.props.plain
      ? new Listr(tasks, {
          renderer: 'simple',
          rendererOptions: { timestamp: PRESET_TIMESTAMP },
          exitOnError: true,
          registerSignalListeners: false,
        })
      : new Listr(tasks, {
          renderer: 'default',
          rendererOptions: { collapseErrors: false },
          fallbackRenderer: 'simple',
          fallbackRendererOptions: { timestamp: PRESET_TIMESTAMP },
          exitOnError: true,
          registerSignalListeners: false,
        });
    try {
      await list.run();
    } catch (error) {
      if (!(error instanceof PhaseFailed)) throw thrown ? thrown.error : error;
    }
    if (thrown) throw thrown.error;
    return outcome!;
  }
}
