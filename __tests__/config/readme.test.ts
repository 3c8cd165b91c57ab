import { readFileSync } from 'node:fs';
import { ENV_VARS, loadConfig } from '../../config/index.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** Escapes text for use inside a RegExp. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every leaf of the default config, as [dotted field, default]. */
function leaves(obj: Record<string, unknown>, prefix: string[] = []): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
      ? leaves(v as Record<string, unknown>, [...prefix, k])
      : [[[...prefix, k].join('.'), v] as [string, unknown]],
  );
}

describe('docs/configuration.md: the configuration table matches the schema', () => {
  test.each(leaves(loadConfig({ env: {} }) as unknown as Record<string, unknown>))('%s is documented with its default', (field, value) => {
    expect(doc).toMatch(new RegExp(`\\|\\s*${escape(`\`${field}\``)}\\s*\\|\\s*${escape(`\`${JSON.stringify(value)}\``)}\\s*\\|`));
  });

  test.each(ENV_VARS.map((v) => [v.name, v.path.join('.')]))('%s is documented', (name, field) => {
    expect(doc).toMatch(new RegExp(`\\|\\s*${escape(`\`${name}\``)}\\s*\\|\\s*${escape(`\`${field}\``)}`));
  });
});
