/** The write section in run.json and the reports. */
import { describe, expect, test } from '@jest/globals';
import { renderMarkdown } from '../../harness/report/markdown.js';
import { validateRunRecord } from '../../harness/report/run-schema.js';
import { rejudge } from '../../harness/report/run-record.js';
import { writeRouterRun } from './fixtures.js';

const run = writeRouterRun;

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
