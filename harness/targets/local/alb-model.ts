/**
 * What the local world models of an ECS Express service's Application Load Balancer
 * (docs/aws-behaviour.md#alb-listener-rules-and-fail-open): the drill's fault, the service's
 * listener rule changed to a fixed-response 503, answered by the ALB itself (no target is
 * reached, so no served-by header), which a 503 failover criterion fails over. ECS Express has no
 * pause, so `--fault pause` means this with this backend.
 *
 * Target health is not modelled: the ALB fails open (every target unhealthy: it routes to all of
 * them), so a broken health check is no fault a viewer sees, and neither world offers one.
 */
import { ALB_FIXED_RESPONSE_FAULT } from '../../../core/aws-facts.js';

/** How reports name the pause fault with this backend. */
export const ALB_PAUSE_MEANING = 'ECS Express has no pause: the listener rule answers a fixed-response 503 from the ALB';

/** The ALB's answer under the fixed-response fault. */
export function albFixedResponse(): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: Number(ALB_FIXED_RESPONSE_FAULT.statusCode),
    headers: { server: 'awselb/2.0', 'content-type': ALB_FIXED_RESPONSE_FAULT.contentType },
    body: ALB_FIXED_RESPONSE_FAULT.messageBody,
  };
}
