/**
 * The drill's default settings are the ones its settings document (each `@default` of DrillSettings
 * and of the prober's props, read with the TypeScript compiler), and the failover threshold is left
 * to the drill to derive.
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { DEFAULT_THRESHOLDS } from '../../harness/analysis/verdict.js';
import { DEFAULT_DRILL_SETTINGS } from '../../harness/drill/settings.js';

/** Each member's `@default` text of an interface in a source file. */
function documentedDefaults(file: string, name: string): Record<string, string> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Record<string, string> = {};
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) {
      for (const member of node.members) {
        const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'default');
        const comment = typeof tag?.comment === 'string' ? tag.comment : undefined;
        if (member.name && ts.isIdentifier(member.name) && comment !== undefined) found[member.name.text] = comment.trim();
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A documented default as a value: a number, a quoted string; anything else (prose) is not checked. */
function asValue(text: string): unknown {
  if (/^-?\d[\d_]*(\.\d+)?$/.test(text)) return Number(text.replace(/_/g, ''));
  if (/^"[^"]*"$/.test(text)) return JSON.parse(text);
  return undefined;
}

test('each documented default of the drill settings is the default the drill uses', () => {
  const docs = documentedDefaults('harness/drill/settings.ts', 'DrillSettings');
  const defaults = DEFAULT_DRILL_SETTINGS as unknown as Record<string, unknown>;
  expect(docs).toMatchObject({ fault: 'pause', steadyTimeoutSeconds: '20', observeTimeoutSeconds: expect.any(String) });
  for (const [field, text] of Object.entries(docs)) {
    if (field === 'fault') expect(DEFAULT_DRILL_SETTINGS.fault).toEqual({ kind: text });
    else if (asValue(text) !== undefined) expect({ field, value: defaults[field] }).toEqual({ field, value: asValue(text) });
    else expect({ field, value: defaults[field] }).toEqual({ field, value: undefined });
  }
});

test("the probe defaults are the prober's documented ones, the connect timeout within the request timeout", () => {
  const docs = documentedDefaults('harness/probe/prober.ts', 'ProberProps');
  const probe = DEFAULT_DRILL_SETTINGS.probe as unknown as Record<string, unknown>;
  for (const field of ['rateHz', 'writeRateHz', 'timeoutMs', 'path'] as const) {
    expect({ field, value: probe[field] }).toEqual({ field, value: asValue(docs[field]!) });
  }
  // "@default rateHz"
  expect(docs['directRateHz']).toBe('rateHz');
  expect(DEFAULT_DRILL_SETTINGS.probe.directRateHz).toBe(DEFAULT_DRILL_SETTINGS.probe.rateHz);
  // "@default 2000, or timeoutMs if that is lower"
  expect(docs['connectTimeoutMs']).toMatch(/^2000,/);
  expect(DEFAULT_DRILL_SETTINGS.probe.connectTimeoutMs).toBe(Math.min(2000, DEFAULT_DRILL_SETTINGS.probe.timeoutMs));
  expect(Object.keys(probe).sort()).toEqual(['connectTimeoutMs', 'directRateHz', 'path', 'rateHz', 'timeoutMs', 'writeRateHz']);
});

test("the thresholds are the verdict's defaults but the failover time, which the drill derives from the fault", () => {
  const { failoverSeconds: _derived, ...rest } = DEFAULT_THRESHOLDS;
  expect(DEFAULT_DRILL_SETTINGS.thresholds).toEqual(rest);
  expect(DEFAULT_DRILL_SETTINGS.thresholds).not.toHaveProperty('failoverSeconds');
  expect(Object.keys(DEFAULT_DRILL_SETTINGS).sort()).toEqual([
    'fault',
    'holdSeconds',
    'observeTimeoutSeconds',
    'probe',
    'steadyTimeoutSeconds',
    'teardownTimeoutSeconds',
    'thresholds',
  ]);
});
