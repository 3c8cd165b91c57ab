/**
 * `dr-drill init`: scaffolds what a team commits to drill its own account every night:
 * - a JSON config file (the compute backend, the regions, an S3 state backend with S3's native
 *   lock, alert e-mails), validated by the config schema's own `parseConfig` before anything is
 *   written;
 * - `.github/workflows/dr-drill-nightly.yml`: OIDC into a CI role, then the stack's drill-runner
 *   role (Terraform output `drill_runner_role_arn`), an existing-mode drill with `--config` and
 *   `--yes`, `recover` on failure or cancel, the reports as artifacts, JUnit annotations, the step
 *   summary (the drill appends `summary.md` to `$GITHUB_STEP_SUMMARY` itself) and a concurrency
 *   group that never cancels a drill in progress.
 * Values come from flags; on a terminal (`io.ask`) the ones left out are asked for, each checked
 * as it is answered; without one (or with `--yes`) the defaults apply. Existing files are never
 * overwritten without `--force` (exit 2, naming the file).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { Document } from 'yaml';
import { COMPUTE_BACKENDS, type ComputeBackend } from '../../core/aws-facts.js';
import { EdgeFailoverError, InputError, formatProblem, type Problem } from '../../core/errors.js';
import { ConfigError, parseConfig, type EdgeFailoverConfigInput } from '../../config/index.js';
import type { CliIo, CommandContext } from './context.js';

/** Where the workflow goes, relative to --dir. */
export const WORKFLOW_FILE = '.github/workflows/dr-drill-nightly.yml';
export const DEFAULT_CONFIG_FILE = 'edge-failover.json';
/** Repository secrets the workflow reads: the role GitHub's OIDC assumes, and the stack's drill-runner role. */
export const WORKFLOW_SECRETS = { oidcRole: 'DR_DRILL_OIDC_ROLE_ARN', drillRunnerRole: 'DR_DRILL_ROLE_ARN' } as const;
/** Where the nightly run writes its reports, relative to the repository. */
export const NIGHTLY_OUT = 'drill-runs/nightly';
/** The package whose bin the workflow runs (a checkout of it runs its own bin/). */
const PACKAGE = 'edge-failover';

/** What `init` takes, as commander parses it. */
interface InitOptions {
  readonly dir?: string;
  readonly backend?: string;
  readonly primaryRegion?: string;
  readonly secondaryRegion?: string;
  readonly namePrefix?: string;
  readonly stateBucket?: string;
  readonly stateKey?: string;
  readonly stateRegion?: string;
  readonly alertEmail?: string[];
  readonly configFile: string;
  readonly force?: boolean;
  readonly yes?: boolean;
}

/** The values the config is made of, each a string as given or answered (alert e-mails: a list). */
type Values = {
  backend?: string;
  namePrefix?: string;
  primaryRegion?: string;
  secondaryRegion?: string;
  stateBucket?: string;
  stateKey?: string;
  stateRegion?: string;
  alertEmail?: string[];
};
type Key = keyof Values;

/** The basis of the backend question: the project's sourced statement (docs/aws-behaviour.md, "App Runner regions"). */
export const BACKEND_EXPLANATION =
  'Compute backend: App Runner ("apprunner") accepts existing App Runner customers only: it closed to new customers on ' +
  '30 April 2026. ECS Express Mode ("ecs-express") is the path for new accounts, and AWS recommends it instead ' +
  '(docs/aws-behaviour.md, "App Runner regions").';

/**
 * Each value: its flag, the config field it sets (problems the schema finds there are reported
 * against the flag), the question asked on a terminal, and its default (from the values before it).
 */
const FIELDS: readonly {
  readonly key: Key;
  readonly flag: string;
  readonly field: string;
  readonly question: string;
  readonly fallback: (v: Values) => string | undefined;
}[] = [
  {
    key: 'backend',
    flag: '--backend',
    field: 'service.backend',
    question: `Compute backend (${COMPUTE_BACKENDS.join(', ')})`,
    fallback: () => 'apprunner',
  },
  {
    key: 'namePrefix',
    flag: '--name-prefix',
    field: 'namePrefix',
    question: 'Name prefix (also the stack name)',
    fallback: () => 'edge-failover',
  },
  { key: 'primaryRegion', flag: '--primary-region', field: 'regions.primary', question: 'Primary region', fallback: () => 'us-east-1' },
  {
    key: 'secondaryRegion',
    flag: '--secondary-region',
    field: 'regions.secondary',
    question: 'Secondary region',
    fallback: (v) => (v.primaryRegion === 'us-west-2' ? 'us-east-1' : 'us-west-2'),
  },
  {
    key: 'stateBucket',
    flag: '--state-bucket',
    field: 'backend.bucket',
    question: 'S3 bucket for the Terraform state (versioning on; the nightly drill reads the outputs from it)',
    fallback: () => undefined,
  },
  {
    key: 'stateKey',
    flag: '--state-key',
    field: 'backend.key',
    question: 'State object key',
    fallback: (v) => `${v.namePrefix ?? 'edge-failover'}/terraform.tfstate`,
  },
  {
    key: 'stateRegion',
    flag: '--state-region',
    field: 'backend.region',
    question: "State bucket's region",
    fallback: (v) => v.primaryRegion,
  },
  {
    key: 'alertEmail',
    flag: '--alert-email',
    field: 'monitoring.alertEmails',
    question: 'Alert e-mail addresses, comma-separated (empty for none)',
    fallback: () => '',
  },
];

const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function initCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  program
    .command('init')
    .description(`scaffold a config file and ${WORKFLOW_FILE} (a nightly drill of the deployed stack); asks on a terminal`)
    .option('--dir <path>', 'the repository to write into (default: the current directory)')
    .option('--backend <backend>', `compute backend: ${COMPUTE_BACKENDS.join(' or ')} (new accounts: ecs-express)`)
    .option('--primary-region <region>', 'primary region')
    .option('--secondary-region <region>', 'secondary region')
    .option('--name-prefix <prefix>', 'prefix of every resource name, and the stack name')
    .option('--state-bucket <name>', 'S3 bucket for the Terraform state (required without a terminal)')
    .option('--state-key <key>', 'state object key (default: <name-prefix>/terraform.tfstate)')
    .option('--state-region <region>', "the state bucket's region (default: the primary region)")
    .addOption(new Option('--alert-email <address>', 'an address the alarms notify; repeatable').argParser(repeatable))
    .option('--config-file <name>', 'the config file to write, relative to --dir', DEFAULT_CONFIG_FILE)
    .option('--force', 'overwrite files that exist')
    .option('-y, --yes', 'ask nothing, even on a terminal: the defaults apply to what the flags leave out')
    .action(async (opts: InitOptions) => {
      setExit(await init(opts, ctx.io));
    });
}

async function init(opts: InitOptions, io: CliIo): Promise<number> {
  const dir = resolve(io.cwd, opts.dir ?? '.');
  const configFile = checkedConfigFile(opts.configFile);
  const files = [configFile, WORKFLOW_FILE];
  // Refused before any question: answers to a command that cannot write would be wasted.
  if (!opts.force) {
    const existing = files.filter((f) => existsSync(join(dir, f)));
    if (existing.length > 0) {
      throw new EdgeFailoverError(
        'usage',
        `${existing.map((f) => join(dir, f)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}: nothing was written (pass --force to overwrite)`,
      );
    }
  }
  const given: Values = {
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
    ...(opts.namePrefix !== undefined ? { namePrefix: opts.namePrefix } : {}),
    ...(opts.primaryRegion !== undefined ? { primaryRegion: opts.primaryRegion } : {}),
    ...(opts.secondaryRegion !== undefined ? { secondaryRegion: opts.secondaryRegion } : {}),
    ...(opts.stateBucket !== undefined ? { stateBucket: opts.stateBucket } : {}),
    ...(opts.stateKey !== undefined ? { stateKey: opts.stateKey } : {}),
    ...(opts.stateRegion !== undefined ? { stateRegion: opts.stateRegion } : {}),
    ...(opts.alertEmail !== undefined ? { alertEmail: opts.alertEmail } : {}),
  };
  // Flags are checked first, so a bad flag is reported before any question.
  const flagProblems = problemsOf(given, new Set(Object.keys(given) as Key[]));
  if (flagProblems.length > 0) throw new InputError(flagProblems, { heading: 'Invalid option' });

  const values = io.ask && !opts.yes ? await ask(given, io, io.ask) : withDefaults(given);
  const problems = problemsOf(values, new Set(FIELDS.map((f) => f.key)));
  if (problems.length > 0) throw new InputError(problems, { heading: 'Invalid option' });

  const config = configOf(values);
  const workflow = workflowYaml({ configFile, bin: binIn(dir), region: values.primaryRegion!, stack: values.namePrefix! });
  for (const [file, text] of [
    [configFile, `${JSON.stringify(config, null, 2)}\n`],
    [WORKFLOW_FILE, workflow],
  ] as const) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  io.stdout(nextSteps(io.cwd, dir, configFile, values));
  return 0;
}

/** The config file name: a relative path inside --dir ending in .json, of characters a workflow line needs no quoting for. */
function checkedConfigFile(name: string): string {
  const ok = /^[A-Za-z0-9._/-]+\.json$/.test(name) && !isAbsolute(name) && !name.split('/').includes('..');
  if (!ok) {
    throw new InputError(
      [
        {
          field: '--config-file',
          value: name,
          allowed: 'a relative path inside --dir ending in .json, of letters, digits, ".", "_", "-" and "/", without ".."',
        },
      ],
      { heading: 'Invalid option' },
    );
  }
  return name;
}

function withDefaults(given: Values): Values {
  const v: Values = { ...given };
  for (const f of FIELDS) {
    if (v[f.key] !== undefined) continue;
    const d = f.fallback(v);
    if (d !== undefined) set(v, f.key, d);
  }
  return v;
}

/** Asks for every value the flags left out; a bad answer is explained and asked again (three tries). */
async function ask(given: Values, io: CliIo, question: (q: string) => Promise<string>): Promise<Values> {
  const v: Values = { ...given };
  for (const f of FIELDS) {
    if (v[f.key] !== undefined) continue;
    if (f.key === 'backend') io.stderr(`${BACKEND_EXPLANATION}\n`);
    const fallback = f.fallback(v);
    for (let attempt = 1; ; attempt++) {
      const answer = (await question(`${f.question}${fallback ? ` [${fallback}]` : ''}: `)).trim();
      set(v, f.key, answer === '' ? (fallback ?? '') : answer);
      const problems = problemsOf(v, new Set([f.key]));
      if (problems.length === 0) break;
      if (attempt === 3) throw new InputError(problems, { heading: 'Invalid answer' });
      io.stderr(`${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\n`);
    }
  }
  return v;
}

function set(v: Values, key: Key, text: string): void {
  if (key === 'alertEmail') {
    v.alertEmail = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  } else {
    v[key] = text;
  }
}

/** The config the values make: only what `init` decides, every other field at the schema's default. */
function configOf(v: Values): EdgeFailoverConfigInput {
  return {
    namePrefix: v.namePrefix,
    regions: { primary: v.primaryRegion, secondary: v.secondaryRegion },
    service: { backend: v.backend as ComputeBackend },
    monitoring: { alertEmails: v.alertEmail ?? [] },
    backend: { type: 's3', bucket: v.stateBucket!, key: v.stateKey!, region: v.stateRegion!, useLockfile: true, encrypt: true },
  };
}

/**
 * The schema's problems with the config these values make, reported against the flags in `keys`.
 * Values not given yet take their defaults for the check (the backend: ecs-express, which exists
 * in every region; the bucket: a stand-in), so the rules between fields (two different regions)
 * apply to the values given. The schema is `parseConfig`, as synthesis uses it.
 */
function problemsOf(v: Values, keys: ReadonlySet<Key>): Problem[] {
  const filled = withDefaults(v.backend === undefined ? { ...v, backend: 'ecs-express' } : v);
  if (filled.stateBucket === undefined && !keys.has('stateBucket')) filled.stateBucket = 'stand-in-bucket';
  try {
    parseConfig(configOf(filled));
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.flatMap((p) => {
      const f = FIELDS.find((x) => p.field === x.field || p.field.startsWith(`${x.field}.`));
      if (!f || !keys.has(f.key)) return [];
      return [{ field: f.flag, value: p.value, allowed: p.allowed }];
    });
  }
}

/** The command line of the bin: a checkout of this package runs its own, any other repository the installed one. */
function binIn(dir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    if (pkg.name === PACKAGE) return 'node bin/dr-drill.js';
  } catch {
    // No package.json yet: the repository will install the package.
  }
  return `node node_modules/${PACKAGE}/bin/dr-drill.js`;
}

/** The nightly workflow, built as data and written by the YAML library. */
export function workflowYaml(o: { configFile: string; bin: string; region: string; stack: string }): string {
  const secret = (name: string) => `\${{ secrets.${name} }}`;
  const tail = `--target aws --config ${o.configFile} --yes --plain`;
  const workflow = {
    name: 'dr-drill-nightly',
    on: { schedule: [{ cron: '17 3 * * *' }], workflow_dispatch: {} },
    permissions: { 'id-token': 'write', contents: 'read' },
    // One drill of a stack at a time; a drill in progress is never cancelled (it would leave the primary paused).
    concurrency: { group: `dr-drill-${o.stack}`, 'cancel-in-progress': false },
    jobs: {
      drill: {
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 60,
        steps: [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': 20, cache: 'npm' } },
          { uses: 'hashicorp/setup-terraform@v3', with: { terraform_wrapper: false } },
          {
            name: 'Credentials: the CI role, through GitHub OIDC',
            uses: 'aws-actions/configure-aws-credentials@v4',
            with: { 'role-to-assume': secret(WORKFLOW_SECRETS.oidcRole), 'aws-region': o.region },
          },
          {
            name: 'Credentials: the drill-runner role (Terraform output drill_runner_role_arn)',
            uses: 'aws-actions/configure-aws-credentials@v4',
            with: {
              'role-to-assume': secret(WORKFLOW_SECRETS.drillRunnerRole),
              'role-chaining': true,
              // The drill-runner role trusts sts:AssumeRole alone, not sts:TagSession.
              'role-skip-session-tagging': true,
              'aws-region': o.region,
            },
          },
          { run: 'npm ci' },
          {
            name: 'Drill the deployed stack (appends summary.md to the step summary)',
            id: 'drill',
            run: `${o.bin} run --mode existing ${tail} --out ${NIGHTLY_OUT}`,
          },
          {
            name: 'Recover: resume the primary when the drill failed or was cancelled',
            if: 'failure() || cancelled()',
            run: `${o.bin} recover ${tail}`,
          },
          {
            name: 'Reports',
            if: 'always()',
            uses: 'actions/upload-artifact@v4',
            with: { name: 'dr-drill-report', path: NIGHTLY_OUT, 'if-no-files-found': 'warn' },
          },
          {
            name: 'JUnit annotations',
            if: 'always()',
            uses: 'mikepenz/action-junit-report@v4',
            // Annotations without a check run: that would need `checks: write`, which the workflow does not grant.
            with: { report_paths: `${NIGHTLY_OUT}/junit.xml`, annotate_only: true },
          },
        ],
      },
    },
  };
  const doc = new Document(workflow);
  doc.commentBefore =
    ' Written by `dr-drill init`. Repository secrets:\n' +
    `   ${WORKFLOW_SECRETS.oidcRole}: a role GitHub's OIDC provider may assume for this repository\n` +
    '     (it is monitoring.drillRunnerPrincipalArn in the config);\n' +
    `   ${WORKFLOW_SECRETS.drillRunnerRole}: the stack's Terraform output drill_runner_role_arn.`;
  return doc.toString({ lineWidth: 0 });
}

/** What was written, and the commands that follow; paths relative to where the command ran. */
function nextSteps(cwd: string, dir: string, configFile: string, v: Values): string {
  const shown = (f: string) => relative(cwd, join(dir, f));
  const env = `EDGE_FAILOVER_CONFIG=${configFile}`;
  return [
    `Wrote ${shown(configFile)} (${v.backend} in ${v.primaryRegion} and ${v.secondaryRegion}; state in s3://${v.stateBucket}/${v.stateKey}, ${v.stateRegion}, S3 lock file)`,
    `Wrote ${shown(WORKFLOW_FILE)} (nightly drill of the stack ${v.namePrefix})`,
    '',
    'Next:',
    `  1. Create the bucket s3://${v.stateBucket} in ${v.stateRegion} with versioning on, if it does not exist.`,
    `  2. Set monitoring.drillRunnerPrincipalArn in ${configFile} to the role GitHub's OIDC assumes, so the stack creates the drill-runner role.`,
    `  3. Deploy:       ${env} npx cdktf deploy ${v.namePrefix}`,
    `  4. Check:        npx dr-drill check --target aws --config ${configFile}`,
    `  5. Drill once:   npx dr-drill run --target aws --mode existing --config ${configFile}`,
    `  6. Set the repository secrets ${WORKFLOW_SECRETS.oidcRole} and ${WORKFLOW_SECRETS.drillRunnerRole} (terraform output drill_runner_role_arn), then commit both files.`,
    '',
  ].join('\n');
}
