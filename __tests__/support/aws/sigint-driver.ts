/**
 * Runs an AWS-target drill up to the outage in its own process, the way the drill CLI does,
 * so a test can interrupt it: provision, pause the primary, print "OUTAGE", then wait. On
 * SIGINT it aborts the running phase, tears down with a fresh signal, writes the teardown
 * result to options.resultFile and exits 130.
 * Usage: node --import tsx sigint-driver.ts <options.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AwsTarget } from '../../../harness/targets/aws/aws-target.js';
import { type AwsTargetOptions } from '../../../harness/targets/aws/target-options.js';

const options = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as AwsTargetOptions & { resultFile: string };
const target = new AwsTarget({ ...options, log: (m) => process.stderr.write(`${m}\n`) });
const controller = new AbortController();

process.once('SIGINT', () => {
  controller.abort(new Error('interrupted (SIGINT)'));
  void target.teardown(AbortSignal.timeout(60_000)).then(
    (result) => {
      writeFileSync(options.resultFile, JSON.stringify(result));
      process.exit(130);
    },
    (error: unknown) => {
      writeFileSync(options.resultFile, JSON.stringify({ ok: false, detail: `teardown threw: ${String(error)}` }));
      process.exit(3);
    },
  );
});

await target.provision(controller.signal);
await target.inject('primary', { kind: 'pause' }, controller.signal);
process.stdout.write('OUTAGE\n');
// Observing the outage: nothing to do here but wait to be interrupted.
setInterval(() => {}, 1_000);
