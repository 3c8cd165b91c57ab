/**
 * `dr-drill check --target aws`: the preflight checks of the live deployment on their own,
 * read-only (get-distribution-config, get-distribution, the backend's describe call, tags, for ECS
 * Express the listener rules, and a direct GET of the secondary), for any stack at any time.
 * Nothing is faulted, locked or written but logs.
 */
import { mkdir } from 'node:fs/promises';
import type { EdgeFailoverConfig } from '../../../../config/index.js';
import { verifyAwsCli } from '../tools/aws-cli.js';
import { BACKENDS, type BackendRegistry } from '../backends/registry.js';
import { inspectDeployment } from './inspect.js';
import { type StackRefs, explicitRefs, refsFromOutputs } from '../stack-refs.js';
import { type ExistingStackRef, checkExistingRef } from '../target-options.js';
import { AwsTargetError } from '../tools/errors.js';
import type { TerraformOutputs } from '../tools/terraform.js';
import { type AwsToolOptions, createTools } from '../tools/tool-options.js';
import type { Finding, ReadServices } from '../wire.js';

export interface CheckOptions extends AwsToolOptions {
  readonly config: EdgeFailoverConfig;
  readonly stackName: string;
  /** The stack's `terraform output -json` (deployed-outputs.ts), when no explicit references are given. */
  readonly deployed?: { readonly stackDir: string; readonly outputs: TerraformOutputs };
  readonly existing?: ExistingStackRef;
  /** aws.log and terraform.log go here. */
  readonly logDir: string;
  /** GET the secondary's health check path directly. @default true */
  readonly directProbe?: boolean;
  /** Bound of the direct GET. @default 10_000 */
  readonly probeTimeoutMs?: number;
  /** Path patterns accepted as served by the primary alone (--accept-behavior). @default none */
  readonly acceptBehaviors?: readonly string[];
  /** The compute backends, looked up by config service.backend. @default BACKENDS */
  readonly backends?: BackendRegistry;
}

/** Every finding about the deployment, in report order. */
export async function checkStack(o: CheckOptions, signal: AbortSignal): Promise<Finding[]> {
  await mkdir(o.logDir, { recursive: true });
  const tools = createTools(o, { stackDir: o.deployed?.stackDir ?? o.logDir, logDir: o.logDir });
  await verifyAwsCli(tools.cli.binary, signal);
  const backend = (o.backends ?? BACKENDS).get(o.config.service.backend);
  let refs: StackRefs;
  let read: ReadServices = {};
  if (o.existing) {
    checkExistingRef(o.existing, backend, o.config);
    const explicit = await explicitRefs(tools.cli, o.existing, backend, signal);
    refs = explicit.refs;
    read = explicit.described;
  } else if (o.deployed) {
    refs = refsFromOutputs(o.deployed.outputs, o.deployed.stackDir);
  } else {
    throw new AwsTargetError('internal', 'checkStack: neither explicit references nor the deployed outputs were given');
  }
  const findings = await inspectDeployment(
    tools.cli,
    refs,
    {
      configCodes: o.config.failover.statusCodes,
      stackName: o.stackName,
      backend,
      read,
      writePaths: o.config.failover.writePaths,
      acceptedBehaviors: o.acceptBehaviors ?? [],
    },
    signal,
  );
  if (o.directProbe ?? true) findings.push(await probeSecondary(refs, o, signal));
  return findings;
}

/** The secondary must answer a direct GET of its health check path with a 2xx before the primary is touched. */
async function probeSecondary(refs: StackRefs, o: CheckOptions, signal: AbortSignal): Promise<Finding> {
  const url = `${refs.services.secondary.url.replace(/\/$/, '')}${o.config.service.healthCheck.path}`;
  const v = o.config.failover.originVerify;
  let found: string;
  let ok = false;
  try {
    const r = await fetch(url, {
      headers: v.secret ? { [v.headerName]: v.secret } : {},
      signal: AbortSignal.any([signal, AbortSignal.timeout(o.probeTimeoutMs ?? 10_000)]),
    });
    await r.body?.cancel();
    ok = r.status >= 200 && r.status < 300;
    found = `HTTP ${r.status}`;
  } catch (error) {
    found = `no answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
  }
  return { check: 'secondary-answers', setting: `GET ${url}`, found, expected: 'a 2xx answer', severity: 'error', ok };
}
