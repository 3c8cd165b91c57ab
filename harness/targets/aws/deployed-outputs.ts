/**
 * The Terraform outputs of a deployed stack, read for the verbs that only read it (`check`,
 * `switch-writes`) without writing anything into the user's tree and without installing
 * providers: terraform runs in a temporary directory that holds the stack's backend block alone,
 * with its data directory (TF_DATA_DIR) there too, so `init` only connects the backend and
 * `output -json` reads the outputs the state holds. A stack with no outputs is not deployed: a
 * usage error that says how its state looked, before any AWS call.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { EdgeFailoverConfig } from '../../../config/index.js';
import { isPlainObject } from '../../../core/json.js';
import { locateStack, projectStack, synthesizeStack } from '../driver.js';
import { AwsTargetError } from './tools/errors.js';
import type { TerraformOutputs } from './tools/terraform.js';
import { type AwsToolOptions, createTools } from './tools/tool-options.js';

export interface DeployedOutputs {
  readonly stackName: string;
  /** The directory terraform works in for the stack (a relative local state path is resolved there). */
  readonly stackDir: string;
  readonly outputs: TerraformOutputs;
}

/**
 * The outputs of the stack `config` names: its backend read from `--cdktf-out`, else from the
 * project's cdktf.out, else from the config synthesized into a temporary directory (removed
 * afterwards) as if into the project's cdktf.out.
 */
export async function deployedOutputs(
  config: EdgeFailoverConfig,
  o: { readonly cdktfOut?: string; readonly cwd: string; readonly tools: AwsToolOptions },
  signal: AbortSignal,
): Promise<DeployedOutputs> {
  const found = o.cdktfOut !== undefined ? await locateStack(config, o.cdktfOut, o.cwd) : await projectStack(config, o.cwd);
  if (found) return { stackName: found.stackName, stackDir: found.stackDir, outputs: await outputsOf(found, o.cwd, o.tools, signal) };
  const tmp = await mkdtemp(join(tmpdir(), 'dr-drill-stack-'));
  try {
    const synthesized = await synthesizeStack(config, join(tmp, 'cdktf.out'));
    const stackDir = resolve(o.cwd, 'cdktf.out', relative(join(tmp, 'cdktf.out'), synthesized.stackDir));
    const stack = { stackName: synthesized.stackName, stackDir, tfJsonPath: synthesized.tfJsonPath };
    return { stackName: stack.stackName, stackDir, outputs: await outputsOf(stack, o.cwd, o.tools, signal) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The stack's `terraform { backend … }` block, and how its state is named in messages. */
function backendOf(stack: { readonly tfJsonPath: string; readonly stackDir: string }, cwd: string) {
  const doc = JSON.parse(readFileSync(stack.tfJsonPath, 'utf8')) as { terraform?: { backend?: unknown } };
  const declared = doc.terraform?.backend;
  // No backend block: terraform's default, terraform.tfstate in the working directory.
  const backend = isPlainObject(declared) ? declared : { local: {} };
  const [type, settings] = Object.entries(backend)[0] ?? ['local', {}];
  const s = (isPlainObject(settings) ? settings : {}) as Record<string, unknown>;
  if (type === 'local') {
    const path = typeof s.path === 'string' ? s.path : 'terraform.tfstate';
    const statePath = isAbsolute(path) ? path : resolve(stack.stackDir, path);
    return {
      block: { local: { ...s, path: statePath } },
      statePath,
      where: `the local state ${relative(cwd, statePath) || statePath}`,
    };
  }
  const where =
    type === 's3' && typeof s.bucket === 'string' && typeof s.key === 'string'
      ? `the state s3://${s.bucket}/${s.key}`
      : `the state in its ${type} backend`;
  return { block: { [type]: s }, where };
}

async function outputsOf(
  stack: { readonly stackName: string; readonly tfJsonPath: string; readonly stackDir: string },
  cwd: string,
  tools: AwsToolOptions,
  signal: AbortSignal,
): Promise<TerraformOutputs> {
  const backend = backendOf(stack, cwd);
  const nothing = (how: string) =>
    new AwsTargetError('usage', `nothing deployed for stack ${stack.stackName} (${how})`, {
      recovery: `Deploy it first (cdktf deploy, or dr-drill up --target aws), or point --config and --cdktf-out at the stack that is deployed.`,
    });
  if (backend.statePath !== undefined && !existsSync(backend.statePath)) throw nothing(`${backend.where} does not exist`);
  const tmp = await mkdtemp(join(tmpdir(), 'dr-drill-outputs-'));
  try {
    await writeFile(join(tmp, 'backend.tf.json'), `${JSON.stringify({ terraform: { backend: backend.block } })}\n`);
    const { terraform } = createTools(
      { ...tools, env: { ...tools.env, TF_DATA_DIR: join(tmp, '.terraform') }, terraformAttempts: 1 },
      { stackDir: tmp, logDir: tmp },
    );
    await terraform.init(signal);
    const outputs = await terraform.output(signal);
    if (Object.keys(outputs).length === 0) throw nothing(`${backend.where} holds no outputs`);
    return outputs;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
