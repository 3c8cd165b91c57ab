// Mutation testing of the code that decides whether a drill, and production, is safe:
// `npm run mutate -- --place <name>` runs one place (stryker/places.mjs lists them),
// `npm run mutate` all of them. Not part of `npm test` or CI: it runs tests once per mutant.
// __tests__/mutation/guard.test.ts proves, in the suite, that this configuration starts and kills
// a mutant. docs/mutation-testing.md has the commands, the scores and the wall times.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jestConfig from './jest.config.js';
import { placeName, selectPlaces } from './stryker/places.mjs';

const rootDir = dirname(fileURLToPath(import.meta.url));

/**
 * The jest configuration with `<rootDir>` replaced by the project's absolute path. Stryker's jest
 * runner loads the test environment (and jest resolves the sequencer) from the paths as given,
 * before jest would substitute `<rootDir>`, so each must be absolute.
 */
function absolute(value) {
  if (typeof value === 'string') return value.replaceAll('<rootDir>', rootDir);
  if (Array.isArray(value)) return value.map(absolute);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, absolute(v)]));
  return value;
}

const name = placeName(process.argv, process.env);
const places = selectPlaces(name);
// Each place keeps its own incremental file and reports, so running one never discards another's.
const out = `reports/mutation/${name ?? 'all'}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // jest runs the TypeScript sources as ES modules, which needs node's VM modules in each worker.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  plugins: ['@stryker-mutator/jest-runner'],
  mutate: places.flatMap(([, p]) => p.mutate),
  jest: {
    projectType: 'custom',
    config: absolute({
      ...jestConfig,
      rootDir,
      testMatch: places.flatMap(([, p]) => p.tests.map((t) => `<rootDir>/${t}`)),
    }),
    enableFindRelatedTests: false,
  },
  // Which tests cover which mutant is measured in the first, unmutated run; each mutant then runs
  // only the tests that cover it.
  coverageAnalysis: 'perTest',
  // Results are kept per place; a run re-tests only the mutants whose code or covering tests
  // changed since the last run. `--force` tests every mutant (and rewrites the file).
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  concurrency: 1,
  timeoutMS: 30000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  thresholds: { high: 90, low: 80, break: null },
};
