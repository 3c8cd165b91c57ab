/**
 * The compute backends, keyed by config `service.backend`. A new backend is one file implementing
 * ServiceBackend (service-backend.ts) and one entry in BACKENDS; a caller may drill with others too
 * (`registry.with(backend)`, passed as the target's or `recover`'s `backends` option). Immutable.
 */
import { AwsTargetError } from '../tools/errors.js';
import { appRunnerBackend } from './app-runner.js';
import { ecsExpressBackend } from './ecs-express.js';
import type { ServiceBackend } from './service-backend.js';

export class BackendRegistry {
  private readonly byKey: ReadonlyMap<string, ServiceBackend>;

  constructor(backends: readonly ServiceBackend[]) {
    const byKey = new Map<string, ServiceBackend>();
    for (const b of backends) {
      if (byKey.has(b.key)) throw new AwsTargetError('internal', `two compute backends are registered as ${JSON.stringify(b.key)}`);
      byKey.set(b.key, b);
    }
    this.byKey = byKey;
  }

  /** This registry with one more backend. */
  with(backend: ServiceBackend): BackendRegistry {
    return new BackendRegistry([...this.byKey.values(), backend]);
  }

  get keys(): readonly string[] {
    return [...this.byKey.keys()];
  }

  /** The backend registered as `key`; a usage error naming the value and the allowed ones otherwise. */
  get(key: string, field = 'service.backend'): ServiceBackend {
    const b = this.byKey.get(key);
    if (!b) {
      throw new AwsTargetError('usage', `${field} = ${JSON.stringify(key)}: allowed: ${this.keys.map((k) => JSON.stringify(k)).join(', ')}`);
    }
    return b;
  }
}

/** The backends the AWS target drills. */
export const BACKENDS = new BackendRegistry([appRunnerBackend, ecsExpressBackend]);
