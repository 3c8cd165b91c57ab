/**
 * An App Runner emulator speaking the JSON 1.0 protocol (`X-Amz-Target: AppRunner.<Op>`):
 * services, auto scaling configurations, tags, pause/resume and operations. Every request is
 * validated against the botocore model first; then the documented contract is enforced, each
 * rule with its source in docs/aws-behaviour/emulator.md. Answers carry `Connection: close`,
 * so a client never reuses a connection the emulator has closed under it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { loadModel, validateInput, type ServiceModel } from './model.js';
import { Instance, ServiceFront } from './instance.js';

export const ACCOUNT_ID = '123456789012';

export class AppRunnerError extends Error {
  constructor(
    readonly type: 'InvalidRequestException' | 'InvalidStateException' | 'ResourceNotFoundException' | 'InternalServiceErrorException',
    message: string,
  ) {
    super(message);
  }
}

/** CPU → the memory sizes App Runner pairs with it (App Runner Developer Guide, "App Runner supported configurations"). */
export const CPU_MEMORY: Readonly<Record<string, readonly string[]>> = {
  '0.25 vCPU': ['0.5 GB', '1 GB'],
  '0.5 vCPU': ['1 GB'],
  '1 vCPU': ['2 GB', '3 GB', '4 GB'],
  '2 vCPU': ['4 GB', '6 GB'],
  '4 vCPU': ['8 GB', '10 GB', '12 GB'],
};
const CPU_UNITS: Record<string, string> = { '256': '0.25 vCPU', '512': '0.5 vCPU', '1024': '1 vCPU', '2048': '2 vCPU', '4096': '4 vCPU' };
const normCpu = (c: string) => CPU_UNITS[c] ?? c;
const normMemory = (m: string) => (/^\d+$/.test(m) ? `${Number(m) / 1024} GB` : m);

/** Environment names App Runner reserves ("Managing environment variables"). */
export const RESERVED_ENV = ['PORT'];

type Json = Record<string, unknown>;
type Status = 'RUNNING' | 'PAUSED' | 'OPERATION_IN_PROGRESS' | 'CREATE_FAILED' | 'DELETED' | 'DELETE_FAILED';

interface Operation {
  Id: string;
  Type: string;
  Status: string;
  TargetArn: string;
  StartedAt: number;
  EndedAt?: number;
  UpdatedAt: number;
}

interface ServiceRecord {
  region: string;
  arn: string;
  id: string;
  name: string;
  url: string;
  createdAt: number;
  updatedAt: number;
  status: Status;
  request: Json;
  autoScalingArn: string;
  operations: Operation[];
  front: ServiceFront;
  instance?: Instance;
}

interface AutoScalingRecord {
  region: string;
  arn: string;
  name: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  latest: boolean;
  createdAt: number;
  deletedAt?: number;
  maxConcurrency: number;
  minSize: number;
  maxSize: number;
}

/**
 * A failure the emulator is told to cause, for fault tests: the next `times` calls of `operation`
 * whose input `when` accepts answer this error instead of being served.
 */
export interface RequestFailure {
  readonly operation: string;
  readonly type: AppRunnerError['type'];
  readonly message?: string;
  /** @default 1 */
  times?: number;
  readonly when?: (input: Json) => boolean;
}

/** An asynchronous operation the emulator is told to end FAILED (CREATE_SERVICE ends CREATE_FAILED). */
export interface OperationFailure {
  readonly type: string;
  /** @default 1 */
  times?: number;
  readonly when?: (service: { readonly name: string; readonly arn: string }) => boolean;
}

export interface AppRunnerEmulatorProps {
  /** The botocore App Runner model (service-2.json or .json.gz). */
  readonly modelPath: string;
  /** How long each asynchronous operation stays OPERATION_IN_PROGRESS. @default 1000 */
  readonly operationMs?: number;
  /** How long an instance gets to listen on PORT. @default 20000 */
  readonly instanceStartTimeoutMs?: number;
  /** @default 0 (a free port) */
  readonly port?: number;
  readonly log?: (line: string) => void;
}

const now = () => Date.now() / 1000;
const hex = (n: number) => randomBytes(n / 2).toString('hex');

/** The region from a SigV4 Authorization header's credential scope. */
export function regionOf(req: IncomingMessage): string {
  const m = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ''));
  return m?.[1] ?? 'us-east-1';
}

export class AppRunnerEmulator {
  private readonly services = new Map<string, ServiceRecord>();
  private readonly autoScaling = new Map<string, AutoScalingRecord>();
  private readonly tags = new Map<string, Record<string, string>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly requestFailures: RequestFailure[] = [];
  private readonly operationFailures: OperationFailure[] = [];
  private readonly held: {
    type: string;
    when?: (s: { name: string; arn: string }) => boolean;
    promise: Promise<void>;
    release: () => void;
  }[] = [];
  private readonly calls: { operation: string; input: Json }[] = [];
  private closed = false;

  private constructor(
    readonly model: ServiceModel,
    private readonly props: AppRunnerEmulatorProps,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(props: AppRunnerEmulatorProps): Promise<AppRunnerEmulator> {
    const model = loadModel(props.modelPath);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(props.port ?? 0, '127.0.0.1', () => resolve());
    });
    const emu = new AppRunnerEmulator(model, props, server, (server.address() as { port: number }).port);
    server.on('request', (req, res) => void emu.serve(req, res));
    return emu;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Host name → front URL of every service, for an edge that must reach `ServiceUrl`. */
  serviceFronts(): Record<string, string> {
    return Object.fromEntries([...this.services.values()].map((s) => [s.url, s.front.url]));
  }

  /** What the emulator holds: services, and ACTIVE auto scaling configurations. */
  holdings(): { services: string[]; autoScalingConfigurations: string[] } {
    return {
      services: [...this.services.values()].map((s) => s.arn),
      autoScalingConfigurations: [...this.autoScaling.values()].filter((a) => a.status === 'ACTIVE').map((a) => a.arn),
    };
  }

  // ---- controls for fault tests ----

  /** The next calls of an operation answer an error (see RequestFailure). */
  failRequests(f: RequestFailure): () => void {
    const failure = { ...f, times: f.times ?? 1 };
    this.requestFailures.push(failure);
    // Withdraws this failure alone (clearFaults withdraws every one).
    return () => {
      const i = this.requestFailures.indexOf(failure);
      if (i >= 0) this.requestFailures.splice(i, 1);
    };
  }

  /** The next operations of a type end FAILED (see OperationFailure). */
  failOperations(f: OperationFailure): void {
    this.operationFailures.push({ ...f, times: f.times ?? 1 });
  }

  /**
   * Operations of this type (PAUSE_SERVICE, …) on services `when` accepts stay
   * OPERATION_IN_PROGRESS until release(type); their work (a pause stops the instance) is done.
   */
  hold(type: string, when?: (service: { readonly name: string; readonly arn: string }) => boolean): void {
    let release = () => {};
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held.push({ type, when, promise, release });
  }

  /** Lets held operations of this type finish. */
  release(type: string): void {
    for (const h of this.held.filter((x) => x.type === type)) {
      h.release();
      this.held.splice(this.held.indexOf(h), 1);
    }
  }

  /** Removes every failure and hold. */
  clearFaults(): void {
    this.requestFailures.length = 0;
    this.operationFailures.length = 0;
    for (const h of [...this.held]) this.release(h.type);
  }

  /** The operations served or failed so far, in order, with their inputs. */
  callsOf(operation: string): { operation: string; input: Json }[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** A service's status, or undefined when the emulator does not hold it. */
  statusOf(arn: string): string | undefined {
    return this.services.get(arn)?.status;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.held) h.release();
    for (const t of this.timers) clearTimeout(t);
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await Promise.all([...this.services.values()].map((s) => this.teardown(s)));
    await stopped;
  }

  private log(line: string): void {
    this.props.log?.(line);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': randomUUID(),
        connection: 'close',
        ...extra,
      });
      res.end(text);
    };
    try {
      const [prefix, op] = target.split('.');
      if (prefix !== this.model.metadata.targetPrefix || !op || !this.model.operations[op])
        throw new AppRunnerError('InvalidRequestException', `unknown operation ${JSON.stringify(target)}`);
      let input: unknown;
      try {
        input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        throw new AppRunnerError('InvalidRequestException', 'the request body is not valid JSON');
      }
      const violations = validateInput(this.model, op, input);
      if (violations.length)
        throw new AppRunnerError(
          'InvalidRequestException',
          `${violations.length} validation error${violations.length > 1 ? 's' : ''} detected: ${violations.map((v) => v.message).join('; ')}`,
        );
      this.calls.push({ operation: op, input: input as Json });
      const failure = this.requestFailures.find((f) => f.operation === op && (f.times ?? 1) > 0 && (f.when?.(input as Json) ?? true));
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        throw new AppRunnerError(failure.type, failure.message ?? `${op} failed (a failure the emulator was told to cause)`);
      }
      const out = await this.dispatch(op, input as Json, regionOf(req));
      this.log(`apprunner ${op} -> 200`);
      send(200, out);
    } catch (e) {
      const err = e instanceof AppRunnerError ? e : new AppRunnerError('InternalServiceErrorException', (e as Error).message);
      this.log(`apprunner ${target} -> ${err.type}: ${err.message}`);
      send(
        err.type === 'InternalServiceErrorException' ? 500 : 400,
        { __type: err.type, Message: err.message },
        { 'x-amzn-errortype': err.type },
      );
    }
  }

  private dispatch(op: string, i: Json, region: string): Promise<Json> | Json {
    switch (op) {
      case 'CreateService':
        return this.createService(i, region);
      case 'DescribeService':
        return { Service: this.describe(this.service(i.ServiceArn)) };
      case 'UpdateService':
        return this.updateService(i);
      case 'DeleteService':
        return this.deleteService(i);
      case 'ListServices':
        return {
          ServiceSummaryList: [...this.services.values()].filter((s) => s.region === region).map((s) => this.summary(s)),
        };
      case 'PauseService':
        return this.transition(this.service(i.ServiceArn), 'PAUSE_SERVICE', 'RUNNING', 'PAUSED');
      case 'ResumeService':
        return this.transition(this.service(i.ServiceArn), 'RESUME_SERVICE', 'PAUSED', 'RUNNING');
      case 'ListOperations': {
        const s = this.service(i.ServiceArn);
        const max = (i.MaxResults as number | undefined) ?? 20;
        return { OperationSummaryList: [...s.operations].reverse().slice(0, max) };
      }
      case 'CreateAutoScalingConfiguration':
        return this.createAutoScaling(i, region);
      case 'DescribeAutoScalingConfiguration':
        return { AutoScalingConfiguration: this.describeAutoScaling(this.autoScalingOf(i.AutoScalingConfigurationArn)) };
      case 'DeleteAutoScalingConfiguration': {
        const a = this.autoScalingOf(i.AutoScalingConfigurationArn);
        if ([...this.services.values()].some((s) => s.autoScalingArn === a.arn))
          throw new AppRunnerError('InvalidRequestException', `auto scaling configuration ${a.arn} is in use by a service`);
        a.status = 'INACTIVE';
        a.deletedAt = now();
        this.tags.delete(a.arn);
        return { AutoScalingConfiguration: this.describeAutoScaling(a) };
      }
      case 'ListAutoScalingConfigurations':
        return {
          AutoScalingConfigurationSummaryList: [...this.autoScaling.values()]
            .filter((a) => a.region === region && a.status === 'ACTIVE')
            .filter((a) => i.AutoScalingConfigurationName === undefined || a.name === i.AutoScalingConfigurationName)
            .map((a) => this.describeAutoScaling(a)),
        };
      case 'TagResource': {
        const t = this.tagsOf(i.ResourceArn as string);
        for (const { Key, Value } of i.Tags as { Key: string; Value: string }[]) t[Key] = Value ?? '';
        return {};
      }
      case 'UntagResource': {
        const t = this.tagsOf(i.ResourceArn as string);
        for (const k of i.TagKeys as string[]) delete t[k];
        return {};
      }
      case 'ListTagsForResource':
        return { Tags: Object.entries(this.tagsOf(i.ResourceArn as string)).map(([Key, Value]) => ({ Key, Value })) };
      default:
        throw new AppRunnerError('InvalidRequestException', `the emulator does not implement ${op}`);
    }
  }

  // ---- the contract beyond the model ----

  private checkSource(source: Json | undefined): void {
    if (!source) return;
    const image = source.ImageRepository as Json | undefined;
    if (source.CodeRepository && image)
      throw new AppRunnerError('InvalidRequestException', 'Specify either CodeRepository or ImageRepository, not both');
    if (!source.CodeRepository && !image)
      throw new AppRunnerError('InvalidRequestException', 'SourceConfiguration must have CodeRepository or ImageRepository');
    if (image?.ImageRepositoryType === 'ECR_PUBLIC' && source.AutoDeploymentsEnabled === true)
      throw new AppRunnerError(
        'InvalidRequestException',
        'AutoDeploymentsEnabled is not supported for an image from an ECR Public repository',
      );
    const env = ((image?.ImageConfiguration as Json | undefined)?.RuntimeEnvironmentVariables ?? {}) as Record<string, string>;
    for (const name of Object.keys(env)) {
      if (RESERVED_ENV.includes(name))
        throw new AppRunnerError(
          'InvalidRequestException',
          `The environment variable name ${name} is reserved by App Runner and cannot be set`,
        );
    }
  }

  private checkInstance(ic: Json | undefined): void {
    if (!ic || (ic.Cpu === undefined && ic.Memory === undefined)) return;
    const cpu = normCpu((ic.Cpu as string | undefined) ?? '1 vCPU');
    const memory = normMemory((ic.Memory as string | undefined) ?? '2 GB');
    if (!CPU_MEMORY[cpu]?.includes(memory))
      throw new AppRunnerError(
        'InvalidRequestException',
        `Memory ${memory} is not supported with CPU ${cpu}: allowed: ${CPU_MEMORY[cpu]?.join(', ') ?? 'none'}`,
      );
  }

  private checkAutoScalingArn(arn: unknown): string | undefined {
    if (arn === undefined) return undefined;
    const a = this.autoScaling.get(arn as string);
    if (!a || a.status !== 'ACTIVE')
      throw new AppRunnerError('InvalidRequestException', `auto scaling configuration ${String(arn)} does not exist`);
    return a.arn;
  }

  // ---- services ----

  private service(arn: unknown): ServiceRecord {
    const s = this.services.get(arn as string);
    if (!s) throw new AppRunnerError('ResourceNotFoundException', `Resource not found: ${String(arn)}`);
    return s;
  }

  private defaultAutoScaling(region: string): string {
    const existing = [...this.autoScaling.values()].find((a) => a.region === region && a.name === 'DefaultConfiguration');
    if (existing) return existing.arn;
    return this.addAutoScaling(region, { AutoScalingConfigurationName: 'DefaultConfiguration' }).arn;
  }

  private async createService(i: Json, region: string): Promise<Json> {
    this.checkSource(i.SourceConfiguration as Json);
    this.checkInstance(i.InstanceConfiguration as Json | undefined);
    const name = i.ServiceName as string;
    if ([...this.services.values()].some((s) => s.region === region && s.name === name))
      throw new AppRunnerError('InvalidRequestException', `Service with the provided name already exists: ${name}`);
    const autoScalingArn = this.checkAutoScalingArn(i.AutoScalingConfigurationArn) ?? this.defaultAutoScaling(region);
    const id = hex(32);
    const url = `${id.slice(0, 10)}.${region}.awsapprunner.localhost`;
    const s: ServiceRecord = {
      region,
      arn: `arn:aws:apprunner:${region}:${ACCOUNT_ID}:service/${name}/${id}`,
      id,
      name,
      url,
      createdAt: now(),
      updatedAt: now(),
      status: 'OPERATION_IN_PROGRESS',
      request: i,
      autoScalingArn,
      operations: [],
      front: await ServiceFront.start(url),
    };
    this.services.set(s.arn, s);
    this.tags.set(s.arn, Object.fromEntries(((i.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value ?? ''])));
    const opId = this.operate(s, 'CREATE_SERVICE', async () => {
      await this.run(s);
      return 'RUNNING';
    });
    return { Service: this.describe(s), OperationId: opId };
  }

  private updateService(i: Json): Json {
    const s = this.service(i.ServiceArn);
    if (s.status !== 'RUNNING')
      throw new AppRunnerError('InvalidStateException', `You can't update the service while it is in the ${s.status} state`);
    this.checkSource(i.SourceConfiguration as Json | undefined);
    const merged: Json = { ...s.request };
    for (const k of [
      'SourceConfiguration',
      'InstanceConfiguration',
      'HealthCheckConfiguration',
      'NetworkConfiguration',
      'ObservabilityConfiguration',
    ])
      if (i[k] !== undefined) merged[k] = { ...((s.request[k] as Json | undefined) ?? {}), ...(i[k] as Json) };
    this.checkInstance(merged.InstanceConfiguration as Json | undefined);
    const asc = this.checkAutoScalingArn(i.AutoScalingConfigurationArn);
    s.request = merged;
    if (asc) s.autoScalingArn = asc;
    // The old instance serves until the new one listens, as a deployment does.
    const opId = this.operate(s, 'UPDATE_SERVICE', async () => {
      const old = s.instance;
      await this.run(s);
      await old?.stop();
      return 'RUNNING';
    });
    return { Service: this.describe(s), OperationId: opId };
  }

  private deleteService(i: Json): Json {
    const s = this.service(i.ServiceArn);
    if (s.status === 'OPERATION_IN_PROGRESS')
      throw new AppRunnerError('InvalidStateException', `You can't delete the service while an operation is in progress`);
    const opId = this.operate(s, 'DELETE_SERVICE', async () => {
      await this.teardown(s);
      this.services.delete(s.arn);
      this.tags.delete(s.arn);
      return 'DELETED';
    });
    return { Service: this.describe(s), OperationId: opId };
  }

  private transition(s: ServiceRecord, type: string, from: Status, to: Status): Json {
    if (s.status !== from)
      throw new AppRunnerError(
        'InvalidStateException',
        `The service is in the ${s.status} state; ${type.toLowerCase().replace('_', ' ')} needs ${from}`,
      );
    const opId = this.operate(s, type, async () => {
      if (to === 'PAUSED') await this.stopInstance(s);
      else await this.run(s);
      return to;
    });
    return { Service: this.describe(s), OperationId: opId };
  }

  /** Starts an operation: OPERATION_IN_PROGRESS for at least operationMs, then the status the work returns. */
  private operate(s: ServiceRecord, type: string, work: () => Promise<Status>): string {
    const op: Operation = { Id: randomUUID(), Type: type, Status: 'IN_PROGRESS', TargetArn: s.arn, StartedAt: now(), UpdatedAt: now() };
    s.operations.push(op);
    const before = s.status;
    s.status = 'OPERATION_IN_PROGRESS';
    s.updatedAt = now();
    const delay = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, this.props.operationMs ?? 1_000);
      this.timers.add(t);
    });
    const failure = this.operationFailures.find((f) => f.type === type && (f.times ?? 1) > 0 && (f.when?.(s) ?? true));
    if (failure) failure.times = (failure.times ?? 1) - 1;
    const held = this.held.find((h) => h.type === type && (h.when?.(s) ?? true))?.promise;
    const done: Promise<Status> = failure ? Promise.reject(new Error(`${type} failed (a failure the emulator was told to cause)`)) : work();
    void Promise.all([delay, held, done])
      .then(([, , status]) => {
        if (this.closed) return;
        s.status = status;
        op.Status = 'SUCCEEDED';
      })
      .catch((e: unknown) => {
        if (this.closed) return;
        this.log(`apprunner ${type} ${s.name} failed: ${(e as Error).message}`);
        s.status = type === 'CREATE_SERVICE' ? 'CREATE_FAILED' : type === 'DELETE_SERVICE' ? 'DELETE_FAILED' : before;
        op.Status = 'FAILED';
      })
      .finally(() => {
        op.EndedAt = now();
        op.UpdatedAt = now();
        s.updatedAt = now();
      });
    return op.Id;
  }

  private async run(s: ServiceRecord): Promise<void> {
    const image = ((s.request.SourceConfiguration as Json).ImageRepository ?? {}) as Json;
    const conf = (image.ImageConfiguration ?? {}) as Json;
    const instance = await Instance.start(
      {
        startCommand: (conf.StartCommand as string | undefined) ?? '',
        environment: (conf.RuntimeEnvironmentVariables ?? {}) as Record<string, string>,
      },
      this.props.instanceStartTimeoutMs ?? 20_000,
    );
    if (this.closed) {
      await instance.stop();
      return;
    }
    s.instance = instance;
    s.front.serve(instance);
  }

  private async stopInstance(s: ServiceRecord): Promise<void> {
    s.front.serve(undefined);
    const i = s.instance;
    s.instance = undefined;
    await i?.stop();
  }

  private async teardown(s: ServiceRecord): Promise<void> {
    await this.stopInstance(s);
    await s.front.close();
  }

  private describe(s: ServiceRecord): Json {
    const a = this.autoScaling.get(s.autoScalingArn);
    const source = structuredClone(s.request.SourceConfiguration) as Json;
    const image = source.ImageRepository as Json | undefined;
    if (source.AutoDeploymentsEnabled === undefined) source.AutoDeploymentsEnabled = image?.ImageRepositoryType === 'ECR' ? true : false;
    if (image) image.ImageConfiguration = { Port: '8080', ...((image.ImageConfiguration as Json | undefined) ?? {}) };
    return {
      ...this.summary(s),
      SourceConfiguration: source,
      InstanceConfiguration: { Cpu: '1024', Memory: '2048', ...((s.request.InstanceConfiguration as Json | undefined) ?? {}) },
      HealthCheckConfiguration: {
        Protocol: 'TCP',
        Path: '/',
        Interval: 5,
        Timeout: 2,
        HealthyThreshold: 1,
        UnhealthyThreshold: 5,
        ...((s.request.HealthCheckConfiguration as Json | undefined) ?? {}),
      },
      AutoScalingConfigurationSummary: a
        ? {
            AutoScalingConfigurationArn: a.arn,
            AutoScalingConfigurationName: a.name,
            AutoScalingConfigurationRevision: a.revision,
            Status: a.status,
          }
        : {},
      NetworkConfiguration: {
        EgressConfiguration: { EgressType: 'DEFAULT' },
        IngressConfiguration: { IsPubliclyAccessible: true },
        IpAddressType: 'IPV4',
        ...((s.request.NetworkConfiguration as Json | undefined) ?? {}),
      },
      ...(s.request.ObservabilityConfiguration ? { ObservabilityConfiguration: s.request.ObservabilityConfiguration } : {}),
      ...(s.request.EncryptionConfiguration ? { EncryptionConfiguration: s.request.EncryptionConfiguration } : {}),
    };
  }

  private summary(s: ServiceRecord): Json {
    return {
      ServiceName: s.name,
      ServiceId: s.id,
      ServiceArn: s.arn,
      ServiceUrl: s.url,
      CreatedAt: s.createdAt,
      UpdatedAt: s.updatedAt,
      Status: s.status,
    };
  }

  // ---- auto scaling configurations ----

  private addAutoScaling(region: string, i: Json): AutoScalingRecord {
    const name = i.AutoScalingConfigurationName as string;
    const revisions = [...this.autoScaling.values()].filter((a) => a.region === region && a.name === name);
    for (const r of revisions) r.latest = false;
    const revision = revisions.length + 1;
    const a: AutoScalingRecord = {
      region,
      arn: `arn:aws:apprunner:${region}:${ACCOUNT_ID}:autoscalingconfiguration/${name}/${revision}/${hex(32)}`,
      name,
      revision,
      status: 'ACTIVE',
      latest: true,
      createdAt: now(),
      maxConcurrency: (i.MaxConcurrency as number | undefined) ?? 100,
      minSize: (i.MinSize as number | undefined) ?? 1,
      maxSize: (i.MaxSize as number | undefined) ?? 25,
    };
    this.autoScaling.set(a.arn, a);
    return a;
  }

  private createAutoScaling(i: Json, region: string): Json {
    const min = (i.MinSize as number | undefined) ?? 1;
    const max = (i.MaxSize as number | undefined) ?? 25;
    if (min < 1 || min > 25 || max < 1 || max > 25 || min > max)
      throw new AppRunnerError('InvalidRequestException', `MinSize ${min} and MaxSize ${max}: allowed: 1 ≤ MinSize ≤ MaxSize ≤ 25`);
    const a = this.addAutoScaling(region, i);
    this.tags.set(a.arn, Object.fromEntries(((i.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value ?? ''])));
    return { AutoScalingConfiguration: this.describeAutoScaling(a) };
  }

  private autoScalingOf(arn: unknown): AutoScalingRecord {
    const a = this.autoScaling.get(arn as string);
    if (!a) throw new AppRunnerError('ResourceNotFoundException', `Resource not found: ${String(arn)}`);
    return a;
  }

  private describeAutoScaling(a: AutoScalingRecord): Json {
    return {
      AutoScalingConfigurationArn: a.arn,
      AutoScalingConfigurationName: a.name,
      AutoScalingConfigurationRevision: a.revision,
      Latest: a.latest,
      // The service answers lowercase, not the model's ACTIVE/INACTIVE; the provider waits for "active".
      Status: a.status.toLowerCase(),
      MaxConcurrency: a.maxConcurrency,
      MinSize: a.minSize,
      MaxSize: a.maxSize,
      CreatedAt: a.createdAt,
      ...(a.deletedAt ? { DeletedAt: a.deletedAt } : {}),
      HasAssociatedService: [...this.services.values()].some((s) => s.autoScalingArn === a.arn),
      IsDefault: a.name === 'DefaultConfiguration',
    };
  }

  private tagsOf(arn: string): Record<string, string> {
    const t = this.tags.get(arn);
    if (!t) throw new AppRunnerError('ResourceNotFoundException', `Resource not found: ${arn}`);
    return t;
  }
}

/** Starts the emulator from the model botocore ships. */
export async function startAppRunnerEmulator(
  props: Omit<AppRunnerEmulatorProps, 'modelPath'> & { modelPath?: string },
): Promise<AppRunnerEmulator> {
  const { findAppRunnerModel } = await import('./model.js');
  const modelPath = props.modelPath ?? findAppRunnerModel();
  if (typeof modelPath !== 'string') throw new Error(modelPath.reason);
  return AppRunnerEmulator.start({ ...props, modelPath });
}
