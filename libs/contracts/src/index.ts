export * from './audit.js';
export * from './errors.js';
export * from './passkeys.js';
export * from './scopes.js';
export * from './security-events.js';
export * from './sessions.js';
export * from './tokens.js';
export * from './users.js';
