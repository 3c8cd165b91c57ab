/**
 * jest's globalSetup and globalTeardown of the AWS CLI fork (__tests__/support/aws-cli-fork), run
 * again and again in one process, as a process that runs jest more than once does (Stryker's jest
 * runner runs it once per mutant): each run starts with the environment the first one had. A run
 * that found AWS_CLI_V2 naming the client of a fork already stopped would skip every AWS CLI suite
 * (the CLI "is missing"), and one that lost EDGE_FAILOVER_TEST_AWS_FORK=off would start a fork.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import globalSetup from '../support/aws-cli-fork/global-setup.js';

const REAL = '/usr/bin/aws';
const teardownPath = '../support/aws-cli-fork/global-teardown.js';
const { default: globalTeardown } = (await import(teardownPath)) as { default: () => Promise<void> };

const NAMES = ['AWS_CLI_V2', 'EDGE_FAILOVER_TEST_AWS_FORK', 'EDGE_FAILOVER_TEST_AWS_FORK_CALLERS'] as const;
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
  for (const n of NAMES) delete process.env[n];
});
afterEach(() => {
  for (const n of NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

test.each([['off'], ['on'], [undefined]])(
  'EDGE_FAILOVER_TEST_AWS_FORK=%s: every run of setup and teardown in one process finds the environment the first found, and its CLI is there',
  async (setting) => {
    if (setting !== undefined) process.env['EDGE_FAILOVER_TEST_AWS_FORK'] = setting;
    const fork = setting !== 'off' && existsSync(REAL);
    for (let run = 1; run <= 3; run += 1) {
      await globalSetup();
      const client = process.env['AWS_CLI_V2'];
      // A fork where one is asked for (and the real CLI is there), with a client that exists.
      expect({ run, client: client !== undefined, exists: client !== undefined && existsSync(client) }).toEqual({
        run,
        client: fork,
        exists: fork,
      });
      await globalTeardown();
      expect({ run, env: Object.fromEntries(NAMES.map((n) => [n, process.env[n]])) }).toEqual({
        run,
        env: { AWS_CLI_V2: undefined, EDGE_FAILOVER_TEST_AWS_FORK: setting, EDGE_FAILOVER_TEST_AWS_FORK_CALLERS: undefined },
      });
    }
  },
  60_000,
);

test('an AWS_CLI_V2 given from outside is kept, and no fork is started, in every run', async () => {
  process.env['AWS_CLI_V2'] = REAL;
  for (let run = 1; run <= 2; run += 1) {
    await globalSetup();
    expect(process.env['AWS_CLI_V2']).toBe(REAL);
    await globalTeardown();
    expect(process.env['AWS_CLI_V2']).toBe(REAL);
  }
});
