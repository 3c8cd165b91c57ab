// Mutation testing of the drill's decision code: `npm run mutate` (not part of `npm test` or CI:
// it runs the suites once per mutant). To cover more folders, add their globs to `mutate` and the
// suites that test them to `jest.config.testMatch`, e.g. 'harness/targets/aws/**/*.ts' with
// '<rootDir>/__tests__/targets/aws/**/*.test.ts', or 'harness/cloudfront/edge.ts' with
// '<rootDir>/__tests__/targets/local/**/*.test.ts'. One folder at a time:
// `npm run mutate -- --mutate 'harness/analysis/**/*.ts'`.
import jestConfig from './jest.config.js';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // jest runs the TypeScript sources as ES modules, which needs node's VM modules in each worker.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  plugins: ['@stryker-mutator/jest-runner'],
  mutate: ['harness/analysis/**/*.ts', 'harness/drill/**/*.ts', '!harness/drill/progress.ts', '!harness/drill/write-reports.ts'],
  jest: {
    projectType: 'custom',
    config: {
      ...jestConfig,
      testMatch: [
        '<rootDir>/__tests__/analysis/**/*.test.ts',
        '<rootDir>/__tests__/drill/**/*.test.ts',
        '<rootDir>/__tests__/report/**/*.test.ts',
      ],
      // The drill against the real local world takes ~20 s a run: too slow to repeat per mutant.
      // The fake-target suites cover the orchestrator; run with it by removing this line.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/drill/orchestrator.test.ts'],
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 30000,
  tempDirName: 'coverage/.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'coverage/mutation/index.html' },
  jsonReporter: { fileName: 'coverage/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};
