import { APPRUNNER_DETAIL_TYPES, STATUS_FIELD_SPELLINGS, appRunnerStatusPattern } from '../../../modules/monitoring/event-pattern.js';
import { matches } from './event-pattern-matcher.js';

const ARN = 'arn:aws:apprunner:us-east-1:111122223333:service/ef-primary/0123456789abcdef0123456789abcdef';
const NAME = 'ef-primary';
const pattern = appRunnerStatusPattern([{ serviceArn: ARN, serviceName: NAME }]);

function event(detailType: string, detail: Record<string, string>, resources: string[] = [ARN]) {
  return {
    version: '0',
    id: 'e1',
    'detail-type': detailType,
    source: 'aws.apprunner',
    account: '111122223333',
    time: '2025-01-01T00:00:00Z',
    region: 'us-east-1',
    resources,
    detail: { serviceName: NAME, serviceId: '0123456789abcdef0123456789abcdef', message: 'm', severity: 'INFO', ...detail },
  };
}

describe('matcher self-check', () => {
  test('rejects what it should (so pattern tests below can fail)', () => {
    expect(matches({ source: ['a'] }, { source: 'b' })).toBe(false);
    expect(matches({ detail: { x: ['1'] } }, { detail: {} })).toBe(false);
    expect(matches({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { c: '3' })).toBe(false);
    expect(matches({ a: [{ exists: true }] }, { a: 'x' })).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: 'x' })).toBe(false);
  });
});

describe('App Runner status pattern', () => {
  test.each(STATUS_FIELD_SPELLINGS.map((s) => [s.previous, s.current]))(
    'matches a service status change spelled %s/%s',
    (previous, current) => {
      for (const [from, to] of [
        ['RUNNING', 'OPERATION_IN_PROGRESS'],
        ['OPERATION_IN_PROGRESS', 'PAUSED'],
        ['PAUSED', 'OPERATION_IN_PROGRESS'],
        ['OPERATION_IN_PROGRESS', 'RUNNING'],
      ]) {
        expect(matches(pattern, event('AppRunner Service Status Change', { [previous]: from!, [current]: to! }))).toBe(true);
      }
    },
  );

  test('matches an operation status change', () => {
    expect(
      matches(pattern, event('AppRunner Service Operation Status Change', { operationStatus: 'PauseServiceCompletedSuccessfully' })),
    ).toBe(true);
  });

  test('matches by service name when the event carries no resources', () => {
    expect(matches(pattern, event('AppRunner Service Status Change', { previousStatus: 'RUNNING', currentStatus: 'PAUSED' }, []))).toBe(
      true,
    );
  });

  test("ignores other services' events", () => {
    const other = event('AppRunner Service Status Change', { previousServiceStatus: 'RUNNING', currentServiceStatus: 'PAUSED' }, [
      ARN.replace('ef-primary', 'someone-else'),
    ]);
    other.detail.serviceName = 'someone-else';
    expect(matches(pattern, other)).toBe(false);
  });

  test('ignores other sources and detail types', () => {
    expect(matches(pattern, { ...event(APPRUNNER_DETAIL_TYPES[0], {}), source: 'aws.ecs' })).toBe(false);
    expect(matches(pattern, event('AppRunner Service Deployment Log', {}))).toBe(false);
  });

  test('needs a service to filter on', () => {
    expect(() => appRunnerStatusPattern([])).toThrow(/at least one service/);
  });
});
