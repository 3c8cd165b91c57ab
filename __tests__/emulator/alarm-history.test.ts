/**
 * moto 5.2.1 has no DescribeAlarmHistory; emulator/moto/launch.py adds one (patch 6). Driven with
 * the real AWS CLI v2: the test sets each alarm state itself with set-alarm-state (moto does not
 * evaluate alarms) and reads the transitions back with describe-alarm-history.
 */
import { existsSync } from 'node:fs';
import { AWS_CLI_V2, emulatedAws } from '../../emulator/aws-cli.js';
import { checkMoto, MotoServer } from '../../emulator/moto/moto-server.js';
import { describeUnless } from '../support/skip.js';

const moto = checkMoto();
const missing = !existsSync(AWS_CLI_V2)
  ? `the AWS CLI v2 is not at ${AWS_CLI_V2} (apt-get install awscli)`
  : 'reason' in moto
    ? moto.reason
    : undefined;

describeUnless(missing, 'describe-alarm-history against moto, states set with set-alarm-state', () => {
  let server: MotoServer;
  const aws = (...args: string[]) => emulatedAws(server.url, 'us-east-1', args);
  beforeAll(async () => {
    server = await MotoServer.start();
  }, 60_000);
  afterAll(() => server?.stop());

  test('each transition with its timestamp, old and new state, newest first; filters and pages as the model says', async () => {
    const alarm = (name: string) =>
      aws(
        'cloudwatch',
        'put-metric-alarm',
        '--alarm-name',
        name,
        '--namespace',
        'AWS/AppRunner',
        '--metric-name',
        'Requests',
        '--statistic',
        'Sum',
        '--period',
        '60',
        '--evaluation-periods',
        '1',
        '--threshold',
        '54',
        '--comparison-operator',
        'GreaterThanThreshold',
      );
    await alarm('drill-failover-active');
    await alarm('drill-other');
    const before = new Date(Date.now() - 1000).toISOString();
    const set = (name: string, state: string, reason: string) =>
      aws('cloudwatch', 'set-alarm-state', '--alarm-name', name, '--state-value', state, '--state-reason', reason);
    await set('drill-failover-active', 'ALARM', 'set by the test: failover');
    await set('drill-other', 'ALARM', 'set by the test: other');
    await set('drill-failover-active', 'OK', 'set by the test: failback');

    const history = await aws(
      'cloudwatch',
      'describe-alarm-history',
      '--alarm-name',
      'drill-failover-active',
      '--history-item-type',
      'StateUpdate',
    );
    const items = history.AlarmHistoryItems as {
      AlarmName: string;
      AlarmType: string;
      Timestamp: string;
      HistorySummary: string;
      HistoryData: string;
    }[];
    expect(items.map((i) => [i.AlarmName, i.AlarmType, i.HistorySummary])).toEqual([
      ['drill-failover-active', 'MetricAlarm', 'Alarm updated from ALARM to OK'],
      ['drill-failover-active', 'MetricAlarm', 'Alarm updated from OK to ALARM'],
    ]);
    expect(Date.parse(items[0]!.Timestamp)).toBeGreaterThanOrEqual(Date.parse(items[1]!.Timestamp));
    expect(JSON.parse(items[1]!.HistoryData)).toMatchObject({
      version: '1.0',
      oldState: { stateValue: 'OK' },
      newState: { stateValue: 'ALARM', stateReason: 'set by the test: failover' },
    });
    // The transition's timestamp is the state's own, as describe-alarms reports it.
    const described = (await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'drill-failover-active')).MetricAlarms[0];
    expect(Date.parse(items[0]!.Timestamp)).toBe(Date.parse(described.StateUpdatedTimestamp));

    const all = await aws(
      'cloudwatch',
      'describe-alarm-history',
      '--scan-by',
      'TimestampAscending',
      '--start-date',
      before,
      '--page-size',
      '1',
    );
    expect(all.AlarmHistoryItems.map((i: { AlarmName: string; HistorySummary: string }) => `${i.AlarmName}: ${i.HistorySummary}`)).toEqual([
      'drill-failover-active: Alarm updated from OK to ALARM',
      'drill-other: Alarm updated from OK to ALARM',
      'drill-failover-active: Alarm updated from ALARM to OK',
    ]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await aws('cloudwatch', 'describe-alarm-history', '--start-date', future)).AlarmHistoryItems).toEqual([]);
    expect((await aws('cloudwatch', 'describe-alarm-history', '--history-item-type', 'Action')).AlarmHistoryItems).toEqual([]);
    expect((await aws('cloudwatch', 'describe-alarm-history', '--alarm-types', 'CompositeAlarm')).AlarmHistoryItems).toEqual([]);
  }, 90_000);
});
