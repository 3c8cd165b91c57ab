/**
 * jest's globalTeardown: stops the AWS CLI fork server (./global-setup.js), and appends the CPU
 * its forked CLIs used (children) and its own (worker: the import of the CLI, the data files
 * read ahead) to EDGE_FAILOVER_TEST_CPU_LOG as one more line of the ledger
 * (`node __tests__/support/cpu-ledger.mjs`), since no test file waited for them. And puts
 * process.env back as globalSetup found it.
 */
import { appendFileSync } from 'node:fs';

export default async function globalTeardown() {
  // process.env as globalSetup found it, for a next run in this process.
  for (const [name, value] of Object.entries(globalThis.__edgeFailoverAwsForkEnv ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  delete globalThis.__edgeFailoverAwsForkEnv;
  const fork = globalThis.__edgeFailoverAwsFork;
  if (!fork) return;
  delete globalThis.__edgeFailoverAwsFork;
  const { calls, notForked, childrenS, selfS, byFile } = await fork.stop();
  if (fork.cpuLog) {
    // Calls it left to /usr/bin/aws (another home directory) are in their test file's line.
    const left = notForked ? `; ${notForked} left to /usr/bin/aws` : '';
    appendFileSync(
      fork.cpuLog,
      `${JSON.stringify({ file: `AWS CLI fork server (${calls} calls${left})`, wallS: 0, selfS, childrenS, byFile })}\n`,
    );
  }
}
