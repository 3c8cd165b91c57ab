/**
 * The App Runner emulator against the botocore model and the documented contract: a bad
 * request is answered as App Runner would (the error type and a message naming the member).
 */
import { findAppRunnerModel } from '../../emulator/apprunner/model.js';
import { AppRunnerEmulator } from '../../emulator/apprunner/emulator.js';
import { PROBE_APP_START_COMMAND, probeAppEnvironment } from '../../app/launch.js';
import { describeUnless } from '../support/skip.js';

const model = findAppRunnerModel();
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIAEMULATOREXAMPLE/20260101/us-east-1/apprunner/aws4_request, SignedHeaders=host, Signature=0';

const env = probeAppEnvironment({ role: 'primary', region: 'us-east-1', originVerifyHeader: 'x-origin-verify', originVerifySecret: '' });
const serviceRequest = (over: Record<string, unknown> = {}, image: Record<string, unknown> = {}) => ({
  ServiceName: `svc-${Math.random().toString(36).slice(2, 8)}`,
  SourceConfiguration: {
    AutoDeploymentsEnabled: false,
    ImageRepository: {
      ImageIdentifier: 'public.ecr.aws/docker/library/node:20-alpine',
      ImageRepositoryType: 'ECR_PUBLIC',
      ImageConfiguration: { Port: '8080', StartCommand: PROBE_APP_START_COMMAND, RuntimeEnvironmentVariables: env, ...image },
    },
  },
  InstanceConfiguration: { Cpu: '0.25 vCPU', Memory: '0.5 GB' },
  ...over,
});

describeUnless(typeof model === 'string' ? undefined : model.reason, 'the App Runner emulator', () => {
  let emu: AppRunnerEmulator;
  beforeAll(async () => {
    emu = await AppRunnerEmulator.start({ modelPath: model as string, operationMs: 200 });
  });
  afterAll(() => emu.close());

  async function call(op: string, body: unknown): Promise<{ status: number; body: Record<string, any>; connection: string | null }> {
    const r = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': `AppRunner.${op}`, 'content-type': 'application/x-amz-json-1.0', authorization: AUTH },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any>, connection: r.headers.get('connection') };
  }
  async function waitFor(arn: string, status: string) {
    for (let i = 0; i < 200; i++) {
      const d = await call('DescribeService', { ServiceArn: arn });
      if (d.body.Service?.Status === status) return d.body.Service;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`service ${arn} never reached ${status}`);
  }
  const rejects = (r: { status: number; body: Record<string, any> }, type: string, text: RegExp) => {
    expect([r.status, r.body.__type]).toEqual([400, type]);
    expect(r.body.Message).toMatch(text);
  };

  test('a missing required member, a name off the pattern and an out-of-enum value come from the model', async () => {
    rejects(await call('CreateService', { ServiceName: 'abcd' }), 'InvalidRequestException', /'SourceConfiguration' failed to satisfy constraint: Member must not be null/);
    rejects(await call('CreateService', serviceRequest({ ServiceName: '-bad name' })), 'InvalidRequestException', /at 'ServiceName'.*regular expression pattern/);
    rejects(
      await call('CreateService', serviceRequest({ SourceConfiguration: { ImageRepository: { ImageIdentifier: 'public.ecr.aws/a/b:1', ImageRepositoryType: 'DOCKERHUB' } } })),
      'InvalidRequestException',
      /enum value set: \[ECR, ECR_PUBLIC\]/,
    );
    rejects(await call('ListOperations', { ServiceArn: `arn:aws:apprunner:us-east-1:123456789012:service/x/y`, MaxResults: 21 }), 'InvalidRequestException', /less than or equal to 20/);
  });

  test('the contract: CPU/memory pairs, reserved PORT, ECR Public without automatic deployments, the 51,200-character value limit', async () => {
    rejects(await call('CreateService', serviceRequest({ InstanceConfiguration: { Cpu: '1 vCPU', Memory: '0.5 GB' } })), 'InvalidRequestException', /Memory 0.5 GB is not supported with CPU 1 vCPU/);
    rejects(await call('CreateService', serviceRequest({}, { RuntimeEnvironmentVariables: { ...env, PORT: '8080' } })), 'InvalidRequestException', /PORT is reserved/);
    const auto = serviceRequest();
    (auto.SourceConfiguration as Record<string, unknown>).AutoDeploymentsEnabled = true;
    rejects(await call('CreateService', auto), 'InvalidRequestException', /ECR Public/);
    rejects(await call('CreateService', serviceRequest({}, { RuntimeEnvironmentVariables: { BIG: 'x'.repeat(51_201) } })), 'InvalidRequestException', /less than or equal to 51200/);
    rejects(await call('DescribeService', { ServiceArn: 'arn:aws:apprunner:us-east-1:123456789012:service/none/0123' }), 'ResourceNotFoundException', /not found/);
  });

  test('the state machine and the data plane: running, paused (404), no double pause, no update while paused, resumed, deleted', async () => {
    const created = await call('CreateService', serviceRequest());
    expect(created.status).toBe(200);
    expect(created.connection).toBe('close');
    const arn: string = created.body.Service.ServiceArn;
    expect(created.body.Service.Status).toBe('OPERATION_IN_PROGRESS');
    const svc = await waitFor(arn, 'RUNNING');
    const front = emu.serviceFronts()[svc.ServiceUrl]!;
    const ok = await fetch(`${front}/`);
    expect([ok.status, ok.headers.get('x-served-by')]).toEqual([200, 'primary/us-east-1']);
    const { request } = await import('undici');
    const foreign = await request(`${front}/`, { headers: { host: 'someone-else.us-east-1.awsapprunner.localhost' } });
    await foreign.body.dump();
    expect(foreign.statusCode).toBe(404);

    expect((await call('PauseService', { ServiceArn: arn })).body.Service.Status).toBe('OPERATION_IN_PROGRESS');
    rejects(await call('PauseService', { ServiceArn: arn }), 'InvalidStateException', /OPERATION_IN_PROGRESS/);
    await waitFor(arn, 'PAUSED');
    expect((await fetch(`${front}/`)).status).toBe(404);
    rejects(await call('PauseService', { ServiceArn: arn }), 'InvalidStateException', /PAUSED/);
    rejects(await call('UpdateService', { ServiceArn: arn, InstanceConfiguration: { Cpu: '0.25 vCPU', Memory: '1 GB' } }), 'InvalidStateException', /PAUSED/);
    await call('ResumeService', { ServiceArn: arn });
    await waitFor(arn, 'RUNNING');
    expect((await fetch(`${front}/`)).status).toBe(200);
    const update = await call('UpdateService', { ServiceArn: arn, InstanceConfiguration: { Cpu: '0.25 vCPU', Memory: '1 GB' } });
    expect(update.body.Service).toMatchObject({ Status: 'OPERATION_IN_PROGRESS', InstanceConfiguration: { Memory: '1 GB' } });
    expect((await fetch(`${front}/`)).status).toBe(200);
    await waitFor(arn, 'RUNNING');
    expect((await fetch(`${front}/`)).status).toBe(200);
    const ops = await call('ListOperations', { ServiceArn: arn });
    expect(ops.body.OperationSummaryList.map((o: { Type: string; Status: string }) => `${o.Type}:${o.Status}`)).toEqual([
      'UPDATE_SERVICE:SUCCEEDED',
      'RESUME_SERVICE:SUCCEEDED',
      'PAUSE_SERVICE:SUCCEEDED',
      'CREATE_SERVICE:SUCCEEDED',
    ]);
    await call('DeleteService', { ServiceArn: arn });
    for (let i = 0; i < 100 && emu.holdings().services.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(emu.holdings().services).toEqual([]);
    rejects(await call('DescribeService', { ServiceArn: arn }), 'ResourceNotFoundException', /not found/);
  }, 60_000);

  test('auto scaling configurations: revisions, tags, delete to INACTIVE', async () => {
    const a = await call('CreateAutoScalingConfiguration', { AutoScalingConfigurationName: 'edge-as', MaxSize: 2, Tags: [{ Key: 'k', Value: 'v' }] });
    expect(a.body.AutoScalingConfiguration).toMatchObject({ AutoScalingConfigurationRevision: 1, Status: 'active', MaxSize: 2, MinSize: 1 });
    const arn = a.body.AutoScalingConfiguration.AutoScalingConfigurationArn;
    expect((await call('ListTagsForResource', { ResourceArn: arn })).body.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    rejects(await call('CreateAutoScalingConfiguration', { AutoScalingConfigurationName: 'edge-as', MaxConcurrency: 201 }), 'InvalidRequestException', /less than or equal to 200/);
    expect((await call('DeleteAutoScalingConfiguration', { AutoScalingConfigurationArn: arn })).body.AutoScalingConfiguration.Status).toBe('inactive');
    expect(emu.holdings().autoScalingConfigurations).not.toContain(arn);
  });
});
