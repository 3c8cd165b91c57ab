/**
 * An immutable set of things looked up by key: the compute backends, on the drill harness's side
 * (harness/targets/aws/backends/registry.ts) and on the constructs' (modules/compute/registry.ts).
 * A key registered twice is refused; an unknown key is named with the allowed ones.
 */
import { EdgeFailoverError, type ErrorKind } from './errors.js';

export interface KeyedRegistrySettings {
  /** What the things are, plural, for the error on a key registered twice ("compute backends"). */
  readonly noun: string;
  /** The input field whose value is looked up, for the error on an unknown key ("service.backend"). */
  readonly field: string;
  /** The caller's error class. @default EdgeFailoverError */
  readonly error?: (kind: ErrorKind, message: string) => EdgeFailoverError;
}

export class KeyedRegistry<T extends { readonly key: string }> {
  private readonly byKey: ReadonlyMap<string, T>;
  private readonly settings: KeyedRegistrySettings;

  constructor(items: readonly T[], settings: KeyedRegistrySettings) {
    this.settings = settings;
    const byKey = new Map<string, T>();
    for (const item of items) {
      if (byKey.has(item.key)) throw this.error('internal', `two ${settings.noun} are registered as ${JSON.stringify(item.key)}`);
      byKey.set(item.key, item);
    }
    this.byKey = byKey;
  }

  /** This registry with one more entry. */
  with(item: T): KeyedRegistry<T> {
    return new KeyedRegistry([...this.byKey.values(), item], this.settings);
  }

  get keys(): readonly string[] {
    return [...this.byKey.keys()];
  }

  /** The entry registered as `key`; a usage error naming the field, the value and the allowed ones otherwise. */
  get(key: string, field = this.settings.field): T {
    const item = this.byKey.get(key);
    if (!item)
      throw this.error('usage', `${field} = ${JSON.stringify(key)}: allowed: ${this.keys.map((k) => JSON.stringify(k)).join(', ')}`);
    return item;
  }

  private error(kind: ErrorKind, message: string): EdgeFailoverError {
    return this.settings.error ? this.settings.error(kind, message) : new EdgeFailoverError(kind, message);
  }
}
