/** Types of ./global-setup.js for the TypeScript tests that start a fork server of their own. */
export interface AwsCliFork {
  /** An executable that runs like the real AWS CLI, through the fork server. */
  readonly client: string;
  /** Ends the server: the number of calls it forked and the CPU seconds they used. */
  stop(): Promise<{ calls: number; childrenS: number }>;
}
export function startAwsCliFork(real?: string): Promise<AwsCliFork>;
export default function globalSetup(): Promise<void>;
