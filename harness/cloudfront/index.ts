export { EDGE_HEADERS, LocalEdge, type LocalEdgeProps } from './edge.js';
export { loadEdgeRules, readTfJson, readTfvars, type EdgeRules, type OriginRules, type BehaviorRules } from './stack-rules.js';
export { cachePolicy, originRequestPolicy } from './edge-policies.js';
export { CloudFrontModelError, StackRulesError } from './errors.js';
