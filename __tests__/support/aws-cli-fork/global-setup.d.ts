/** Types of ./global-setup.js for the TypeScript tests that start a fork server of their own. */
export interface AwsCliFork {
  /** An executable that runs like the real AWS CLI, through the fork server. */
  readonly client: string;
  /**
   * Ends the server: the number of calls it forked, of those it left to the real CLI (a caller's
   * home directory other than its own), the CPU seconds the forked ones used, and its own.
   */
  stop(): Promise<{
    calls: number;
    notForked: number;
    childrenS: number;
    selfS: number;
    /** The forked calls and their CPU seconds by the test file that made them ('' for none). */
    byFile: Record<string, { calls: number; cpuS: number }>;
  }>;
  /** With `callers`: the folder where a process names, in a file named by its pid, the test file it runs. */
  readonly callers?: string;
}
/**
 * `env`: the server's environment (default: process.env); its HOME is the one it forks calls for.
 * `callers`: count the calls by test file (see AwsCliFork.callers).
 */
export function startAwsCliFork(real?: string, options?: { env?: NodeJS.ProcessEnv; callers?: boolean }): Promise<AwsCliFork>;
export default function globalSetup(): Promise<void>;
