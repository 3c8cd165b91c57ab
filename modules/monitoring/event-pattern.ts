/**
 * The EventBridge pattern for App Runner status changes of this stack's services.
 *
 * AWS documents the status fields under two spellings (previousServiceStatus/currentServiceStatus
 * and previousStatus/currentStatus). The pattern matches either by testing neither: it selects
 * on source, detail-type and the service, so every status change of the service is routed,
 * whatever its fields are called. The service is identified either by the event's resources
 * (the service ARN) or by detail.serviceName, again so that one variant of the event cannot slip past.
 */
import { ECS_EVENTS } from '../../core/aws-facts.js';
import { EdgeFailoverError } from '../../core/errors.js';

export const APPRUNNER_EVENT_SOURCE = 'aws.apprunner';
export const APPRUNNER_DETAIL_TYPES = ['AppRunner Service Status Change', 'AppRunner Service Operation Status Change'] as const;

/** Status field spellings the documentation uses, current and previous. */
export const STATUS_FIELD_SPELLINGS = [
  { previous: 'previousServiceStatus', current: 'currentServiceStatus' },
  { previous: 'previousStatus', current: 'currentStatus' },
] as const;

export interface EventPatternService {
  readonly serviceArn: string;
  readonly serviceName: string;
}

export type EventPattern = Record<string, unknown>;

export function appRunnerStatusPattern(services: readonly EventPatternService[]): EventPattern {
  if (services.length === 0) throw new EdgeFailoverError('internal', 'appRunnerStatusPattern needs at least one service to filter on');
  return {
    source: [APPRUNNER_EVENT_SOURCE],
    'detail-type': [...APPRUNNER_DETAIL_TYPES],
    $or: [{ resources: services.map((s) => s.serviceArn) }, { detail: { serviceName: services.map((s) => s.serviceName) } }],
  };
}

/**
 * ECS service actions and deployment state changes of this stack's Express services, by service ARN
 * in the event's resources (docs/aws-behaviour.md#ecs-events).
 */
export function ecsServicePattern(services: readonly EventPatternService[]): EventPattern {
  if (services.length === 0) throw new EdgeFailoverError('internal', 'ecsServicePattern needs at least one service to filter on');
  return {
    source: [ECS_EVENTS.source],
    'detail-type': [...ECS_EVENTS.detailTypes],
    resources: services.map((s) => s.serviceArn),
  };
}
