/**
 * Provision: brings the world up, learns the endpoints (and from their origin settings the
 * fault's expected failover time), and builds the probe loop over them.
 */
import { now, Prober } from '../../probe/prober.js';
import { refineExpectedFailover } from '../state.js';
import { LiveView } from '../watch.js';
import { secs, type DrillPhase } from './phase.js';

export const provision: DrillPhase = {
  name: 'provision',
  changesWorld: true,
  async run(ctx) {
    const { target, settings, state, signal, runtime } = ctx;
    const t0 = now();
    const endpoints = await target.provision(signal);
    state.endpoints = endpoints;
    refineExpectedFailover(state, settings, endpoints);
    ctx.onEndpoints?.(endpoints);
    runtime.prober = new Prober({
      endpoints,
      runId: state.runId,
      ...settings.probe,
      connectTimeoutMs: Math.min(settings.probe.connectTimeoutMs, settings.probe.timeoutMs),
      phase: () => state.current,
    });
    runtime.live = new LiveView(runtime.prober);
    state.routesWrites = settings.probe.writeRateHz > 0 && endpoints.writeRouter !== undefined && target.switchWrites !== undefined;
    const expectation =
      settings.expect === 'no-failover'
        ? `no failover expected (a negative control): ${state.expectedFailover.basis}`
        : state.failoverThreshold.text;
    return { value: 'next', summary: `edge ${endpoints.edgeUrl} (${secs(now() - t0)}); ${expectation}` };
  },
};
