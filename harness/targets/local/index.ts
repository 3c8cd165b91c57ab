export { createLocalTarget, LocalTarget, LOCAL_SERVED_BY_HEADER, type LocalTargetProps, type LocalWorldStatus } from './local-target.js';
export { FaultFront, type FrontMode } from './fault-front.js';
export { OriginProcess, PROBE_APP_FILE } from './origin-process.js';
export { LocalTargetError } from './errors.js';
