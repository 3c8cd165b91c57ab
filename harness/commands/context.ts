/**
 * What the CLI hands every command, and each target's driver for the verbs it serves: where the
 * process writes, the abort signal tied to SIGINT/SIGTERM, and the one confirmation every change
 * to a target goes through (cli.ts implements them; commands/confirm.ts asks).
 */

/** Where the process writes; tests substitute their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /**
   * Asks a question on the terminal and resolves with the answer; present only when stdin and
   * stderr are both terminals (cli.ts uses node:readline). Without it nothing is asked.
   */
  readonly ask?: (question: string) => Promise<string>;
}

/** An abort signal tied to SIGINT/SIGTERM for as long as a command runs. */
export interface SignalTrap {
  readonly signal: AbortSignal;
  release(): void;
}
export type TrapSignals = (onFirst?: (sig: NodeJS.Signals) => void, onSecond?: (sig: NodeJS.Signals) => void) => SignalTrap;

/** What a verb is about to change, shown before it asks (and all a `--dry-run` does to the target). */
export interface ChangePlan {
  /** One line: what happens, e.g. "destroy the stack shop-edge (terraform destroy in cdktf.out/stacks/shop-edge)". */
  readonly action: string;
  readonly stack: string;
  /** The account and caller (`sts get-caller-identity`), e.g. "123456789012 (arn:aws:iam::…:role/ci)". */
  readonly account: string;
  readonly regions: readonly string[];
  /** The resources or services changed, one line each. */
  readonly changes: readonly string[];
  /** How long it is expected to take, with its basis. */
  readonly duration: string;
  /** What the read-only steps found (plan summary, thresholds, preflight), one line each. */
  readonly findings?: readonly string[];
}

/** `--yes` and `--dry-run`, as the changing verbs take them. */
export interface Confirmation {
  readonly yes?: boolean;
  readonly dryRun?: boolean;
}

export interface CommandContext {
  readonly io: CliIo;
  readonly trapSignals: TrapSignals;
  /**
   * Prints the plan and decides: true to go ahead (`--yes`, or "yes" on the terminal), false for
   * `--dry-run` (nothing is to change); throws a usage error when there is no terminal to ask on
   * and no `--yes`, or the answer is not yes.
   */
  readonly confirm: (plan: ChangePlan, given: Confirmation) => Promise<boolean>;
}
