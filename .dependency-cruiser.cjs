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
      name: 'alarms-are-pure',
      comment:
        'harness/alarms evaluates alarms as CloudWatch documents them: it imports core/ and nothing that does I/O (harness/alarms/README.md).',
      severity: 'error',
      from: { path: '^harness/alarms/' },
      to: { pathNot: ['^core/', '^harness/alarms/'] },
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
        "Outside modules/compute/, constructs know a region's compute only as IRegionalCompute (compute/regional-compute.ts) and what differs by backend only through the registry (compute/registry.ts); the stack builds the backends through that registry (modules/README.md).",
      severity: 'error',
      from: { path: '^modules/', pathNot: '^modules/compute/' },
      to: { path: '^modules/compute/', pathNot: '^modules/compute/(regional-compute|registry)\\.ts$' },
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
      comment: 'config/ feeds stacks and the harness; it imports only zod, fastest-levenshtein, core/ and Node fs/path (config/README.md).',
      severity: 'error',
      from: { path: '^config/' },
      to: { pathNot: ['^config/', '^core/', '(^|/)node_modules/zod/', '(^|/)node_modules/fastest-levenshtein/', '^(node:)?(fs|path)$'] },
    },
    {
      name: 'modules-take-only-config-types',
      comment: 'Modules import config/ types at most: the values reach them as props (modules/README.md).',
      severity: 'error',
      from: { path: '^modules/' },
      to: { path: '^config/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'stacks-import-what-the-readme-says',
      comment:
        "stacks/ composes the constructs: it imports config/, modules/, core/ and app/launch.ts (the probe app's start command), never the harness or hcl/ (stacks/README.md).",
      severity: 'error',
      from: { path: '^stacks/' },
      to: { path: '^(harness|hcl|app|emulator|bench)/', pathNot: '^app/launch\\.ts$' },
    },
    {
      name: 'app-imports-no-project-code',
      comment: 'The probe app and its launch settings import no other project code (app/README.md).',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^(lib|core|config|modules|stacks|hcl|harness|emulator|bench)/' },
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
        path: [
          '^harness/(targets/(local|aws)|drill|probe|commands|analysis|report)/',
          '^harness/cli\\.ts$',
          '^(config|modules|stacks|hcl|emulator|bench)/',
          '(^|/)node_modules/(execa|proper-lockfile|listr2)/',
          '^(node:)?child_process$',
        ],
      },
    },
    // harness/README.md's folder table ("May import") and harness/targets/README.md.
    {
      name: 'cli-imports-commands',
      comment: 'harness/cli.ts is the program: it imports the commands, version.ts and core/ (harness/README.md).',
      severity: 'error',
      from: { path: '^harness/cli\\.ts$' },
      to: { path: '^(harness|config|modules|stacks|hcl|app)/', pathNot: ['^harness/commands/', '^harness/version\\.ts$'] },
    },
    {
      name: 'commands-import-what-the-readme-says',
      comment:
        "harness/commands may import the drivers and the interfaces they speak (targets/driver.ts, targets/target.ts), drill/, report/, analysis/, alarms/, cloudfront/, history/, config/, core/, run-id.ts, version.ts and the write router's region names (harness/README.md).",
      severity: 'error',
      from: { path: '^harness/commands/' },
      to: {
        path: '^(harness|modules|stacks|hcl|app)/',
        pathNot: [
          '^harness/(commands|drill|report|analysis|alarms|cloudfront|history)/',
          '^harness/targets/(target|driver|[^/]+/driver)\\.ts$',
          '^harness/(run-id|version)\\.ts$',
          '^modules/write-router/function-code\\.ts$',
        ],
      },
    },
    {
      name: 'only-the-registry-names-the-targets',
      comment:
        'commands/common.ts holds `drivers`, the one place that knows which targets exist; every other command dispatches through it, so a new target adds a driver, not branches (harness/targets/README.md).',
      severity: 'error',
      from: { path: '^harness/commands/', pathNot: '^harness/commands/common\\.ts$' },
      to: { path: '^harness/targets/[^/]+/driver\\.ts$' },
    },
    {
      name: 'targets-are-reached-through-their-driver',
      comment: "Outside a target's folder, only its driver is imported (harness/targets/README.md).",
      severity: 'error',
      from: { pathNot: '^harness/targets/' },
      to: { path: '^harness/targets/[^/]+/', pathNot: '^harness/targets/[^/]+/driver\\.ts$' },
    },
    {
      name: 'targets-know-only-the-cli-context',
      comment:
        'A driver serves the CLI with the types of harness/commands/context.ts (where the CLI writes, its signal trap), type-only; nothing in targets/ imports a command or cli.ts (harness/targets/README.md).',
      severity: 'error',
      from: { path: '^harness/targets/' },
      to: { path: '^harness/(commands/|cli\\.ts$)', pathNot: '^harness/commands/context\\.ts$' },
    },
    {
      name: 'cli-context-is-types-only-for-targets',
      comment: 'harness/commands/context.ts reaches targets/ as types alone (harness/targets/README.md).',
      severity: 'error',
      from: { path: '^harness/targets/' },
      to: { path: '^harness/commands/context\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'local-world-imports-what-the-readme-says',
      comment:
        "The local world may import the Target interface and the driver's, the CLI context's types, harness/cloudfront/, harness/alarms/ (the stack's alarms and their evaluation), run-id.ts, config/, core/ and the write router's region names; never aws/ (harness/targets/README.md).",
      severity: 'error',
      from: { path: '^harness/targets/local/' },
      to: {
        path: '^(harness|modules|stacks|hcl|app)/',
        pathNot: [
          '^harness/targets/(local/|target\\.ts$|driver\\.ts$)',
          '^harness/(cloudfront/|alarms/|run-id\\.ts$|commands/context\\.ts$)',
          '^modules/write-router/function-code\\.ts$',
        ],
      },
    },
    {
      name: 'aws-target-imports-what-the-readme-says',
      comment:
        "The AWS target may import the Target interface and the driver's, the CLI context's types, harness/cloudfront/, run-id.ts, report/terminal.ts (terminal-safe text), config/, core/, stacks/contract.ts and the write router's region names; never local/ (harness/targets/aws/README.md).",
      severity: 'error',
      from: { path: '^harness/targets/aws/' },
      to: {
        path: '^(harness|modules|stacks|hcl|app)/',
        pathNot: [
          '^harness/targets/(aws/|target\\.ts$|driver\\.ts$)',
          '^harness/(cloudfront/|run-id\\.ts$|commands/context\\.ts$|report/terminal\\.ts$)',
          '^stacks/contract\\.ts$',
          '^modules/write-router/function-code\\.ts$',
        ],
      },
    },
    {
      name: 'report-imports-what-the-readme-says',
      comment:
        "harness/report imports analysis/, the pure harness modules (the Target interface, drill/state.ts, drill/settings.ts), drill/cleanup.ts's types, the house wording of zod issues (config/wording.ts) and core/ (harness/README.md, harness/report/README.md).",
      severity: 'error',
      from: { path: '^harness/report/' },
      to: {
        path: '^(harness|config|modules|stacks|hcl|app)/',
        pathNot: ['^harness/(report|analysis)/', PURE_HARNESS_MODULES, '^harness/drill/cleanup\\.ts$', '^config/wording\\.ts$'],
      },
    },
    {
      name: 'report-takes-only-types-from-cleanup',
      comment: "harness/report names a cleanup step's result by drill/cleanup.ts's type alone (harness/report/README.md).",
      severity: 'error',
      from: { path: '^harness/report/' },
      to: { path: '^harness/drill/cleanup\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'history-imports-what-the-readme-says',
      comment:
        'harness/history reads and stores runs: it imports report/, drill/write-reports.ts, the AWS driver (for S3) and core/ (harness/README.md).',
      severity: 'error',
      from: { path: '^harness/history/' },
      to: {
        path: '^(harness|modules|stacks|hcl|app)/',
        pathNot: ['^harness/(history|report)/', '^harness/drill/write-reports\\.ts$', '^harness/targets/aws/driver\\.ts$'],
      },
    },
    {
      name: 'drill-imports-what-the-readme-says',
      comment: 'harness/drill depends on analysis/, alarms/, probe/, report/, core/ and the Target interface only (harness/README.md).',
      severity: 'error',
      from: { path: '^harness/drill/' },
      to: {
        path: '^(harness|config|modules|stacks|hcl|app)/',
        pathNot: ['^harness/(drill|analysis|alarms|probe|report)/', '^harness/targets/target\\.ts$'],
      },
    },
    {
      name: 'probe-imports-what-the-readme-says',
      comment: "harness/probe imports analysis/'s types and the Target interface (harness/README.md).",
      severity: 'error',
      from: { path: '^harness/probe/' },
      to: {
        path: '^(harness|config|modules|stacks|hcl|app|core)/',
        pathNot: ['^harness/probe/', '^harness/targets/target\\.ts$', '^harness/analysis/'],
      },
    },
    {
      name: 'probe-takes-only-types-from-analysis',
      comment: "harness/probe imports analysis/'s types only (harness/README.md).",
      severity: 'error',
      from: { path: '^harness/probe/' },
      to: { path: '^harness/analysis/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'run-id-imports-only-crypto',
      comment: 'harness/run-id.ts needs node:crypto only (harness/README.md).',
      severity: 'error',
      from: { path: '^harness/run-id\\.ts$' },
      to: { pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'only-targets-spawn-processes',
      comment:
        'Child processes are started only by the targets: aws (terraform, aws) and local (the probe app, which is not terraform or aws).',
      severity: 'error',
      from: { pathNot: '^harness/targets/(aws|local)/' },
      to: { path: '^(node:)?child_process$' },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycles anywhere, type-only imports included (tsPreCompilationDeps keeps them in the graph): a wire shape shared by two behaviour files goes to a leaf module such as harness/targets/aws/wire.ts.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'aws-wire-is-a-leaf',
      comment:
        "harness/targets/aws/wire.ts holds the AWS target's wire shapes (what AWS returns, what the journal stores) and imports nothing, so behaviour files never import each other for a type (harness/targets/aws/README.md).",
      severity: 'error',
      from: { path: '^harness/targets/aws/wire\\.ts$' },
      to: {},
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
