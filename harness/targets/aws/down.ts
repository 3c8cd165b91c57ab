/**
 * `dr-drill down --target aws`: destroys the stack deployed from a synthesized stack directory
 * (by `dr-drill up --target aws` or `cdktf deploy`), under the stack's lock and journal, so a
 * destroy that fails is finished by `dr-drill recover --target aws`.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveWaits } from './tools/waits.js';
import { BACKENDS } from './backends/registry.js';
import { finishRun, type FinishResult } from './safety/finish.js';
import { RunLedger } from './safety/ledger.js';
import { installOverrides } from './tools/overrides.js';
import { verifyTerraform } from './tools/terraform.js';
import { type AwsToolOptions, createTools } from './tools/tool-options.js';

export interface DestroyStackOptions extends AwsToolOptions {
  /** The stack's name: its journal and lock name. */
  readonly stack: string;
  /** The synthesized stack directory terraform ran in. */
  readonly stackDir: string;
  readonly stateDir: string;
  readonly runId: string;
  /** Where aws.log and terraform.log go. */
  readonly logDir: string;
  readonly regions: readonly string[];
  readonly varFiles?: readonly string[];
  readonly terraformOverrides?: readonly string[];
}

export async function destroyStack(o: DestroyStackOptions, signal: AbortSignal): Promise<FinishResult> {
  await mkdir(o.logDir, { recursive: true });
  const tools = createTools(o, { stackDir: o.stackDir, varFiles: o.varFiles, logDir: o.logDir });
  await verifyTerraform(tools.terraform.binary, signal);
  const ledger = await RunLedger.open({
    stateDir: o.stateDir,
    name: o.stack,
    runId: o.runId,
    mode: 'deploy',
    command: 'down',
    stackDir: o.stackDir,
    varFiles: o.varFiles ?? [],
    regions: o.regions,
    options: {
      ...(o.endpointUrl !== undefined ? { endpointUrl: o.endpointUrl } : {}),
      ...(o.awsCli !== undefined ? { awsCli: o.awsCli } : {}),
      ...(o.profile !== undefined ? { profile: o.profile } : {}),
      ...(o.terraform !== undefined ? { terraform: o.terraform } : {}),
      terraformOverrides: o.terraformOverrides ?? [],
    },
  });
  try {
    try {
      await installOverrides(o.stackDir, o.terraformOverrides ?? [], o.log);
      if (!existsSync(join(o.stackDir, '.terraform'))) await tools.terraform.init(signal);
    } catch (error) {
      await ledger.finish('nothing destroyed: terraform init failed');
      throw error;
    }
    await ledger.destroyStarted();
    return await finishRun(ledger, { ...tools, waits: resolveWaits(o.waits), leakSettleMs: 0, signal, log: o.log, backends: BACKENDS });
  } finally {
    await ledger.release(o.log);
  }
}
