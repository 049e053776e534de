export * from './canonical.js';
export * from './suggestion.js';
export * from './connector.js';
export * from './errors.js';
