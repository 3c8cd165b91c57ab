/**
 * The places mutation testing covers, each runnable alone: `npm run mutate -- --place <name>`.
 * A place is the source files Stryker mutates and the test files that judge the mutants: only
 * those tests run (per mutant, only those of them that cover it), so a place runs in minutes.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** @typedef {{ readonly what: string, readonly mutate: readonly string[], readonly tests: readonly string[] }} Place */

/** @type {Readonly<Record<string, Place>>} */
export const PLACES = {
  analysis: {
    what: 'the drill analysis: timelines, attribution, measurements, the verdict, the expected failover',
    mutate: ['harness/analysis/**/*.ts', '!harness/analysis/index.ts'],
    // The analysis's own suites. The drill and report suites that also reach it load the whole
    // drill and report per mutant, which made a run of this place take hours on two cores.
    tests: ['__tests__/analysis/**/*.test.ts'],
  },
  drill: {
    what: 'the drill orchestration: phases, waits, watch, state, the write switch, cleanup',
    mutate: ['harness/drill/**/*.ts', '!harness/drill/progress.ts', '!harness/drill/write-reports.ts'],
    // Unit suites only, each test in milliseconds. The suites that run whole drills against the fake
    // target (invariants, write-switch, alarm-phase: 0.2-2 s a drill, ~35 s for the three, and every
    // mutant of the orchestrator or a phase is covered by all their drills) made Stryker estimate
    // 4-9 hours for the place on two shared cores; orchestrator.test.ts and local-write-router.test.ts
    // drive the real local world (~20 s a run, and under load the instrumented initial run failed on
    // local-write-router). The unit suites judge each phase over a hand-made context instead.
    tests: [
      '__tests__/drill/alarm-steps.test.ts',
      '__tests__/drill/cleanup.test.ts',
      '__tests__/drill/live-waits.test.ts',
      '__tests__/drill/phases.test.ts',
      '__tests__/drill/run-phases.test.ts',
      '__tests__/drill/run-record.test.ts',
      '__tests__/drill/settings.test.ts',
      '__tests__/drill/state.test.ts',
      '__tests__/drill/wait.test.ts',
      '__tests__/drill/watch.test.ts',
      '__tests__/drill/write-switch-progress.test.ts',
    ],
  },
  'aws-safety': {
    what: "the AWS target's safety code: journal, ledger, recovery, each backend's fault inject/restore, the preflight checks, the retry table",
    mutate: [
      'harness/targets/aws/safety/**/*.ts',
      'harness/targets/aws/recover.ts',
      'harness/targets/aws/backends/**/*.ts',
      'harness/targets/aws/checks/**/*.ts',
      'harness/targets/aws/tools/retry.ts',
    ],
    tests: [
      '__tests__/targets/aws/journal.test.ts',
      '__tests__/targets/aws/ledger.test.ts',
      '__tests__/targets/aws/make-fault.test.ts',
      '__tests__/targets/aws/safety.test.ts',
      '__tests__/targets/aws/faults.test.ts',
      '__tests__/targets/aws/alb-fault.test.ts',
      '__tests__/targets/aws/ambiguous-fault.test.ts',
      '__tests__/targets/aws/service-backend.test.ts',
      '__tests__/targets/aws/preflight.test.ts',
      '__tests__/targets/aws/deployment-checks.test.ts',
      '__tests__/targets/aws/ecs-preflight.test.ts',
      '__tests__/targets/aws/ecs-rules.test.ts',
      '__tests__/targets/aws/preflight-verdict.test.ts',
      '__tests__/targets/aws/retry.test.ts',
    ],
  },
  'aws-ledger': {
    what: "the part of aws-safety its unit tests judge in minutes: the journal, the ledger, the printed way back, makeFault's rule for an ambiguous fault call, the retry table",
    mutate: [
      'harness/targets/aws/safety/journal.ts',
      'harness/targets/aws/safety/ledger.ts',
      'harness/targets/aws/safety/recovery-steps.ts',
      'harness/targets/aws/backends/service-backend.ts',
      'harness/targets/aws/tools/retry.ts',
    ],
    // Only the suites that need no AWS CLI: the aws-safety suites that drive whole runs through the
    // CLI also cover this code, and would run once per mutant.
    tests: [
      '__tests__/targets/aws/journal.test.ts',
      '__tests__/targets/aws/ledger.test.ts',
      '__tests__/targets/aws/make-fault.test.ts',
      '__tests__/targets/aws/retry.test.ts',
    ],
  },
  'aws-checks': {
    what: "the part of aws-safety pure unit suites judge in seconds: the preflight's checks of the distribution and the services, its verdict, ECS Express's listener rule checks and lookup, the managed-tag rule",
    mutate: [
      'harness/targets/aws/checks/behavior-checks.ts',
      'harness/targets/aws/checks/deployment-checks.ts',
      'harness/targets/aws/checks/inspect.ts',
      'harness/targets/aws/backends/ecs-checks.ts',
      'harness/targets/aws/backends/alb-rules.ts',
      'harness/targets/aws/backends/ecs-service.ts',
      'harness/targets/aws/backends/managed.ts',
    ],
    // The pure suites only (each file runs in seconds). preflight.test.ts drives the AWS CLI v2
    // against the stub (~2 min a run under load) and alb-fault.test.ts moto (minutes): per
    // surviving mutant they would run again, so they judge aws-backends and aws-safety instead.
    tests: [
      '__tests__/targets/aws/deployment-checks.test.ts',
      '__tests__/targets/aws/ecs-preflight.test.ts',
      '__tests__/targets/aws/ecs-rules.test.ts',
      '__tests__/targets/aws/preflight-verdict.test.ts',
    ],
  },
  'aws-backends': {
    what: "the part of aws-safety that needs the AWS CLI v2 against the stub: App Runner's pause and resume, ECS Express's fault and restore, recover and finishing a run, `dr-drill check`",
    mutate: [
      'harness/targets/aws/backends/app-runner.ts',
      'harness/targets/aws/backends/ecs-express.ts',
      'harness/targets/aws/backends/registry.ts',
      'harness/targets/aws/recover.ts',
      'harness/targets/aws/safety/finish.ts',
      'harness/targets/aws/checks/check.ts',
      'harness/targets/aws/checks/check-command.ts',
      'harness/targets/aws/checks/readiness.ts',
    ],
    // The suites that drive one call or one short run each through the AWS CLI v2 and the stub
    // (seconds to a minute a test). faults, alb-fault and ambiguous-fault run whole drills against
    // moto or the stub with injected failures (minutes a test): they stay in aws-safety.
    // finish.test.ts judges finishing a run (finish.ts) over a real journal without the CLI; the
    // aws-check suites judge `dr-drill check`, the readiness check and the registry without it.
    tests: [
      '__tests__/targets/aws/finish.test.ts',
      '__tests__/targets/aws/check-stack.test.ts',
      '__tests__/targets/aws/check-command.test.ts',
      '__tests__/targets/aws/readiness.test.ts',
      '__tests__/targets/aws/backend-registry.test.ts',
      '__tests__/targets/aws/service-backend.test.ts',
      '__tests__/targets/aws/safety.test.ts',
      '__tests__/targets/aws/preflight.test.ts',
    ],
  },
  'aws-check': {
    what: 'the part of aws-backends judged without the AWS CLI: `dr-drill check` (its findings, table, JSON and exit code), the readiness check before the preflight, the backend registry',
    mutate: [
      'harness/targets/aws/checks/check.ts',
      'harness/targets/aws/checks/check-command.ts',
      'harness/targets/aws/checks/readiness.ts',
      'harness/targets/aws/backends/registry.ts',
    ],
    // Pure suites (seconds a file): the AWS CLI is a shell script answering in the botocore output
    // shapes (answering-aws.ts) or answering-cli.ts, the direct GET a stand-in for fetch. A place of
    // its own because the registry's mutants are all static (module level): each runs every related
    // test of its place, and in aws-backends those are the AWS CLI suites (minutes a mutant);
    // Stryker's --testFiles does not help there, as it runs no test at all for a static mutant.
    tests: [
      '__tests__/targets/aws/check-stack.test.ts',
      '__tests__/targets/aws/check-command.test.ts',
      '__tests__/targets/aws/readiness.test.ts',
      '__tests__/targets/aws/backend-registry.test.ts',
    ],
  },
  'aws-faults': {
    what: "the part of aws-backends that makes and undoes the fault, judged without the AWS CLI: App Runner's pause and resume, ECS Express's listener rule fault and restore, recover",
    mutate: ['harness/targets/aws/backends/app-runner.ts', 'harness/targets/aws/backends/ecs-express.ts', 'harness/targets/aws/recover.ts'],
    // Pure suites (a few seconds a file): each backend is driven through a small AwsCli that answers
    // in the botocore output shapes and keeps the service's or the rule's state, on a real ledger and
    // journal; recover through a backend that records its undos. The aws-backends suites reach the
    // same code through the AWS CLI v2 and the stub, at minutes a mutant. backend-words judges what
    // each backend says of itself where the refusal and the preflight's findings use it.
    tests: [
      '__tests__/targets/aws/app-runner-fault.test.ts',
      '__tests__/targets/aws/ecs-express-fault.test.ts',
      '__tests__/targets/aws/recover-unit.test.ts',
      '__tests__/targets/aws/backend-words.test.ts',
    ],
  },
  'edge-decisions': {
    what: "the CloudFront model's per-request decisions: behavior and method, origin group failover, caching, viewer policies, path patterns",
    mutate: [
      'harness/cloudfront/edge.ts',
      'harness/cloudfront/edge-viewer.ts',
      'harness/cloudfront/edge-cache.ts',
      'harness/cloudfront/edge-policies.ts',
      'harness/cloudfront/path-pattern.ts',
      'harness/cloudfront/http-headers.ts',
    ],
    // The unit suites of these files and edge.test.ts (the edge between two recording origins).
    // conformance.test.ts provisions two whole local worlds (~30 s a mutant: hours for the place)
    // and stack-rules.test.ts synthesizes a stack and judges the rules loader, not mutated here.
    tests: [
      '__tests__/cloudfront/edge.test.ts',
      '__tests__/cloudfront/edge-viewer.test.ts',
      '__tests__/cloudfront/edge-cache.test.ts',
      '__tests__/cloudfront/edge-policies.test.ts',
      '__tests__/cloudfront/path-pattern.test.ts',
      '__tests__/cloudfront/http-headers.test.ts',
    ],
  },
};

/**
 * The directories jest's module map spans when Stryker runs a place: every source directory the
 * type checker reads (tsconfig.json's `include`), as `<rootDir>` paths so they point into
 * Stryker's sandbox. jest.config.js's `roots` is `__tests__` alone, and with it `findRelatedTests`
 * (Stryker's `enableFindRelatedTests`) sees only a test's direct imports: a file reached through
 * another source file outside the mutated file's own directory (Stryker adds only that one) had no
 * related test, so its mutants ran no test at all, and a place of such files "executed no tests".
 * @param {string} [root] the project's directory
 * @returns {string[]}
 */
export function sourceRoots(root = process.cwd()) {
  const read = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  if (read.error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  /** @type {string[]} */
  const include = read.config.include ?? [];
  return include.filter((p) => statSync(join(root, p), { throwIfNoEntry: false })?.isDirectory()).map((p) => `<rootDir>/${p}`);
}

/**
 * What Stryker's jest runner lays over jest.config.js for `places` (it reads jest.config.js in its
 * sandbox, a copy of the project where the mutants are). `stryker/related.mjs` reads the same, to
 * say which tests a mutant of each file runs.
 * @param {readonly [string, Place][]} places
 * @param {string} [root] the project's directory
 */
export function jestOverrides(places, root = process.cwd()) {
  return {
    // The runner loads the test environment itself, resolving the path from the sandbox before
    // jest would replace `<rootDir>`: so the path is relative here. Every other path stays
    // `<rootDir>`-relative, for jest, so it points into the sandbox too.
    testEnvironment: './__tests__/support/environment.js',
    roots: sourceRoots(root),
    testMatch: places.flatMap(([, p]) => p.tests.map((t) => `<rootDir>/${t}`)),
  };
}

/**
 * The place named on the command line (`--place <name>` or `--place=<name>`), or in
 * STRYKER_PLACE; undefined for all places at once.
 * @param {readonly string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
export function placeName(argv, env) {
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--place') return argv[i + 1];
    if (argv[i].startsWith('--place=')) return argv[i].slice('--place='.length);
  }
  return env['STRYKER_PLACE'] || undefined;
}

/**
 * The places a run covers: one by name, or all. A name that is no place is an error that says
 * which names are.
 * @param {string | undefined} name
 * @returns {readonly [string, Place][]}
 */
export function selectPlaces(name) {
  if (name === undefined) return Object.entries(PLACES);
  const place = Object.hasOwn(PLACES, name) ? PLACES[name] : undefined;
  if (!place) throw new Error(`--place: "${name}" is not a place; allowed: ${Object.keys(PLACES).join(', ')}`);
  return [[name, place]];
}
