import type { FaultKind } from '../target.js';

/**
 * The faults the AWS target can put the primary into: the compute backend's own outage (App
 * Runner's pause-service, ECS Express's fixed-response listener rule). The driver declares them
 * (the CLI refuses any other before anything is synthesized or written) and the target checks them.
 */
export const AWS_FAULTS: readonly FaultKind[] = ['pause'];
