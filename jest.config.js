import { availableParallelism } from 'node:os';

/** jest runs the TypeScript sources as ES modules (ts-jest's ESM preset). */
export default {
  preset: 'ts-jest/presets/default-esm',
  // jest's node environment, with the offline variables and a check that each file leaves nothing open.
  testEnvironment: '<rootDir>/__tests__/support/environment.js',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // One AWS CLI v2 for the whole run, forked for each call (see the file): AWS_CLI_V2 names its client.
  globalSetup: '<rootDir>/__tests__/support/aws-cli-fork/global-setup.js',
  globalTeardown: '<rootDir>/__tests__/support/aws-cli-fork/global-teardown.js',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testTimeout: 60000,
  // Most suites wait on real processes (terraform, the AWS CLI, origins, moto) or on the clock
  // more than they compute: as many workers as cores left a core idle for much of the run, one
  // more than cores keeps them busy (on 2 cores: 3 workers, where jest's default would be one).
  maxWorkers: availableParallelism() + 1,
  // Suites marked `@slow` in their docblock start first (see the file).
  testSequencer: '<rootDir>/__tests__/support/sequencer.js',
};
