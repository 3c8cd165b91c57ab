// Mutation testing of the code that decides whether a drill, and production, is safe:
// `npm run mutate -- --place <name>` runs one place (stryker/places.mjs lists them),
// `npm run mutate` all of them. Not part of `npm test` or CI: it runs tests once per mutant.
// __tests__/mutation/guard.test.ts proves, in the suite, that this configuration starts and kills
// a mutant. docs/mutation-testing.md has the commands, the scores and the wall times.
import { jestOverrides, placeName, selectPlaces } from './stryker/places.mjs';

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
    // Laid over jest.config.js in Stryker's sandbox: the test environment, the source roots (so
    // findRelatedTests follows imports through every source file) and the place's tests.
    config: jestOverrides(places),
    // Each mutant runs only the test files that import its file (and, of those, only the tests that
    // cover it), instead of loading every test file of the place.
    enableFindRelatedTests: true,
  },
  // Which tests cover which mutant is measured in the first, unmutated run; each mutant then runs
  // only the tests that cover it.
  coverageAnalysis: 'perTest',
  // Results are kept per place; a run re-tests only the mutants whose code or covering tests
  // changed since the last run. `--force` tests every mutant (and rewrites the file).
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  concurrency: 1,
  // Added to the covering tests' own time: a mutant that loops is declared timed out (detected) soon.
  timeoutMS: 5000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  thresholds: { high: 90, low: 80, break: null },
};
