export * from './errors.js';
export * from './scopes.js';
export * from './users.js';
