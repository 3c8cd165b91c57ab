/**
 * The compute backends, keyed by config `service.backend`. A new backend is one file implementing
 * ServiceBackend (service-backend.ts) and one entry in BACKENDS; a caller may drill with others too
 * (`registry.with(backend)`, passed as the target's or `recover`'s `backends` option). Immutable.
 */
import { KeyedRegistry } from '../../../../core/keyed-registry.js';
import { AwsTargetError } from '../tools/errors.js';
import { appRunnerBackend } from './app-runner.js';
import { ecsExpressBackend } from './ecs-express.js';
import type { ServiceBackend } from './service-backend.js';

export type BackendRegistry = KeyedRegistry<ServiceBackend>;

/** The backends the AWS target drills. */
export const BACKENDS: BackendRegistry = new KeyedRegistry([appRunnerBackend, ecsExpressBackend], {
  noun: 'compute backends',
  field: 'service.backend',
  error: (kind, message) => new AwsTargetError(kind, message),
});
