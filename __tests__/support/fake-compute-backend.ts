/**
 * A compute backend known only to tests, on the constructs' side (modules/compute/registry.ts): its
 * drill-runner grant is `actions`, on the stack's services; it is never built.
 */
import type { ComputeBackendTraits } from '../../modules/compute/registry.js';

export function fakeComputeBackend(actions: Readonly<Record<string, readonly string[]>>): ComputeBackendTraits {
  const all = Object.values(actions).flat();
  return {
    key: 'fake',
    label: 'Fake Compute',
    build: () => {
      throw new Error('a test-only backend is not built');
    },
    events: {
      slug: 'fake',
      what: 'fake changes',
      pattern: (services) => ({ source: ['fake'], resources: services.map((s) => s.serviceArn) }),
    },
    drillRunner: {
      actions,
      statements: (scope) => [{ sid: 'FakeFault', effect: 'Allow', actions: [...all], resources: [...scope.serviceArns] }],
    },
  };
}
