/**
 * A Target made by hand for the unit suites of the drill's phases: no world, no HTTP. Each call is
 * recorded; any method can be replaced. provision() returns endpoints that nothing listens on.
 */
import type { Endpoints, Target, TeardownResult } from '../../harness/targets/target.js';

export const HAND_ENDPOINTS: Endpoints = {
  edgeUrl: 'http://127.0.0.1:9/edge',
  origins: {
    primary: { role: 'primary', region: 'us-east-1', url: 'http://127.0.0.1:9/primary', headers: {} },
    secondary: { role: 'secondary', region: 'us-west-2', url: 'http://127.0.0.1:9/secondary', headers: {} },
  },
  servedByHeader: 'x-served-by',
  details: {},
};

export function handTarget(overrides: Partial<Target> = {}): Target & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'local',
    supportedFaults: ['pause', 'blackhole'],
    calls,
    preflight: async () => void calls.push('preflight'),
    provision: async () => {
      calls.push('provision');
      return HAND_ENDPOINTS;
    },
    inject: async () => void calls.push('inject'),
    clear: async () => void calls.push('clear'),
    teardown: async (): Promise<TeardownResult> => {
      calls.push('teardown');
      return { ok: true, detail: 'stopped' };
    },
    ...overrides,
  } as Target & { calls: string[] };
}
