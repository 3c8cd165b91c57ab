/**
 * The ledger of a fresh test run (`dr-drill run` on an existing stack, no var files, no Terraform
 * overrides), for the unit suites that drive a backend or recover on a real journal.
 */
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import type { RecordedOptions } from '../../../harness/targets/aws/wire.js';

export interface TestRun {
  readonly stateDir: string;
  readonly stackDir: string;
  /** The run's number: its id is `run<n>`, its stack `stack<n>` unless `stack` names it. */
  readonly run: number;
  readonly stack?: string;
  /** The run's regions; `us-east-1` by default. */
  readonly regions?: readonly string[];
  /** The tools the run records (AWS CLI, endpoint, profile, Terraform); none by default. */
  readonly recorded?: Omit<RecordedOptions, 'stateDir' | 'terraformOverrides'>;
}

/** Opens the run's ledger: takes the stack's lock and writes the journal ("opened"). */
export function openTestLedger(t: TestRun): Promise<RunLedger> {
  return RunLedger.open({
    stateDir: t.stateDir,
    name: t.stack ?? `stack${t.run}`,
    runId: `run${t.run}`,
    mode: 'existing',
    command: 'run',
    stackDir: t.stackDir,
    varFiles: [],
    regions: t.regions ?? ['us-east-1'],
    options: { terraformOverrides: [], ...t.recorded },
  });
}
