/**
 * The AWS CLI v2 wrapper: the only place that runs `aws`. Every call passes `--output json`,
 * `--region`, `--no-cli-pager`, and, when set, `--profile` and `--endpoint-url`. Transient
 * errors (throttling, 5xx, dropped connections) are retried through retry.ts.
 */
import type {
  AlarmState,
  CallerIdentity,
  DistributionConfigJson,
  DistributionDescription,
  OriginRequestPolicyConfigJson,
  OperationSummary,
  ServiceDescription,
  ServiceStatus,
  TaggedResource,
} from '../wire.js';
import type { AlarmStatus, AlarmTransition } from '../../target.js';
import { AwsTargetError, CommandError } from './errors.js';
import { runCommand } from './exec.js';
import { FATAL_AWS_ERRORS, RETRYABLE_AWS_ERRORS, retry } from './retry.js';

/** A mutating call's result: its answer, or its last error and how many attempts were made. */
export type Mutation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown; readonly attempts: number };

export interface AwsCliOptions {
  /** The AWS CLI v2 executable, a path or a name looked up on PATH. @default 'aws' */
  readonly binary?: string;
  /** A named profile (--profile). @default the CLI's own resolution (env, default profile, instance role) */
  readonly profile?: string;
  /** Sends every call to this endpoint (--endpoint-url), for LocalStack-style endpoints. @default AWS's endpoints */
  readonly endpointUrl?: string;
  /** Extra environment for the CLI. @default none */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Bound of one call. @default 60_000 */
  readonly timeoutMs?: number;
  /** Attempts per call on transient errors. @default 4 */
  readonly attempts?: number;
  /** First delay between attempts. @default 2_000 */
  readonly retryDelayMs?: number;
  /** Appends every command's output here. @default not logged */
  readonly logFile?: string;
  readonly log?: (message: string) => void;
}

/** The CLI's pager and prompts would block a drill; turn them off whatever the user's config says. */
const NON_INTERACTIVE_ENV = { AWS_PAGER: '', AWS_CLI_AUTO_PROMPT: 'off' } as const;

export class AwsCli {
  readonly binary: string;
  private readonly options: AwsCliOptions;

  constructor(options: AwsCliOptions = {}) {
    if (options.endpointUrl !== undefined && !/^https?:\/\/\S+$/.test(options.endpointUrl)) {
      throw new AwsTargetError('usage', `endpointUrl = ${JSON.stringify(options.endpointUrl)}: allowed: an http:// or https:// URL`);
    }
    this.options = options;
    this.binary = options.binary ?? 'aws';
  }

  /** The arguments every call gets after the operation's own. */
  commonArgs(region: string): string[] {
    const args = ['--output', 'json', '--region', region, '--no-cli-pager'];
    if (this.options.profile !== undefined) args.push('--profile', this.options.profile);
    if (this.options.endpointUrl !== undefined) args.push('--endpoint-url', this.options.endpointUrl);
    return args;
  }

  /** Runs `aws <service> <operation> <args...>` and parses its JSON output. */
  async call<T = unknown>(service: string, operation: string, args: readonly string[], region: string, signal: AbortSignal): Promise<T> {
    return this.run<T>(service, operation, args, region, signal, {});
  }

  /**
   * A call that changes AWS. The CLI makes one attempt per process (AWS_MAX_ATTEMPTS=1), so every
   * answer reaches the drill's own retry and the result says how many attempts there were: an error
   * after more than one, or after a timeout, leaves open whether an earlier attempt took effect
   * (backends/service-backend.ts decides that from the service's real state).
   */
  async mutate<T = unknown>(
    service: string,
    operation: string,
    args: readonly string[],
    region: string,
    signal: AbortSignal,
  ): Promise<Mutation<T>> {
    let attempts = 0;
    try {
      const value = await this.run<T>(service, operation, args, region, signal, { AWS_MAX_ATTEMPTS: '1' }, () => (attempts += 1));
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error, attempts };
    }
  }

  private async run<T>(
    service: string,
    operation: string,
    args: readonly string[],
    region: string,
    signal: AbortSignal,
    env: Readonly<Record<string, string>>,
    onAttempt: () => void = () => {},
  ): Promise<T> {
    const fullArgs = [service, operation, ...args, ...this.commonArgs(region)];
    const { stdout, commandLine } = await retry(
      () => {
        onAttempt();
        return runCommand({
          tool: 'aws',
          file: this.binary,
          args: fullArgs,
          timeoutMs: this.options.timeoutMs ?? 60_000,
          signal,
          env: { ...NON_INTERACTIVE_ENV, ...this.options.env, ...env },
          logFile: this.options.logFile,
        });
      },
      {
        description: `aws ${service} ${operation}`,
        attempts: this.options.attempts ?? 4,
        delayMs: this.options.retryDelayMs ?? 2_000,
        retryable: RETRYABLE_AWS_ERRORS,
        fatal: FATAL_AWS_ERRORS,
        signal,
        log: this.options.log,
      },
    );
    if (stdout.trim() === '') return {} as T;
    try {
      return JSON.parse(stdout) as T;
    } catch (error) {
      throw new AwsTargetError('external', `${commandLine} printed something that is not JSON: ${stdout.slice(0, 200)}`, { cause: error });
    }
  }

  /** `aws --version`: e.g. {version: "2.9.19", major: 2}. v1 prints it on stderr, v2 on stdout. */
  async version(signal: AbortSignal): Promise<{ version: string; major: number; raw: string }> {
    const { stdout, stderr } = await runCommand({
      tool: 'aws',
      file: this.binary,
      args: ['--version'],
      timeoutMs: 30_000,
      signal,
      env: { ...NON_INTERACTIVE_ENV, ...this.options.env },
    });
    const raw = `${stdout}${stderr}`.trim();
    const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(raw);
    if (!m) throw new AwsTargetError('external', `aws --version printed no version (${this.binary}): ${raw.slice(0, 200)}`);
    return { version: `${m[1]}.${m[2]}.${m[3]}`, major: Number(m[1]), raw };
  }

  // --- App Runner (JSON 1.0 protocol) ---

  /** pause-service or resume-service: a mutating call, answered with the operation it started. */
  async pauseOrResume(
    operation: 'pause-service' | 'resume-service',
    serviceArn: string,
    region: string,
    signal: AbortSignal,
  ): Promise<Mutation<{ operationId?: string }>> {
    const r = await this.mutate<{ Service: RawService; OperationId?: string }>('apprunner', operation, ['--service-arn', serviceArn], region, signal);
    return r.ok ? { ok: true, value: { operationId: r.value.OperationId } } : r;
  }

  async describeService(serviceArn: string, region: string, signal: AbortSignal): Promise<ServiceDescription> {
    const r = await this.call<{ Service: RawService }>('apprunner', 'describe-service', ['--service-arn', serviceArn], region, signal);
    return toService(r.Service);
  }

  /** The service's operations, newest first (App Runner's order). */
  async listOperations(serviceArn: string, region: string, signal: AbortSignal, maxItems = 5): Promise<OperationSummary[]> {
    const r = await this.call<{ OperationSummaryList?: RawOperation[] }>(
      'apprunner',
      'list-operations',
      ['--service-arn', serviceArn, '--max-results', String(maxItems)],
      region,
      signal,
    );
    return (r.OperationSummaryList ?? []).map((o) => ({
      id: o.Id,
      type: o.Type,
      status: o.Status,
      startedAt: o.StartedAt,
      endedAt: o.EndedAt,
    }));
  }

  async listTagsForResource(resourceArn: string, region: string, signal: AbortSignal): Promise<Record<string, string>> {
    const r = await this.call<{ Tags?: { Key?: string; Value?: string }[] }>(
      'apprunner',
      'list-tags-for-resource',
      ['--resource-arn', resourceArn],
      region,
      signal,
    );
    return Object.fromEntries((r.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
  }

  // --- CloudFront (REST-XML; a global service, addressed through us-east-1) ---

  async getDistribution(id: string, signal: AbortSignal): Promise<DistributionDescription> {
    const r = await this.call<{
      Distribution?: { Id: string; DomainName: string; Status: string; DistributionConfig?: { Enabled?: boolean } };
    }>('cloudfront', 'get-distribution', ['--id', id], 'us-east-1', signal);
    if (!r.Distribution) throw new AwsTargetError('external', `aws cloudfront get-distribution --id ${id} returned no Distribution`);
    const d = r.Distribution;
    return { id: d.Id, domainName: d.DomainName, status: d.Status, enabled: d.DistributionConfig?.Enabled };
  }

  /** The distribution's configuration as the CLI prints it (get-distribution-config), and its ETag. */
  async getDistributionConfig(id: string, signal: AbortSignal): Promise<{ config: DistributionConfigJson; etag?: string }> {
    const r = await this.call<{ DistributionConfig?: DistributionConfigJson; ETag?: string }>(
      'cloudfront',
      'get-distribution-config',
      ['--id', id],
      'us-east-1',
      signal,
    );
    if (!r.DistributionConfig) {
      throw new AwsTargetError('external', `aws cloudfront get-distribution-config --id ${id} returned no DistributionConfig`);
    }
    return { config: r.DistributionConfig, etag: r.ETag };
  }

  /** An origin request policy's configuration (get-origin-request-policy): which viewer headers reach the origin. */
  async getOriginRequestPolicy(id: string, signal: AbortSignal): Promise<OriginRequestPolicyConfigJson> {
    const r = await this.call<{ OriginRequestPolicy?: { OriginRequestPolicyConfig?: OriginRequestPolicyConfigJson } }>(
      'cloudfront',
      'get-origin-request-policy',
      ['--id', id],
      'us-east-1',
      signal,
    );
    const config = r.OriginRequestPolicy?.OriginRequestPolicyConfig;
    if (!config)
      throw new AwsTargetError('external', `aws cloudfront get-origin-request-policy --id ${id} returned no OriginRequestPolicyConfig`);
    return config;
  }

  // --- STS (query protocol) ---

  async getCallerIdentity(region: string, signal: AbortSignal): Promise<CallerIdentity> {
    const r = await this.call<{ Account?: string; Arn?: string; UserId?: string }>('sts', 'get-caller-identity', [], region, signal);
    if (!r.Account || !r.Arn) throw new AwsTargetError('external', 'aws sts get-caller-identity returned no Account/Arn');
    return { account: r.Account, arn: r.Arn, userId: r.UserId ?? '' };
  }

  // --- CloudWatch (query protocol in the CLI's model) ---

  /** Metric and composite alarms whose names start with prefix. */
  async describeAlarms(region: string, namePrefix: string, signal: AbortSignal): Promise<AlarmState[]> {
    return (await this.rawAlarms(region, ['--alarm-name-prefix', namePrefix], signal)).map((a) => ({
      name: a.AlarmName ?? '',
      region,
      state: a.StateValue ?? 'UNKNOWN',
      reason: a.StateReason,
      updatedAt: a.StateUpdatedTimestamp,
    }));
  }

  /** describe-alarms with these filters: its metric and composite alarms, as the CLI returns them. */
  private async rawAlarms(region: string, filters: readonly string[], signal: AbortSignal): Promise<RawAlarm[]> {
    const r = await this.call<{ MetricAlarms?: RawAlarm[]; CompositeAlarms?: RawAlarm[] }>('cloudwatch', 'describe-alarms', filters, region, signal);
    return [...(r.MetricAlarms ?? []), ...(r.CompositeAlarms ?? [])];
  }

  /** The named alarms in one region, with their actions (names not there are not in the answer). */
  async describeAlarmsNamed(region: string, names: readonly string[], signal: AbortSignal): Promise<AlarmStatus[]> {
    if (names.length === 0) return [];
    return (await this.rawAlarms(region, ['--alarm-names', ...names], signal)).map((a) => ({
      name: a.AlarmName ?? '',
      region,
      state: a.StateValue ?? 'UNKNOWN',
      ...(a.StateReason !== undefined ? { reason: a.StateReason } : {}),
      alarmActions: a.AlarmActions ?? [],
      okActions: a.OKActions ?? [],
    }));
  }

  /**
   * The alarm's StateUpdate history items from `since` (epoch ms), oldest first, each with the
   * timestamp CloudWatch gave the transition (docs/aws-behaviour/alarms.md#alarm-history).
   */
  async describeAlarmHistory(region: string, name: string, since: number, signal: AbortSignal): Promise<AlarmTransition[]> {
    const r = await this.call<{ AlarmHistoryItems?: RawHistoryItem[] }>(
      'cloudwatch',
      'describe-alarm-history',
      [
        '--alarm-name',
        name,
        '--history-item-type',
        'StateUpdate',
        '--start-date',
        new Date(since).toISOString(),
        '--scan-by',
        'TimestampAscending',
      ],
      region,
      signal,
    );
    const out: AlarmTransition[] = [];
    for (const item of r.AlarmHistoryItems ?? []) {
      const at = Date.parse(item.Timestamp ?? '');
      if (!Number.isFinite(at)) throw new AwsTargetError('external', `describe-alarm-history returned an item without a Timestamp for ${name}`);
      let data: { oldState?: { stateValue?: string }; newState?: { stateValue?: string; stateReason?: string } } = {};
      try {
        data = JSON.parse(item.HistoryData ?? '{}');
      } catch {
        throw new AwsTargetError('external', `describe-alarm-history returned HistoryData that is not JSON for ${name}`);
      }
      out.push({
        at,
        from: data.oldState?.stateValue ?? 'UNKNOWN',
        to: data.newState?.stateValue ?? 'UNKNOWN',
        ...(data.newState?.stateReason !== undefined ? { reason: data.newState.stateReason } : {}),
      });
    }
    return out.sort((a, b) => a.at - b.at);
  }

  // --- Resource Groups Tagging API (JSON 1.1) ---

  /** Resources in region carrying every given tag (key = value). */
  async getResources(region: string, tags: Readonly<Record<string, string>>, signal: AbortSignal): Promise<TaggedResource[]> {
    const filters = JSON.stringify(Object.entries(tags).map(([Key, v]) => ({ Key, Values: [v] })));
    const r = await this.call<{ ResourceTagMappingList?: { ResourceARN?: string; Tags?: { Key: string; Value: string }[] }[] }>(
      'resourcegroupstaggingapi',
      'get-resources',
      ['--tag-filters', filters],
      region,
      signal,
    );
    return (r.ResourceTagMappingList ?? []).map((m) => ({
      arn: m.ResourceARN ?? '',
      tags: Object.fromEntries((m.Tags ?? []).map((t) => [t.Key, t.Value])),
    }));
  }
}

interface RawService {
  ServiceArn: string;
  ServiceName: string;
  ServiceUrl?: string;
  Status: ServiceStatus;
}
interface RawOperation {
  Id?: string;
  Type?: string;
  Status?: string;
  StartedAt?: string;
  EndedAt?: string;
}
interface RawAlarm {
  AlarmName?: string;
  StateValue?: string;
  StateReason?: string;
  StateUpdatedTimestamp?: string;
  AlarmActions?: string[];
  OKActions?: string[];
}
interface RawHistoryItem {
  Timestamp?: string;
  HistoryData?: string;
}

function toService(s: RawService | undefined): ServiceDescription {
  if (!s || typeof s.Status !== 'string') throw new AwsTargetError('external', 'App Runner returned no Service with a Status');
  return { serviceArn: s.ServiceArn, serviceName: s.ServiceName, serviceUrl: s.ServiceUrl, status: s.Status };
}

/** Whether binary is a working AWS CLI v2. Never throws. */
export async function isAwsCliV2(binary = 'aws', signal = AbortSignal.timeout(30_000)): Promise<boolean> {
  try {
    await verifyAwsCli(binary, signal);
    return true;
  } catch {
    return false;
  }
}

/** Returns the CLI's version, or throws an error that says what to do. */
export async function verifyAwsCli(binary = 'aws', signal = AbortSignal.timeout(30_000)): Promise<string> {
  const recovery =
    'Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html; on Debian: apt-get install awscli) and pass its path with --aws-cli <path> if another `aws` comes first on PATH.';
  let v: { version: string; major: number };
  try {
    v = await new AwsCli({ binary }).version(signal);
  } catch (error) {
    const notFound = error instanceof CommandError && /not found/.test(error.reason);
    throw new AwsTargetError('usage', `the AWS CLI is not usable (${binary}): ${notFound ? 'not found' : (error as Error).message}`, {
      cause: error,
      recovery,
    });
  }
  if (v.major !== 2) {
    const onPath = binary === 'aws' ? ' (the `aws` first on PATH)' : '';
    const hint =
      v.major === 1
        ? `AWS CLI v1 lacks options the drill passes (such as --no-cli-pager). Pass the v2 executable with --aws-cli <path> (on Debian: --aws-cli /usr/bin/aws), or put v2 first on PATH.\n${recovery}`
        : recovery;
    throw new AwsTargetError('usage', `${binary}${onPath} is AWS CLI ${v.version}; the drill needs version 2.x`, { recovery: hint });
  }
  return v.version;
}
