/**
 * The evaluator against the CloudWatch User Guide's own worked examples: "Configuring how
 * CloudWatch alarms treat missing data", section "How alarm state is evaluated when data is
 * missing" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html;
 * the guide's public source, awsdocs/amazon-cloudwatch-user-guide cc40332, AlarmThatSendsEmail.md).
 * Each row is the guide's: the 5 datapoints of the evaluation range, most recent on the right
 * (0 not breaching, X breaching, - missing), then the state for MISSING, IGNORE, BREACHING and
 * NOT BREACHING. "Retain" is the guide's "Retain current state".
 */
import {
  breaches,
  evaluateAlarm,
  evaluateClassified,
  type AlarmStateValue,
  type Classified,
  type TreatMissingData,
} from '../../harness/alarms/evaluate.js';

type Expected = AlarmStateValue | 'Retain';
type Row = [string, Expected, Expected, Expected, Expected];

const TREATMENTS: readonly TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

function datapoints(row: string): Classified[] {
  return row.split(' ').map((c) => (c === 'X' ? 'breaching' : c === '0' ? 'notBreaching' : 'missing'));
}

/** Every treatment of one row, from each possible prior state, so "Retain" is checked as such. */
function check(row: Row, evaluationPeriods: number, datapointsToAlarm: number): void {
  const [points, ...expected] = row;
  TREATMENTS.forEach((treatMissingData, i) => {
    for (const current of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const) {
      const want = expected[i] === 'Retain' ? current : expected[i];
      expect({
        treatMissingData,
        current,
        state: evaluateClassified(datapoints(points), { evaluationPeriods, datapointsToAlarm, treatMissingData }, current),
      }).toEqual({
        treatMissingData,
        current,
        state: want,
      });
    }
  });
}

// First table: Datapoints to Alarm and Evaluation Periods both 3.
test.each<Row>([
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', 'Retain', 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - X - -', 'ALARM', 'Retain', 'ALARM', 'OK'],
])("3 out of 3, the guide's first table: %s", (...row) => check(row, 3, 3));

// Second table: Datapoints to Alarm 2, Evaluation Periods 3.
test.each<Row>([
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - X -', 'ALARM', 'Retain', 'ALARM', 'OK'],
])("2 out of 3, the guide's second table: %s", (...row) => check(row, 3, 2));

// "Avoiding premature transitions to alarm state": with 3 of 3, `- - - - X` and `- - - X -` do not
// go to ALARM at once (the next datapoint may not breach).
test.each(['- - - - X', '- - - X -'])('3 out of 3, missing: %s does not alarm prematurely', (points) => {
  const state = evaluateClassified(datapoints(points), { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' }, 'OK');
  expect(state).not.toBe('ALARM');
});

test('values are compared with the operator; undefined is a missing datapoint', () => {
  expect([breaches(54, 'GreaterThanThreshold', 54), breaches(54, 'GreaterThanOrEqualToThreshold', 54)]).toEqual([false, true]);
  expect([breaches(1, 'LessThanThreshold', 1), breaches(1, 'LessThanOrEqualToThreshold', 1)]).toEqual([false, true]);
  const rule = {
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 54,
  } as const;
  expect(evaluateAlarm([undefined, 120], rule, 'OK')).toBe('ALARM');
  expect(evaluateAlarm([120, undefined], rule, 'ALARM')).toBe('ALARM');
  expect(evaluateAlarm([undefined, undefined], rule, 'ALARM')).toBe('OK');
});

test('a rule CloudWatch would refuse is an error naming the field, the value and what is allowed', () => {
  const range = datapoints('- - - - -');
  expect(() => evaluateClassified(range, { evaluationPeriods: 3, datapointsToAlarm: 4, treatMissingData: 'missing' }, 'OK')).toThrow(
    'datapointsToAlarm = 4: allowed: an integer from 1 to evaluationPeriods (3)',
  );
  expect(() => evaluateClassified(range, { evaluationPeriods: 0, datapointsToAlarm: 1, treatMissingData: 'missing' }, 'OK')).toThrow(
    'evaluationPeriods = 0',
  );
  expect(() => evaluateClassified(range, { evaluationPeriods: 6, datapointsToAlarm: 1, treatMissingData: 'missing' }, 'OK')).toThrow(
    'at least evaluationPeriods (6) datapoints',
  );
  expect(() =>
    evaluateClassified(range, { evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'zero' as TreatMissingData }, 'OK'),
  ).toThrow('missing, notBreaching, breaching, ignore');
});
