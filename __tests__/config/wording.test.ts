import { z } from 'zod';
import { houseWording, TYPE_NAMES } from '../../config/wording.js';

const wording = houseWording({ union: 'one of the documented forms', otherwise: 'what the table allows' });

/** The one message a schema with no messages of its own gives for `value`. */
function allowed(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value, { error: wording });
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  expect(result.error.issues).toHaveLength(1);
  return result.error.issues[0]!.message;
}

describe('the house wording of every zod issue a schema leaves unworded', () => {
  test.each<[string, z.ZodType, unknown, string]>([
    ['a string', z.string(), 3, 'a string'],
    ['a number', z.number(), '3', 'a number'],
    ['an integer', z.int(), 1.5, 'an integer'],
    ['a boolean', z.boolean(), 'yes', 'true or false'],
    ['an object', z.object({}), 1, 'an object'],
    ['an array', z.array(z.string()), {}, 'an array'],
    ['a record', z.record(z.string(), z.string()), [], 'an object'],
    ['null', z.null(), 0, 'null'],
    ['a non-empty string', z.string().min(1), '', 'a non-empty string'],
    ['a longer string', z.string().min(3), 'ab', 'a string of at least 3 characters'],
    ['a shorter string', z.string().max(2), 'abc', 'a string of at most 2 characters'],
    ['more entries', z.array(z.number()).min(2), [1], 'at least 2 entries'],
    ['fewer entries', z.array(z.number()).max(1), [1, 2], 'at most 1 entries'],
    ['a number >= 0', z.number().nonnegative(), -1, 'a number >= 0'],
    ['a number > 0', z.int().positive(), 0, 'a number > 0'],
    ['a number <= 9', z.number().max(9), 10, 'a number <= 9'],
    ['a number < 9', z.number().lt(9), 9, 'a number < 9'],
    ['one of an enum', z.enum(['a', 'b']), 'c', 'one of "a", "b"'],
    ['a string literal', z.literal('local'), 's3', '"local"'],
    ['a number literal', z.literal(1), 2, '1'],
    ['a format', z.email(), 'nope', 'a string in the email format'],
    ['a multiple', z.number().multipleOf(5), 7, 'a multiple of 5'],
    ['a union', z.union([z.literal(0), z.object({ a: z.string() })]), 'x', 'one of the documented forms'],
    ['a refinement', z.string().refine((s) => s === 'ok'), 'no', 'what the table allows'],
  ])('%s', (_name, schema, value, expected) => {
    expect(allowed(schema, value)).toBe(expected);
  });

  test('no message is zod\u2019s own', () => {
    for (const [schema, value] of [
      [z.string(), 1],
      [z.number().min(2), 1],
      [z.enum(['x']), 'y'],
    ] as const) {
      expect(allowed(schema, value)).not.toMatch(/Invalid|expected|received/);
    }
  });

  test('a type zod names that the table lacks is still worded', () => {
    expect(TYPE_NAMES.bigint).toBeUndefined();
    expect(allowed(z.bigint(), 1)).toBe('a value of type bigint');
  });

  test('a schema message of its own wins over the house wording', () => {
    expect(allowed(z.string({ error: 'a name' }), 1)).toBe('a name');
  });
});

describe('both readers word their issues through it', () => {
  test('the config says what a misspelt union form allows', async () => {
    const { parseConfig } = await import('../../config/index.js');
    expect(() => parseConfig({ backend: 'nope' })).toThrow(/backend .*= "nope": allowed: /);
  });

  test('run.json: a field of the wrong type is worded as the config words it', async () => {
    const { validateRunRecord } = await import('../../harness/report/run-schema.js');
    expect(() => validateRunRecord({ version: 1, runId: 7 }, 'run.json')).toThrow(/runId \(from run\.json\) = 7: allowed: a string/);
  });
});
