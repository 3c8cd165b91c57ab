/**
 * What the CLI hands every command, and each target's driver for the verbs it serves: where the
 * process writes, and the abort signal tied to SIGINT/SIGTERM (cli.ts implements both).
 */

/** Where the process writes; tests substitute their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** An abort signal tied to SIGINT/SIGTERM for as long as a command runs. */
export interface SignalTrap {
  readonly signal: AbortSignal;
  release(): void;
}
export type TrapSignals = (onFirst?: (sig: NodeJS.Signals) => void, onSecond?: (sig: NodeJS.Signals) => void) => SignalTrap;

export interface CommandContext {
  readonly io: CliIo;
  readonly trapSignals: TrapSignals;
}
