/**
 * The hostile config corpus (__tests__/support/hostile.ts) through the loader, by every source a
 * config value can come from: each entry ends in one ConfigError naming the field in the house
 * format, never zod's wording, never a secret, never a stack.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type LoadConfigOptions } from '../../config/index.js';
import { HOSTILE_CONFIGS, HOSTILE_STRINGS, INFINITY_CONFIG, PLANTED_SECRET, type ConfigEntryVia } from '../support/hostile.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rejection(options: LoadConfigOptions): ConfigError {
  try {
    loadConfig({ env: {}, warn: () => {}, ...options });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, got none');
}

const ZOD_WORDING = /Invalid input|Invalid option|expected \w+, received|Too (small|big)|Unrecognized key/;

type Via = ConfigEntryVia | 'context object';
function optionsFor(via: Via, json: string, name: string): LoadConfigOptions {
  switch (via) {
    case 'file': {
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
      writeFileSync(file, json);
      return { file };
    }
    case 'context':
      return { context: (k) => (k === 'edgeFailover' ? json : undefined) };
    case 'context object':
      return { context: (k) => (k === 'edgeFailover' ? JSON.parse(json) : undefined) };
    case 'overrides':
      return { overrides: JSON.parse(json) };
  }
}

describe.each(HOSTILE_CONFIGS.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
  const vias: Via[] = [...(entry.via ?? ['file', 'context', 'overrides']), 'context object'];
  test.each(vias)('via %s: one problem naming the field, in the house wording, no secret', (via) => {
    const err = rejection(optionsFor(via, entry.json, entry.name));
    expect(err.kind).toBe('usage');
    expect(err.problems.map((p) => err.message.includes(p.field) && p.field)).toEqual([entry.field]);
    expect(err.message).toContain(`${entry.field} (from `);
    expect(err.message).toContain(entry.allowed);
    expect(err.message).not.toMatch(ZOD_WORDING);
    expect(err.message).not.toContain(PLANTED_SECRET);
    expect(err.message).not.toMatch(/[\u0000-\u001f]/);
    expect(err.message.length).toBeLessThan(1200);
  });
});

describe('messages', () => {
  test('Infinity is shown as Infinity, and a number that breaks two rules is reported once', () => {
    const err = rejection({ overrides: INFINITY_CONFIG as never });
    expect(err.message).toBe(
      'Invalid configuration: failover.connectionAttempts (from overrides) = Infinity: allowed: an integer from 1 to 3',
    );
    const inArray = rejection({ overrides: { failover: { statusCodes: [404, -Infinity] } } as never });
    expect(inArray.message).toContain('failover.statusCodes.1 (from overrides) = -Infinity');
  });

  test('a context JSON error is labelled as context, not as a config file', () => {
    const err = rejection({
      context: (k) => (k === 'edgeFailover' ? `{"failover": {"originVerify": {"secret": "${PLANTED_SECRET}"` : undefined),
    });
    expect(err.message).toMatch(/^Invalid configuration: edgeFailover \(from cdktf context\) = .*: allowed: valid JSON/);
    expect(err.message).not.toContain('configFile');
    expect(err.message).not.toContain(PLANTED_SECRET);
  });

  test('a config file that is not JSON names the file and never echoes its text', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, `{"failover": {"originVerify": {"secret": "${PLANTED_SECRET}" oops`);
    const err = rejection({ file });
    expect(err.message).toContain(`configFile (from file ${file}) = "${file}": allowed: valid JSON`);
    expect(err.message).not.toContain(PLANTED_SECRET);
  });

  test.each([123, true, {}, ['a.json'], ''])('edgeFailoverConfigFile = %p is refused, not ignored', (value) => {
    const err = rejection({ context: (k) => (k === 'edgeFailoverConfigFile' ? value : undefined) });
    expect(err.message).toContain('edgeFailoverConfigFile (from cdktf context)');
    expect(err.message).toContain('allowed: the path of a JSON config file, as a string');
  });

  test('unknown EDGE_FAILOVER_* variables are warned about, known ones are not', () => {
    const warnings: string[] = [];
    loadConfig({
      env: { EDGE_FAILOVER_CONECTION_ATTEMPTS: '2', EDGE_FAILOVER_READ_TIMEOUT: '6', EDGE_FAILOVER_CONFIG: '', OTHER: '1' },
      warn: (m) => warnings.push(m),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Warning: EDGE_FAILOVER_CONECTION_ATTEMPTS is not a variable edge-failover reads, and is ignored/);
    expect(warnings[0]).toContain('EDGE_FAILOVER_CONNECTION_ATTEMPTS');
  });

  test('a bad secret from the environment is never echoed', () => {
    const err = rejection({ env: { EDGE_FAILOVER_ORIGIN_VERIFY_SECRET: `${PLANTED_SECRET} with spaces` } });
    expect(err.message).toContain('failover.originVerify.secret (from env EDGE_FAILOVER_ORIGIN_VERIFY_SECRET) = (redacted)');
    expect(err.message).not.toContain(PLANTED_SECRET);
  });

  test('a prototype key through the context does not reach any prototype', () => {
    rejection({ context: (k) => (k === 'edgeFailover' ? '{"__proto__": {"polluted": true}}' : undefined) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('every hostile string in every kind of config field', () => {
  const placements: [string, (v: string) => unknown][] = [
    ['namePrefix', (v) => ({ namePrefix: v })],
    ['a tag key', (v) => ({ tags: { [v]: 'x' } })],
    ['a tag value', (v) => ({ tags: { owner: v } })],
    ['the origin-verify header name', (v) => ({ failover: { originVerify: { headerName: v } } })],
    ['a write path', (v) => ({ failover: { writePaths: [v] } })],
    ['an unknown key', (v) => ({ failover: { [v]: 1 } })],
    ['an environment variable name', (v) => ({ service: { environment: { [v]: 'x' } } })],
  ];
  test.each(HOSTILE_STRINGS.map((h) => [h.name, h.value] as const))('%s', (_name, value) => {
    for (const [where, place] of placements) {
      let message = '';
      try {
        loadConfig({ env: {}, warn: () => {}, overrides: JSON.parse(JSON.stringify(place(value))) });
        continue; // accepted: a value AWS takes as it is
      } catch (e) {
        if (!(e instanceof ConfigError)) throw new Error(`${where}: ${String(e)}`);
        message = e.message;
      }
      // Nothing a terminal acts on, no zod wording, bounded length.
      expect({ where, raw: /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(message) }).toEqual({
        where,
        raw: false,
      });
      expect({ where, zod: ZOD_WORDING.test(message) }).toEqual({ where, zod: false });
      expect({ where, short: message.length < 2000 }).toEqual({ where, short: true });
    }
  });
});
