import type { FaultKind } from '../target.js';

/** The faults the local world can put an origin into (the driver declares them; the target checks them). */
export const LOCAL_FAULTS: readonly FaultKind[] = ['pause', 'error', 'refuse', 'blackhole', 'unreachable', 'slow'];
