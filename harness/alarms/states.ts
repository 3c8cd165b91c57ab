/** An alarm's state and history as a target reads them, from CloudWatch or from the local world's. */

/** An alarm as read now: its state, and the actions it notifies. */
export interface AlarmStatus {
  readonly name: string;
  readonly region: string;
  /** OK | ALARM | INSUFFICIENT_DATA */
  readonly state: string;
  readonly reason?: string;
  /** ARNs notified on ALARM and on OK, as the cloud returns them. */
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
}

/** One state change from an alarm's history (a StateUpdate item), with the cloud's own timestamp. */
export interface AlarmTransition {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
}
