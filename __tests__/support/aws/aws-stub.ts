/**
 * A local stub of the AWS APIs the AWS target calls, speaking each service's wire protocol as
 * the AWS CLI's own models (botocore data) define it, so the real AWS CLI v2 can be pointed at
 * it with --endpoint-url:
 * - App Runner: JSON 1.0 (POST /, X-Amz-Target: AppRunner.<Op>, application/x-amz-json-1.0);
 * - Resource Groups Tagging API: JSON 1.1 (X-Amz-Target: ResourceGroupsTaggingAPI_20170126.<Op>);
 * - CloudFront: REST-XML (GET /2020-05-31/distribution/{Id}[/config] and /2020-05-31/origin-request-policy/{Id},
 *   namespace http://cloudfront.amazonaws.com/doc/2020-05-31/);
 * - STS and CloudWatch: query protocol (form-encoded Action=..., XML responses in their namespaces).
 * Pause and resume go through OPERATION_IN_PROGRESS for `operationMs`, or forever when `stuck`.
 * An injected failure can be answered instead of the call (nothing happens), after the call started
 * its operation (`mode: 'after-start'`: the answer is lost), or never (`mode: 'hang'`: the operation
 * started, the answer never comes, as when a read times out).
 * A control endpoint (POST /__stub/resources) lets the terraform stand-in create and delete resources.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { create } from 'xmlbuilder2';
import { type DistConfig, goodDistributionConfig } from './distribution.js';
import { appendShape } from './rest-xml.js';

export const ACCOUNT = '123456789012';

export interface StubService {
  arn: string;
  name: string;
  region: string;
  url: string;
  status: 'RUNNING' | 'PAUSED' | 'OPERATION_IN_PROGRESS' | 'CREATE_FAILED' | 'DELETED' | 'DELETE_FAILED';
  tags: Record<string, string>;
  pending?: { target: 'RUNNING' | 'PAUSED'; from: 'RUNNING' | 'PAUSED'; fails: boolean; until: number; polls: number; operationId: string };
  operations: { Id: string; Type: string; Status: string; TargetArn: string; StartedAt: number; EndedAt?: number; UpdatedAt: number }[];
}

export interface StubResource {
  arn: string;
  region: string;
  tags: Record<string, string>;
}

export interface StubDistribution {
  id: string;
  domainName: string;
  /** GETs answered InProgress before the distribution reads Deployed. */
  inProgressGets: number;
  enabled: boolean;
  /** The DistributionConfig get-distribution(-config) answer (CLI JSON shape); set by the tests or on creation. */
  config?: DistConfig;
}

export interface InjectedFailure {
  /** How many calls fail; Infinity for all. */
  times: number;
  status: number;
  code: string;
  message: string;
  /**
   * answer: the error is the answer, nothing is done. after-start: pause/resume starts its operation,
   * then the error is answered. hang: the operation starts and no answer ever comes. @default 'answer'
   */
  mode: 'answer' | 'after-start' | 'hang';
}

export interface StubRequest {
  service: 'apprunner' | 'tagging' | 'cloudfront' | 'sts' | 'cloudwatch' | 'control';
  operation: string;
  /** The region from the request's SigV4 credential scope. */
  region?: string;
  input: Record<string, unknown>;
  /** For DescribeService: the status it answered. */
  status?: string;
  /** Whether AwsStub.lockFile existed when the request arrived (when one is set). */
  lockHeld?: boolean;
}

export class AwsStub {
  url = '';
  readonly services = new Map<string, StubService>();
  /** Non-service resources, for the tagging API (the distribution, alarms, ...). */
  readonly resources = new Map<string, StubResource>();
  readonly distributions = new Map<string, StubDistribution>();
  /** Origin request policies by id: an OriginRequestPolicyConfig in the CLI's JSON shape (set by the tests). */
  readonly originRequestPolicies = new Map<string, DistConfig>();
  readonly alarms: { name: string; region: string; state: string; reason: string }[] = [];
  readonly requests: StubRequest[] = [];
  /** How long a pause or resume stays OPERATION_IN_PROGRESS. */
  operationMs = 300;
  /**
   * How many DescribeService reads see a pause or resume still in progress, on top of
   * operationMs: a count, so a test that must observe the operation running does not depend on
   * how long one CLI call takes on a loaded machine.
   */
  operationPolls = 0;
  /** When true, pause and resume never finish. */
  stuck = false;
  /** How many of the next pause/resume operations fail (the service goes back to its state before). */
  failOperations = 0;
  /** A stack lock (<stateDir>/<name>.lock): each request records whether it was held. */
  lockFile?: string;
  private readonly failures = new Map<string, InjectedFailure[]>();
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /**
   * Makes the next `times` calls of an operation (e.g. "PauseService") fail with an AWS error; failures
   * given for the same operation are used in order.
   */
  fail(operation: string, failure: Partial<InjectedFailure> & { code: string }): void {
    const queue = this.failures.get(operation) ?? [];
    queue.push({ times: 1, status: 400, message: `injected ${failure.code}`, mode: 'answer', ...failure });
    this.failures.set(operation, queue);
  }

  addService(o: { role: 'primary' | 'secondary'; region: string; name: string; tags: Record<string, string> }): StubService {
    const id = randomUUID().replace(/-/g, '');
    const s: StubService = {
      arn: `arn:aws:apprunner:${o.region}:${ACCOUNT}:service/${o.name}/${id}`,
      name: o.name,
      region: o.region,
      url: `${id.slice(0, 10)}.${o.region}.awsapprunner.com`,
      status: 'RUNNING',
      tags: o.tags,
      operations: [],
    };
    this.services.set(s.arn, s);
    return s;
  }

  addDistribution(o: { inProgressGets?: number; tags?: Record<string, string>; id?: string } = {}): StubDistribution {
    const id = o.id ?? `E${randomUUID().replace(/-/g, '').slice(0, 13).toUpperCase()}`;
    const d = { id, domainName: `d${id.slice(1, 13).toLowerCase()}.cloudfront.net`, inProgressGets: o.inProgressGets ?? 0, enabled: true };
    this.distributions.set(id, d);
    this.resources.set(distributionArn(id), { arn: distributionArn(id), region: 'us-east-1', tags: o.tags ?? {} });
    return d;
  }

  /** The service's status as a describe would report it now. */
  statusOf(arn: string): string | undefined {
    const s = this.services.get(arn);
    if (s) this.settle(s);
    return s?.status;
  }

  /** Lets every running pause or resume finish now. */
  finishOperations(): void {
    for (const s of this.services.values()) if (s.pending) Object.assign(s.pending, { until: 0, polls: 0 });
  }

  calls(operation: string): StubRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  private settle(s: StubService): void {
    if (!s.pending || this.stuck || Date.now() < s.pending.until || s.pending.polls > 0) return;
    s.status = s.pending.fails ? s.pending.from : s.pending.target;
    const op = s.operations.find((o) => o.Id === s.pending!.operationId);
    if (op) Object.assign(op, { Status: s.pending.fails ? 'FAILED' : 'SUCCEEDED', EndedAt: now(), UpdatedAt: now() });
    s.pending = undefined;
  }

  private takeFailure(operation: string): InjectedFailure | undefined {
    const queue = this.failures.get(operation) ?? [];
    const f = queue[0];
    if (!f) return undefined;
    f.times -= 1;
    if (f.times <= 0) queue.shift();
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const lockHeld = this.lockFile !== undefined ? existsSync(this.lockFile) : undefined;
    const before = this.requests.length;
    try {
      await this.route(req, res);
    } finally {
      if (lockHeld !== undefined) for (const r of this.requests.slice(before)) r.lockHeld = lockHeld;
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const region = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const target = String(req.headers['x-amz-target'] ?? '');
    const path = (req.url ?? '/').split('?')[0]!;

    if (path === '/__stub/resources' && req.method === 'POST') {
      const input = JSON.parse(body) as { add?: (StubResource & { name?: string; role?: 'primary' | 'secondary' })[]; remove?: string[] };
      this.requests.push({ service: 'control', operation: 'resources', input });
      const added: { arn: string; url?: string }[] = [];
      for (const r of input.add ?? []) {
        if (r.role && r.name) {
          const s = this.addService({ role: r.role, region: r.region, name: r.name, tags: r.tags });
          added.push({ arn: s.arn, url: `https://${s.url}` });
        } else if (r.arn.startsWith('arn:aws:cloudfront:')) {
          const d = this.addDistribution({ tags: r.tags, id: r.arn.split('/').pop() });
          added.push({ arn: distributionArn(d.id), url: d.domainName });
        } else {
          this.resources.set(r.arn, r);
          added.push({ arn: r.arn });
        }
      }
      for (const arn of input.remove ?? []) {
        const s = this.services.get(arn);
        if (s) s.status = 'DELETED';
        this.services.delete(arn);
        this.resources.delete(arn);
        if (arn.startsWith('arn:aws:cloudfront:')) this.distributions.delete(arn.split('/').pop()!);
      }
      return sendJson(res, 200, { added }, 'application/json');
    }
    if (target.startsWith('AppRunner.')) return this.appRunner(target.slice('AppRunner.'.length), JSON.parse(body || '{}'), region, res);
    if (target.startsWith('ResourceGroupsTaggingAPI_20170126.')) {
      return this.tagging(target.split('.')[1]!, JSON.parse(body || '{}'), region, res);
    }
    const orp = /^\/2020-05-31\/origin-request-policy\/([^/]+)$/.exec(path);
    if (orp && req.method === 'GET') return this.originRequestPolicy(decodeURIComponent(orp[1]!), region, res);
    const cf = /^\/2020-05-31\/distribution\/([^/]+)(\/config)?$/.exec(path);
    if (cf && req.method === 'GET') return this.cloudFront(decodeURIComponent(cf[1]!), region, res, cf[2] !== undefined);
    if (req.method === 'POST' && path === '/') {
      const form = Object.fromEntries(new URLSearchParams(body));
      if (form.Action === 'GetCallerIdentity') return this.sts(form, region, res);
      if (form.Action === 'DescribeAlarms') return this.cloudWatch(form, region, res);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`aws stub: no handler for ${req.method} ${req.url} ${target}`);
  }

  private appRunner(op: string, input: Record<string, unknown>, region: string | undefined, res: ServerResponse): void {
    this.requests.push({ service: 'apprunner', operation: op, region, input });
    const ct = 'application/x-amz-json-1.0';
    const failure = this.takeFailure(op);
    if (failure && failure.mode === 'answer') return sendJson(res, failure.status, { __type: failure.code, Message: failure.message }, ct);
    const arn = String(input.ServiceArn ?? input.ResourceArn ?? '');
    const s = this.services.get(arn);
    if (!s) return sendJson(res, 400, { __type: 'ResourceNotFoundException', Message: `Resource ${arn} not found` }, ct);
    this.settle(s);
    switch (op) {
      case 'DescribeService':
        if (s.pending && s.pending.polls > 0) s.pending.polls -= 1;
        this.requests[this.requests.length - 1]!.status = s.status;
        return sendJson(res, 200, { Service: serviceShape(s) }, ct);
      case 'PauseService':
      case 'ResumeService': {
        const from = op === 'PauseService' ? 'RUNNING' : 'PAUSED';
        if (s.status !== from) {
          return sendJson(res, 400, { __type: 'InvalidStateException', Message: `Service ${s.name} is in ${s.status} state` }, ct);
        }
        const operationId = randomUUID();
        s.operations.unshift({
          Id: operationId,
          Type: op === 'PauseService' ? 'PAUSE_SERVICE' : 'RESUME_SERVICE',
          Status: 'IN_PROGRESS',
          TargetArn: s.arn,
          StartedAt: now(),
          UpdatedAt: now(),
        });
        s.status = 'OPERATION_IN_PROGRESS';
        s.pending = {
          target: op === 'PauseService' ? 'PAUSED' : 'RUNNING',
          from,
          fails: this.failOperations > 0,
          until: Date.now() + this.operationMs,
          polls: this.operationPolls,
          operationId,
        };
        if (this.failOperations > 0) this.failOperations -= 1;
        // The operation started; its answer is lost (a 5xx) or never comes (the caller's read times out).
        if (failure?.mode === 'after-start') return sendJson(res, failure.status, { __type: failure.code, Message: failure.message }, ct);
        if (failure?.mode === 'hang') return;
        return sendJson(res, 200, { Service: serviceShape(s), OperationId: operationId }, ct);
      }
      case 'ListOperations': {
        const max = Number(input.MaxResults ?? 20);
        return sendJson(res, 200, { OperationSummaryList: s.operations.slice(0, max) }, ct);
      }
      case 'ListTagsForResource':
        return sendJson(res, 200, { Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })) }, ct);
      default:
        return sendJson(res, 400, { __type: 'InvalidRequestException', Message: `stub does not implement ${op}` }, ct);
    }
  }

  private tagging(op: string, input: Record<string, unknown>, region: string | undefined, res: ServerResponse): void {
    this.requests.push({ service: 'tagging', operation: op, region, input });
    const ct = 'application/x-amz-json-1.1';
    const failure = this.takeFailure(op);
    if (failure) return sendJson(res, failure.status, { __type: failure.code, Message: failure.message }, ct);
    if (op !== 'GetResources')
      return sendJson(res, 400, { __type: 'InvalidParameterException', Message: `stub does not implement ${op}` }, ct);
    const filters = (input.TagFilters ?? []) as { Key: string; Values?: string[] }[];
    const all: StubResource[] = [
      ...[...this.services.values()].map((s) => ({ arn: s.arn, region: s.region, tags: s.tags })),
      ...this.resources.values(),
    ];
    const matching = all.filter(
      (r) => r.region === region && filters.every((f) => f.Key in r.tags && (!f.Values?.length || f.Values.includes(r.tags[f.Key]!))),
    );
    return sendJson(
      res,
      200,
      {
        PaginationToken: '',
        ResourceTagMappingList: matching.map((r) => ({
          ResourceARN: r.arn,
          Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
        })),
      },
      ct,
    );
  }

  private originRequestPolicy(id: string, region: string | undefined, res: ServerResponse): void {
    this.requests.push({ service: 'cloudfront', operation: 'GetOriginRequestPolicy', region, input: { Id: id } });
    const failure = this.takeFailure('GetOriginRequestPolicy');
    const config = this.originRequestPolicies.get(id);
    if (failure || !config) {
      const f = failure ?? { status: 404, code: 'NoSuchOriginRequestPolicy', message: 'The origin request policy does not exist.' };
      return sendXml(res, f.status, restXmlError(f.code, f.message));
    }
    res.setHeader('ETag', 'E2STUBETAG');
    const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(CLOUDFRONT_NS, 'OriginRequestPolicy');
    appendShape(doc, 'OriginRequestPolicy', { Id: id, LastModifiedTime: new Date().toISOString(), OriginRequestPolicyConfig: config });
    return sendXml(res, 200, doc.end());
  }

  private cloudFront(id: string, region: string | undefined, res: ServerResponse, configOnly: boolean): void {
    const operation = configOnly ? 'GetDistributionConfig' : 'GetDistribution';
    this.requests.push({ service: 'cloudfront', operation, region, input: { Id: id } });
    const ns = CLOUDFRONT_NS;
    const failure = this.takeFailure(operation);
    const d = this.distributions.get(id);
    if (failure || !d) {
      const xml = restXmlError(failure?.code ?? 'NoSuchDistribution', failure?.message ?? 'The specified distribution does not exist.');
      return sendXml(res, failure?.status ?? 404, xml);
    }
    // A distribution the stand-in terraform created sits in front of its stack's two services, as the stack does it.
    const stack = this.resources.get(distributionArn(d.id))?.tags.EdgeFailoverStack;
    const svc = (role: string) =>
      [...this.services.values()].find(
        (x) => stack !== undefined && x.tags.EdgeFailoverStack === stack && x.tags.EdgeFailoverRole === role,
      );
    if (!d.config && svc('primary') && svc('secondary')) d.config = goodDistributionConfig(svc('primary')!.url, svc('secondary')!.url);
    const config = d.config ?? {
      CallerReference: `stub-${d.id}`,
      Origins: { Quantity: 0 },
      DefaultCacheBehavior: { TargetOriginId: 'group', ViewerProtocolPolicy: 'redirect-to-https' },
      Comment: 'aws stub',
      Enabled: d.enabled,
    };
    res.setHeader('ETag', 'E2STUBETAG');
    if (configOnly) {
      const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(ns, 'DistributionConfig');
      appendShape(doc, 'DistributionConfig', config);
      return sendXml(res, 200, doc.end());
    }
    const status = d.inProgressGets > 0 ? 'InProgress' : 'Deployed';
    if (d.inProgressGets > 0) d.inProgressGets -= 1;
    const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(ns, 'Distribution');
    appendShape(doc, 'Distribution', {
      Id: d.id,
      ARN: distributionArn(d.id),
      Status: status,
      LastModifiedTime: new Date().toISOString(),
      InProgressInvalidationBatches: 0,
      DomainName: d.domainName,
      DistributionConfig: config,
    });
    return sendXml(res, 200, doc.end());
  }

  private sts(form: Record<string, string>, region: string | undefined, res: ServerResponse): void {
    this.requests.push({ service: 'sts', operation: 'GetCallerIdentity', region, input: form });
    const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
    const failure = this.takeFailure('GetCallerIdentity');
    if (failure) return sendXml(res, failure.status, queryError(ns, failure));
    const doc = create({ version: '1.0' }).ele(ns, 'GetCallerIdentityResponse');
    const r = doc.ele('GetCallerIdentityResult');
    r.ele('Arn').txt(`arn:aws:iam::${ACCOUNT}:user/drill`);
    r.ele('UserId').txt('AIDASTUBUSERID');
    r.ele('Account').txt(ACCOUNT);
    doc.ele('ResponseMetadata').ele('RequestId').txt(randomUUID());
    return sendXml(res, 200, doc.end());
  }

  private cloudWatch(form: Record<string, string>, region: string | undefined, res: ServerResponse): void {
    this.requests.push({ service: 'cloudwatch', operation: 'DescribeAlarms', region, input: form });
    const ns = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
    const failure = this.takeFailure('DescribeAlarms');
    if (failure) return sendXml(res, failure.status, queryError(ns, failure));
    const prefix = form.AlarmNamePrefix ?? '';
    const doc = create({ version: '1.0' }).ele(ns, 'DescribeAlarmsResponse');
    const result = doc.ele('DescribeAlarmsResult');
    const metric = result.ele('MetricAlarms');
    for (const a of this.alarms.filter((x) => x.region === region && x.name.startsWith(prefix))) {
      const m = metric.ele('member');
      m.ele('AlarmName').txt(a.name);
      m.ele('AlarmArn').txt(`arn:aws:cloudwatch:${a.region}:${ACCOUNT}:alarm:${a.name}`);
      m.ele('StateValue').txt(a.state);
      m.ele('StateReason').txt(a.reason);
      m.ele('StateUpdatedTimestamp').txt(new Date().toISOString());
      m.ele('MetricName').txt('Requests');
      m.ele('Namespace').txt('AWS/AppRunner');
    }
    result.ele('CompositeAlarms');
    doc.ele('ResponseMetadata').ele('RequestId').txt(randomUUID());
    return sendXml(res, 200, doc.end());
  }
}

const CLOUDFRONT_NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

/** A CloudFront (REST-XML) error body. */
function restXmlError(code: string, message: string): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(CLOUDFRONT_NS, 'ErrorResponse');
  const e = doc.ele('Error');
  e.ele('Type').txt('Sender');
  e.ele('Code').txt(code);
  e.ele('Message').txt(message);
  doc.ele('RequestId').txt(randomUUID());
  return doc.end();
}

function distributionArn(id: string): string {
  return `arn:aws:cloudfront::${ACCOUNT}:distribution/${id}`;
}

function now(): number {
  return Date.now() / 1000;
}

function serviceShape(s: StubService) {
  const id = s.arn.split('/').pop()!;
  return {
    ServiceName: s.name,
    ServiceId: id,
    ServiceArn: s.arn,
    ServiceUrl: s.url,
    CreatedAt: now() - 3600,
    UpdatedAt: now(),
    Status: s.status,
    SourceConfiguration: {
      ImageRepository: { ImageIdentifier: 'public.ecr.aws/docker/library/node:20-alpine', ImageRepositoryType: 'ECR_PUBLIC' },
      AutoDeploymentsEnabled: false,
    },
    InstanceConfiguration: { Cpu: '256', Memory: '512' },
    AutoScalingConfigurationSummary: {
      AutoScalingConfigurationArn: `arn:aws:apprunner:${s.region}:${ACCOUNT}:autoscalingconfiguration/stub/1/abc`,
      AutoScalingConfigurationName: 'stub',
      AutoScalingConfigurationRevision: 1,
    },
    NetworkConfiguration: { EgressConfiguration: { EgressType: 'DEFAULT' }, IngressConfiguration: { IsPubliclyAccessible: true } },
  };
}

function queryError(ns: string, f: InjectedFailure): string {
  const doc = create({ version: '1.0' }).ele(ns, 'ErrorResponse');
  const e = doc.ele('Error');
  e.ele('Type').txt('Sender');
  e.ele('Code').txt(f.code);
  e.ele('Message').txt(f.message);
  doc.ele('RequestId').txt(randomUUID());
  return doc.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, contentType: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
