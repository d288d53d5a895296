export * from './decider.js';
export * from './append-only-ids.js';
export * from './engagement/index.js';
export * from './interview/index.js';
export * from './requirement/index.js';
export * from './baseline/index.js';
export * from './access/index.js';
