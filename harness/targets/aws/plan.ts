/**
 * What a changing verb of the AWS target shows before it asks (commands/confirm.ts): the account
 * and caller from `sts get-caller-identity`, the resources of the synthesized stack, and for
 * `--dry-run` what `terraform plan` says. Nothing here changes AWS or the user's tree: the plan runs
 * in a temporary copy of the stack directory (its configuration, state and override files, not its
 * `.terraform/`), deleted afterwards.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ChangePlan, CommandContext, Confirmation } from '../../commands/context.js';
import { type AwsToolOptions, createTools } from './tools/tool-options.js';

/** The account and the caller the AWS CLI acts as, e.g. "123456789012 as arn:aws:iam::123456789012:role/ci". */
export async function callerAccount(tools: AwsToolOptions, region: string, signal: AbortSignal): Promise<string> {
  const { AwsCli } = await import('./tools/aws-cli.js');
  const cli = new AwsCli({ binary: tools.awsCli, profile: tools.profile, endpointUrl: tools.endpointUrl, env: tools.env });
  const id = await cli.getCallerIdentity(region, signal);
  return `${id.account} as ${id.arn}`;
}

/** The resources a synthesized stack declares, by type ("aws_apprunner_service × 2"), in its order. */
export function resourcesOf(tfJsonPath: string): string[] {
  const doc = JSON.parse(readFileSync(tfJsonPath, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.entries(doc.resource ?? {}).map(([type, byName]) => `${type} × ${Object.keys(byName).length}`);
}

/** `terraform plan` (or `plan -destroy`) of the stack in a temporary copy of its directory: terraform's summary line. */
export async function planInCopy(
  tools: AwsToolOptions,
  stackDir: string,
  o: { readonly destroy?: boolean; readonly varFiles?: readonly string[] },
  signal: AbortSignal,
): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'dr-drill-plan-'));
  try {
    const copy = join(tmp, basename(stackDir));
    await cp(stackDir, copy, { recursive: true, filter: (src) => basename(src) !== '.terraform' });
    const { terraform } = createTools({ ...tools, terraformAttempts: 1 }, { stackDir: copy, varFiles: o.varFiles, logDir: tmp });
    await terraform.init(signal);
    return await terraform.plan(signal, { destroy: o.destroy });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Asks through the commands' one confirmation, with the account filled in: true to go ahead, false for a dry run. */
export async function confirmChange(
  ctx: CommandContext,
  given: Confirmation,
  tools: AwsToolOptions,
  plan: Omit<ChangePlan, 'account'> & { readonly identityRegion: string },
  signal: AbortSignal,
): Promise<boolean> {
  const { identityRegion, ...rest } = plan;
  const account = await callerAccount(tools, identityRegion, signal);
  return ctx.confirm({ ...rest, account }, given);
}
