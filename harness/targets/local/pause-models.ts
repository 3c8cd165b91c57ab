/**
 * What `--fault pause` looks like in the local world, per compute backend: a new backend adds one
 * entry here. App Runner pauses a service, and its front then answers 404 itself; ECS Express has no
 * pause, so the drill changes the service's ALB listener rule to a fixed-response 503 (alb-model.ts).
 */
import type { ComputeBackend } from '../../../core/aws-facts.js';
import { ALB_PAUSE_MEANING, albFixedResponse } from './alb-model.js';

/** An answer the origin's front gives itself, without reaching the app. */
export interface FrontAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface PauseModel {
  /** The answer to every request while the service is paused. */
  readonly answer: () => FrontAnswer;
  /** What the pause fault is with this backend when it is not a pause (logs and the report's details). */
  readonly meaning?: string;
}

/** A paused App Runner service: 404 from App Runner's front, no served-by header. */
const appRunnerPaused = (): FrontAnswer => ({
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body: 'service paused\n',
});

export const PAUSE_MODELS: Readonly<Record<ComputeBackend, PauseModel>> = {
  apprunner: { answer: appRunnerPaused },
  'ecs-express': { answer: albFixedResponse, meaning: ALB_PAUSE_MEANING },
};

/** The pause model of an origin's backend (App Runner when the stack names none). */
export function pauseModelOf(backend: ComputeBackend | undefined): PauseModel {
  return PAUSE_MODELS[backend ?? 'apprunner'];
}
