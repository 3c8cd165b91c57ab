/**
 * The terraform wrapper: the only place that runs `terraform`. Every command runs with
 * `-chdir=<stackDir>`, `-input=false -no-color` and TF_IN_AUTOMATION=1, appends its output to
 * a log file in the run directory, and is bounded by a timeout and an AbortSignal.
 * apply and destroy retry known transient errors (retry.ts, RETRYABLE_TERRAFORM_ERRORS).
 */
import { AwsTargetError, CommandError } from './errors.js';
import { runCommand } from './exec.js';
import { FATAL_TERRAFORM_ERRORS, RETRYABLE_TERRAFORM_ERRORS, retry } from './retry.js';

/** One value of `terraform output -json`: {"name": {"sensitive": bool, "type": <type>, "value": <value>}}. */
export interface TerraformOutputValue {
  readonly sensitive: boolean;
  /** Terraform's JSON encoding of the type: "string", ["list", "string"], ... */
  readonly type: unknown;
  readonly value: unknown;
}

export type TerraformOutputs = Readonly<Record<string, TerraformOutputValue>>;

export interface TerraformTimeouts {
  /** @default 600_000 (provider downloads) */
  readonly initMs?: number;
  /** @default 2_700_000 (45 min: App Runner creation and CloudFront deployment take many minutes) */
  readonly applyMs?: number;
  /** @default 2_700_000 */
  readonly destroyMs?: number;
  /** @default 120_000 */
  readonly outputMs?: number;
}

export interface TerraformOptions {
  /** The synthesized stack directory (cdktf.out/stacks/<stack>). */
  readonly stackDir: string;
  /** The terraform executable, a path or a name looked up on PATH. @default 'terraform' */
  readonly binary?: string;
  /** Passed as -var-file to apply and destroy, in order. @default none */
  readonly varFiles?: readonly string[];
  /** Output of every command is appended here. @default not logged */
  readonly logFile?: string;
  /** Extra environment (AWS_PROFILE, TF_PLUGIN_CACHE_DIR, ...). @default none */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeouts?: TerraformTimeouts;
  /** Attempts for apply and destroy on transient errors. @default 3 */
  readonly attempts?: number;
  /** First delay between attempts. @default 15_000 */
  readonly retryDelayMs?: number;
  readonly log?: (message: string) => void;
}

const DEFAULT_TIMEOUTS = { initMs: 600_000, applyMs: 2_700_000, destroyMs: 2_700_000, outputMs: 120_000 } as const;

/** The env every terraform command gets: no prompts, output meant for machines. */
const AUTOMATION_ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' } as const;

export class Terraform {
  readonly binary: string;
  readonly stackDir: string;
  private readonly options: TerraformOptions;
  private readonly timeouts: Required<TerraformTimeouts>;

  constructor(options: TerraformOptions) {
    if (options.stackDir === '') throw new AwsTargetError('usage', 'terraform: stackDir = "": allowed: the synthesized stack directory');
    this.options = options;
    this.binary = options.binary ?? 'terraform';
    this.stackDir = options.stackDir;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) };
  }

  private varFileArgs(): string[] {
    return (this.options.varFiles ?? []).map((f) => `-var-file=${f}`);
  }

  private run(args: readonly string[], timeoutMs: number, signal: AbortSignal) {
    return runCommand({
      tool: 'terraform',
      file: this.binary,
      args: [`-chdir=${this.stackDir}`, ...args],
      timeoutMs,
      signal,
      env: { ...AUTOMATION_ENV, ...this.options.env },
      logFile: this.options.logFile,
    });
  }

  private retried<T>(description: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    return retry(fn, {
      description,
      attempts: this.options.attempts ?? 3,
      delayMs: this.options.retryDelayMs ?? 15_000,
      retryable: RETRYABLE_TERRAFORM_ERRORS,
      fatal: FATAL_TERRAFORM_ERRORS,
      signal,
      log: this.options.log,
    });
  }

  /** `terraform version -json`: the version string, e.g. "1.11.4". */
  async version(signal: AbortSignal): Promise<string> {
    const { stdout } = await runCommand({
      tool: 'terraform',
      file: this.binary,
      args: ['version', '-json'],
      timeoutMs: 30_000,
      signal,
      env: AUTOMATION_ENV,
    });
    return parseVersionJson(stdout);
  }

  async init(signal: AbortSignal): Promise<void> {
    await this.retried('terraform init', signal, () => this.run(['init', '-input=false', '-no-color'], this.timeouts.initMs, signal));
  }

  async apply(signal: AbortSignal): Promise<void> {
    await this.retried('terraform apply', signal, () =>
      this.run(['apply', '-auto-approve', '-input=false', '-no-color', ...this.varFileArgs()], this.timeouts.applyMs, signal),
    );
  }

  async destroy(signal: AbortSignal): Promise<void> {
    await this.retried('terraform destroy', signal, () =>
      this.run(['destroy', '-auto-approve', '-input=false', '-no-color', ...this.varFileArgs()], this.timeouts.destroyMs, signal),
    );
  }

  /**
   * `terraform plan` (`-destroy` for a destroy), without taking the state lock: what apply or
   * destroy would do, as terraform's one summary line ("Plan: 3 to add, …" or "No changes. …").
   */
  async plan(signal: AbortSignal, o: { readonly destroy?: boolean } = {}): Promise<string> {
    const { stdout } = await this.retried('terraform plan', signal, () =>
      this.run(
        ['plan', '-input=false', '-no-color', '-lock=false', ...(o.destroy ? ['-destroy'] : []), ...this.varFileArgs()],
        this.timeouts.applyMs,
        signal,
      ),
    );
    const summary = stdout.split('\n').find((l) => /^(Plan: |No changes\.)/.test(l.trim()));
    return summary?.trim() ?? 'terraform plan printed no summary line';
  }

  /** `terraform output -json`, parsed. An empty object when nothing is applied. */
  async output(signal: AbortSignal): Promise<TerraformOutputs> {
    const { stdout, commandLine } = await this.run(['output', '-json', '-no-color'], this.timeouts.outputMs, signal);
    return parseOutputJson(stdout, commandLine);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Parses terraform's documented `output -json` format, checking each entry's shape. */
export function parseOutputJson(text: string, source = 'terraform output -json'): TerraformOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AwsTargetError('external', `${source} printed something that is not JSON: ${text.slice(0, 200)}`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsTargetError('external', `${source}: expected a JSON object of outputs, got ${text.slice(0, 200)}`);
  }
  const out: [string, TerraformOutputValue][] = [];
  for (const [name, entry] of Object.entries(parsed)) {
    if (
      entry === null ||
      typeof entry !== 'object' ||
      !('value' in entry) ||
      typeof (entry as { sensitive?: unknown }).sensitive !== 'boolean'
    ) {
      throw new AwsTargetError('external', `${source}: output "${name}" lacks the documented {sensitive, type, value} shape`);
    }
    const e = entry as { sensitive: boolean; type?: unknown; value: unknown };
    out.push([name, { sensitive: e.sensitive, type: e.type, value: e.value }]);
  }
  // Own entries, each output's name one (an assignment to out["__proto__"] would set the table's prototype).
  return Object.fromEntries(out);
}

/** Reads a string output, or throws naming the missing output. */
export function stringOutput(outputs: TerraformOutputs, name: string, stackDir: string): string {
  const v = Object.hasOwn(outputs, name) ? outputs[name]?.value : undefined;
  if (typeof v !== 'string' || v === '') {
    throw new AwsTargetError(
      'external',
      `terraform output "${name}" is ${v === undefined ? 'missing' : JSON.stringify(v)} in ${stackDir}`,
      {
        recovery: `Check that the stack in ${stackDir} is applied and was synthesized by this project version (terraform -chdir=${stackDir} output).`,
      },
    );
  }
  return v;
}

function parseVersionJson(stdout: string): string {
  try {
    const v = (JSON.parse(stdout) as { terraform_version?: unknown }).terraform_version;
    if (typeof v === 'string') return v;
  } catch {
    // fall through: very old versions print text
  }
  const m = /Terraform v(\d+\.\d+\.\d+\S*)/.exec(stdout);
  if (m) return m[1]!;
  throw new AwsTargetError('external', `terraform version -json printed no version: ${stdout.slice(0, 200)}`);
}

/** The minimum terraform version: S3-native locking and the JSON outputs the harness reads. */
const MIN_TERRAFORM_VERSION = '1.5.0';

/** Whether a usable terraform binary is there. Never throws. */
export async function isTerraformAvailable(binary = 'terraform', signal = AbortSignal.timeout(30_000)): Promise<boolean> {
  try {
    await verifyTerraform(binary, signal);
    return true;
  } catch {
    return false;
  }
}

/** Returns terraform's version, or throws an error that says what to do. */
export async function verifyTerraform(binary = 'terraform', signal = AbortSignal.timeout(30_000)): Promise<string> {
  let version: string;
  try {
    version = await new Terraform({ stackDir: '.', binary }).version(signal);
  } catch (error) {
    const notFound = error instanceof CommandError && /not found/.test(error.reason);
    throw new AwsTargetError('usage', `terraform is not usable (${binary}): ${notFound ? 'not found' : (error as Error).message}`, {
      cause: error,
      recovery: `Install Terraform ${MIN_TERRAFORM_VERSION} or later (https://developer.hashicorp.com/terraform/install) and put it on PATH, or pass its path with --terraform <path>.`,
    });
  }
  if (compareVersions(version, MIN_TERRAFORM_VERSION) < 0) {
    throw new AwsTargetError('usage', `terraform ${version} (${binary}) is older than ${MIN_TERRAFORM_VERSION}`, {
      recovery: `Install Terraform ${MIN_TERRAFORM_VERSION} or later, or pass a newer one with --terraform <path>.`,
    });
  }
  return version;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
