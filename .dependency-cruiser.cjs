/**
 * The folder import rules the READMEs state, checked on every `npm test`
 * (`depcruise --config .dependency-cruiser.cjs lib core config modules stacks hcl harness app`).
 */
// Node built-ins and packages that do I/O: files, processes, the network, locks, terminals.
const IO_BUILTINS = '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|tls|dns|readline|worker_threads|cluster|process)$';
const IO_PACKAGES = '(^|/)node_modules/(execa|undici|proper-lockfile|listr2|@cdktf/hcl2json|@cdktf/hcl-tools)/';

// Harness modules outside analysis/ and report/ that are pure all the same.
const PURE_HARNESS_MODULES = '^harness/(targets/target|drill/state|drill/settings)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-is-the-public-surface',
      comment:
        'lib/ is what the package exports: it re-exports constructs, config and errors, and reaches neither the stack, the harness nor the HCL export (lib/README.md).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(stacks|harness|hcl|app|emulator|bench)/' },
    },
    {
      name: 'core-is-self-contained',
      comment: 'core/ holds pure modules every layer may import; it imports nothing outside core/ (core/README.md).',
      severity: 'error',
      from: { path: '^core/' },
      to: { pathNot: '^core/' },
    },
    {
      name: 'analysis-and-report-do-no-io',
      comment:
        'harness/analysis and harness/report are pure: timeline in, measurements, verdict and rendered strings out (harness/README.md).',
      severity: 'error',
      // The drill's state and settings and the Target interface are pure too, so the run record may
      // reuse them (toRunRecord reads the drill's own state); type-only imports erase at run time.
      from: { path: ['^harness/(analysis|report)/', PURE_HARNESS_MODULES] },
      to: {
        path: [IO_BUILTINS, IO_PACKAGES, '^harness/(drill|probe|targets|commands)/', '^harness/cli\\.ts$'],
        pathNot: PURE_HARNESS_MODULES,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'modules-never-read-the-environment',
      comment:
        'Constructs get every setting through props: no config loading, no process/env, no I/O (modules/README.md). __tests__/core/dependency-rules.test.ts also greps for process.env.',
      severity: 'error',
      from: { path: '^modules/' },
      to: { path: [IO_BUILTINS, IO_PACKAGES, '^config/(load|index)\\.ts$', '^(stacks|harness|hcl|app)/'] },
    },
    {
      name: 'compute-only-through-its-interface',
      comment:
        "Outside modules/compute/, constructs know a region's compute only as IRegionalCompute (compute/regional-compute.ts); the backends are composed by the stack (modules/README.md).",
      severity: 'error',
      from: { path: '^modules/', pathNot: '^modules/compute/' },
      to: { path: '^modules/compute/', pathNot: '^modules/compute/regional-compute\\.ts$' },
    },
    {
      name: 'monitoring-and-drill-runner-stay-apart',
      comment:
        'The drill runner is not monitoring: the stack passes it what it needs from the monitoring layer, so neither folder imports the other (modules/README.md).',
      severity: 'error',
      from: { path: '^modules/(monitoring|drill-runner)/' },
      to: { path: '^modules/(monitoring|drill-runner)/', pathNot: '^modules/$1/' },
    },
    {
      name: 'policy-statement-is-a-leaf',
      comment:
        'modules/policy-statement.ts holds the IAM statement shape both monitoring and the drill runner build; it imports no module.',
      severity: 'error',
      from: { path: '^modules/policy-statement\\.ts$' },
      to: { path: '^(modules|core|config)/' },
    },
    {
      name: 'hcl-reshape-and-convert-stay-apart',
      comment:
        'hcl/module/ reshapes the stack into a module in Terraform JSON, hcl/convert/ writes Terraform JSON as HCL; export.ts joins them, neither imports the other (hcl/README.md).',
      severity: 'error',
      from: { path: '^hcl/(module|convert)/' },
      to: { path: '^hcl/(module|convert)/', pathNot: '^hcl/$1/' },
    },
    {
      name: 'only-hcl-cli-synthesizes',
      comment: 'In hcl/, only cli.ts loads config and runs synthesis; the rest reads the synthesized JSON it is given (hcl/README.md).',
      severity: 'error',
      from: { path: '^hcl/', pathNot: '^hcl/cli\\.ts$' },
      to: { path: ['^stacks/', '^config/(load|index)\\.ts$', '^(harness|app)/'] },
    },
    {
      name: 'config-depends-on-nothing-above-it',
      comment: 'config/ feeds stacks and the harness; it imports only zod, core/ and Node fs/path (config/README.md).',
      severity: 'error',
      from: { path: '^config/' },
      to: { path: '^(modules|stacks|hcl|harness|app)/' },
    },
    {
      name: 'only-targets-run-tools',
      comment:
        'execa is imported only by the targets: aws (terraform and aws, through its wrappers) and local (the probe app and a port holder, which are node processes). __tests__/core/dependency-rules.test.ts checks that only targets/aws names terraform or aws as a command.',
      severity: 'error',
      from: { pathNot: '^harness/targets/(aws|local)/' },
      to: { path: '(^|/)node_modules/execa/' },
    },
    {
      name: 'targets-stay-apart',
      comment: "The local world does not reach into the AWS target's wrappers, and the AWS target does not reach into the local world.",
      severity: 'error',
      from: { path: '^harness/targets/(local|aws)/' },
      to: { path: '^harness/targets/(local|aws)/', pathNot: '^harness/targets/$1/' },
    },
    {
      name: 'cloudfront-model-stands-below-the-targets',
      comment:
        'harness/cloudfront is the CloudFront model both targets, the emulators and the bench build on: it imports core/ and the types of the Target interface, never a target, the drill or the CLI (harness/cloudfront/README.md).',
      severity: 'error',
      from: { path: '^harness/cloudfront/' },
      to: {
        path: ['^harness/(targets/(local|aws)|drill|probe|commands|analysis|report)/', '^harness/cli\\.ts$', '^(config|modules|stacks|hcl|emulator|bench)/', '(^|/)node_modules/(execa|proper-lockfile|listr2)/', '^(node:)?child_process$'],
      },
    },
    {
      name: 'only-targets-spawn-processes',
      comment:
        'Child processes are started only by the targets: aws (terraform, aws) and local (the probe app, which is not terraform or aws).',
      severity: 'error',
      from: { pathNot: '^harness/targets/(aws|local)/' },
      to: { path: '^(node:)?child_process$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdktf\\.out|drill-runs|hcl-out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.mjs', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
