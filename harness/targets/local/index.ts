export { createLocalTarget, LocalTarget, LOCAL_SERVED_BY_HEADER, type LocalTargetProps, type LocalWorldStatus } from './local-target.js';
export { EDGE_HEADERS, LocalEdge, type LocalEdgeProps } from './edge.js';
export { FaultFront, type FrontMode } from './fault-front.js';
export { OriginProcess, PROBE_APP_FILE } from './origin-process.js';
export { loadEdgeRules, type EdgeRules, type OriginRules, type BehaviorRules } from './stack-rules.js';
export { LocalTargetError, StackRulesError } from './errors.js';
