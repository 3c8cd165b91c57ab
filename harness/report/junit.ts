/**
 * junit.xml: one test case per assertion, plus one for the run itself (an error when it was
 * aborted) and one for teardown. Failure messages carry the measured value and the threshold.
 */
import { create } from 'xmlbuilder2';
import type { RunRecord } from './run-record.js';

/**
 * XML 1.0 forbids NUL and the other C0 controls (but tab, CR and LF), lone surrogates and
 * U+FFFE/U+FFFF in any document. xmlbuilder2 replaces each with what this returns (a visible
 * escape such as `\x1b`) in every name, attribute value and text it is given.
 */
function invalidCharReplacement(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function renderJunit(run: RunRecord): string {
  const durationS = (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
  const assertions = run.verdict.assertions;
  const failures = assertions.filter((a) => a.status === 'failed').length;
  const skipped = assertions.filter((a) => a.status === 'skipped').length;
  const errors = (run.status === 'aborted' ? 1 : 0) + (run.teardown.ok && run.primaryResumed !== false ? 0 : 1);
  const tests = assertions.length + 2;
  const className = `dr-drill.${run.target}`;

  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement }).ele('testsuites', {
    name: 'dr-drill',
    tests,
    failures,
    errors,
    skipped,
    time: durationS.toFixed(3),
  });
  const suite = root.ele('testsuite', {
    name: `DR drill (${run.target}) ${run.runId}`,
    tests,
    failures,
    errors,
    skipped,
    time: durationS.toFixed(3),
    timestamp: run.startedAt.replace(/\.\d+Z$/, ''),
  });
  const props = suite.ele('properties');
  const property = (name: string, value: string | number | boolean | null) => props.ele('property', { name, value: String(value) });
  property('target', run.target);
  property('runId', run.runId);
  property('status', run.status);
  property('outcome', run.verdict.outcome);
  property('exitCode', run.exitCode);
  property('fault', run.settings.fault);
  property('failover.seconds', run.measurements.failover.seconds);
  property('failback.seconds', run.measurements.failback.seconds);
  property('teardown.ok', run.teardown.ok);
  property('primaryResumed', run.primaryResumed);

  const runCase = suite.ele('testcase', {
    classname: className,
    name: 'drill-run: the drill runs to completion',
    time: durationS.toFixed(3),
  });
  if (run.status === 'aborted' && run.abort) {
    runCase
      .ele('error', { message: `aborted during ${run.abort.phase}: ${run.abort.reason}`, type: run.abort.cause })
      .txt(`The run was aborted (${run.abort.cause}) during ${run.abort.phase}.\n${run.abort.reason}`);
  }

  for (const a of assertions) {
    const tc = suite.ele('testcase', { classname: className, name: `${a.id}: ${a.title}` });
    if (a.status === 'failed') {
      tc.ele('failure', { message: a.message, type: 'threshold' }).txt(
        `measured: ${a.measured ?? 'none'}${a.unit === 's' ? ' s' : ` ${a.unit}`}\nthreshold: ${a.comparison} ${a.threshold}${a.unit === 's' ? ' s' : ` ${a.unit}`}\n${a.message}`,
      );
    } else if (a.status === 'skipped') {
      tc.ele('skipped', { message: a.message });
    } else {
      tc.ele('system-out').txt(a.message);
    }
  }

  const teardown = suite.ele('testcase', { classname: className, name: 'teardown: the world is torn down and the primary resumed' });
  if (!run.teardown.ok || run.primaryResumed === false) {
    const what = !run.teardown.ok ? `teardown failed: ${run.teardown.detail}` : 'the primary was not resumed';
    teardown
      .ele('error', { message: what, type: 'teardown' })
      .txt(run.cleanup.map((c) => `${c.name}: ${c.status} (${c.detail})`).join('\n'));
  } else {
    teardown.ele('system-out').txt(run.cleanup.map((c) => `${c.name}: ${c.status} (${c.detail})`).join('\n'));
  }
  return root.end({ prettyPrint: true });
}
