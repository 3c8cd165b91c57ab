export * from './timeline.js';
export * from './attribution.js';
export * from './measure.js';
export * from './verdict.js';
export * from './expected-failover.js';
