/**
 * Config errors that say what was meant: an unknown field names the nearest known one at its
 * level (read from the schema), and a region without App Runner points to ECS Express Mode.
 */
import { ConfigError } from '../../config/errors.js';
import { loadConfig, parseConfig } from '../../config/load.js';
import { configSchema } from '../../config/schema.js';
import { fieldsAt } from '../../config/suggest.js';

function messageOf(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

test.each([
  ['a top-level key one letter short', { region: { primary: 'us-east-1' } }, 'region', 'regions'],
  ['a nested key without its unit', { failover: { readTimeout: 10 } }, 'failover.readTimeout', 'failover.readTimeoutSeconds'],
  ['a nested key misspelt', { failover: { statusCode: [500] } }, 'failover.statusCode', 'failover.statusCodes'],
  ['a key two levels down', { service: { healthCheck: { pth: '/health' } } }, 'service.healthCheck.pth', 'service.healthCheck.path'],
  [
    'a key of one form of a union',
    { backend: { type: 's3', bucket: 'b-1', key: 'k', region: 'us-east-1', useLockFile: true } },
    'backend.useLockFile',
    'backend.useLockfile',
  ],
])('%s: the nearest known field is suggested', (_name, raw, field, meant) => {
  expect(messageOf(raw)).toContain(
    `${field} = ${JSON.stringify(field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], raw))}: allowed: a known field (did you mean ${meant}? this is an unknown field;`,
  );
});

test('a key near nothing known gets no suggestion', () => {
  expect(messageOf({ zzzzqqqq: 1 })).toContain('zzzzqqqq = 1: allowed: a known field (this is an unknown field;');
});

test('the fields at a path are read from the schema, every form of a union included', () => {
  expect(fieldsAt(configSchema, [])).toEqual(expect.arrayContaining(['namePrefix', 'regions', 'service', 'failover', 'backend']));
  expect(fieldsAt(configSchema, ['backend'])).toEqual(expect.arrayContaining(['type', 'path', 'bucket', 'useLockfile']));
  expect(fieldsAt(configSchema, ['nope'])).toEqual([]);
});

test('an unknown EDGE_FAILOVER_* variable is warned about with the nearest known one', () => {
  const warnings: string[] = [];
  loadConfig({ env: { EDGE_FAILOVER_READ_TIMOUT: '3' }, warn: (m) => warnings.push(m) });
  expect(warnings[0]).toMatch(
    /^Warning: EDGE_FAILOVER_READ_TIMOUT is not a variable edge-failover reads, and is ignored \(did you mean EDGE_FAILOVER_READ_TIMEOUT\? known: /,
  );
});

test('a region without App Runner points to service.backend "ecs-express"', () => {
  const message = messageOf({ regions: { primary: 'eu-north-1' } });
  expect(message).toContain('regions.primary = "eu-north-1": allowed: an App Runner region (');
  expect(message).toContain('or service.backend: "ecs-express" (ECS Express Mode');
  expect(() => parseConfig({ regions: { primary: 'eu-north-1' }, service: { backend: 'ecs-express' } })).not.toThrow();
});
