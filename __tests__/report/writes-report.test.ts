/** The write section in run.json and the reports. */
import { describe, expect, test } from '@jest/globals';
import { renderMarkdown } from '../../harness/report/markdown.js';
import { validateRunRecord } from '../../harness/report/run-schema.js';
import { rejudge } from '../../harness/report/run-record.js';
import { DEFAULT_WRITE_THRESHOLDS, measureWrites, withWriteAssertions } from '../../harness/analysis/writes.js';
import { healthyDrill, phaseAt, STANDARD_PHASES, T0, times, write } from '../analysis/timelines.js';
import { runRecordOf } from './fixtures.js';

const timeline = {
  probes: [
    ...healthyDrill().probes,
    ...times(0, 5, 0.5).map((t) =>
      t >= 2 && t < 3.5
        ? write({ t, phase: phaseAt(t), status: 201, header: 'secondary/us-west-2' })
        : t >= 1.05 && t < 3.05
          ? write({ t, phase: phaseAt(t), status: 404, header: null })
          : write({ t, phase: phaseAt(t), status: 201, header: 'primary/us-east-1' }),
    ),
  ],
  phases: STANDARD_PHASES,
};
const switches = [
  { to: 'secondary' as const, requestedAt: T0 + 1900, observedAt: T0 + 2005, delaySeconds: 0.9, delayBasis: 'modelled: test' },
  { to: 'primary' as const, requestedAt: T0 + 3400, observedAt: T0 + 3505, delaySeconds: 0, delayBasis: 'by hand' },
];

function run(maxWriteRtoSeconds = 120) {
  const writes = { thresholds: { ...DEFAULT_WRITE_THRESHOLDS, maxWriteRtoSeconds }, measurements: measureWrites(timeline, switches) };
  const base = runRecordOf(timeline);
  return { ...base, writes, verdict: withWriteAssertions(base.verdict, writes) };
}

describe('the write section', () => {
  test('run.json with a write section validates', () => {
    expect(() => validateRunRecord(JSON.parse(JSON.stringify(run())), 'run.json')).not.toThrow();
  });

  test('a malformed write section is refused, naming the field', () => {
    const bad = JSON.parse(JSON.stringify(run()));
    bad.writes.measurements.splitBrainWrites = -1;
    expect(() => validateRunRecord(bad, 'run.json')).toThrow(/writes\.measurements\.splitBrainWrites/);
  });

  test('the Markdown summary has a write table with the RTO and the modelled basis of the switch', () => {
    const md = renderMarkdown(run());
    expect(md).toMatch(/### Writes under the write router/);
    expect(md).toMatch(/\| Write RTO \(outage → first write served by the secondary\) \| 1\.005 s \|/);
    expect(md).toMatch(/Switch to the secondary after 0\.9 s \(modelled: test\)/);
    expect(md).toMatch(/\| Write RTO at most 120 s \| ✅ passed \|/);
  });

  test('dr-drill report re-judges the write section from the saved switches', () => {
    const again = rejudge(run(0.5));
    expect(again.verdict.outcome).toBe('failed');
    expect(again.verdict.assertions.find((a) => a.id === 'write-rto')?.status).toBe('failed');
    expect(rejudge(run()).verdict.outcome).toBe('passed');
  });
});
