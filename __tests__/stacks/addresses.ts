/**
 * The resource addresses a deployed stack's state is keyed by: type and name of every resource
 * and data source, with its `count` or `for_each` as synthesized, and any `moved` blocks. Construct
 * IDs are API: a refactoring that changes one of these replaces a deployed resource.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type EdgeFailoverConfigInput } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { toReusableModule } from '../../hcl/module/module.js';
import { DEFAULT_CONFIG, FULL_CONFIG } from '../hcl/fixtures.js';

type Json = Record<string, any>;

/** The configurations whose addresses are held: the default stack, ECS Express, and every option. */
export const ADDRESS_CONFIGS: Readonly<Record<string, EdgeFailoverConfigInput>> = {
  default: DEFAULT_CONFIG,
  'ecs-express': { service: { backend: 'ecs-express' } },
  full: FULL_CONFIG,
};

export interface Addresses {
  /** `type.name`, then ` count=…` or ` for_each=…` when the block has one. */
  readonly resources: string[];
  readonly moved: string[];
}

/** The addresses of a Terraform JSON configuration (a stack's cdk.tf.json or the exported module's). */
export function addressesOf(tfJson: Json): Addresses {
  const resources: string[] = [];
  for (const [kind, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    for (const [type, blocks] of Object.entries((tfJson[kind] ?? {}) as Json)) {
      for (const [name, body] of Object.entries(blocks as Json)) {
        const b = body as Json;
        const meta =
          b['count'] !== undefined
            ? ` count=${JSON.stringify(b['count'])}`
            : b['for_each'] !== undefined
              ? ` for_each=${JSON.stringify(b['for_each'])}`
              : '';
        resources.push(`${prefix}${type}.${name}${meta}`);
      }
    }
  }
  const moved = ((tfJson['moved'] ?? []) as Json[]).map((m) => `${m['from']} -> ${m['to']}`);
  return { resources: resources.sort(), moved: moved.sort() };
}

/** Stack and exported-module addresses of every configuration in ADDRESS_CONFIGS. */
export function currentAddresses(): Record<string, { stack: Addresses; module: Addresses }> {
  const out: Record<string, { stack: Addresses; module: Addresses }> = {};
  for (const [label, input] of Object.entries(ADDRESS_CONFIGS)) {
    const config = loadConfig({ env: {}, overrides: input });
    const dir = mkdtempSync(join(tmpdir(), 'addresses-'));
    try {
      const synth = synthesize(config, dir);
      const tfJson = JSON.parse(readFileSync(synth.tfJsonPath, 'utf8')) as Json;
      out[label] = { stack: addressesOf(tfJson), module: addressesOf(toReusableModule(tfJson, config.namePrefix).tfJson) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}
