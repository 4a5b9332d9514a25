import type { FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Problems } from '../problem/problem.exception.js';

/** NUL (PostgreSQL text cannot hold it) or a lone surrogate (not Unicode at all). */
const UNSTORABLE = /[\0\p{Cs}]/u;

/** True when a string is valid Unicode without NUL, so the database can store and compare it. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** Where in a parsed body, query or path the first unstorable string (or key) is; undefined if none. */
export function findUnstorable(value: unknown, root: string): string | undefined {
  // An explicit stack: a deeply nested body must not overflow the call stack.
  const pending: [unknown, string][] = [[value, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, path] = next;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (!isStorableText(key)) return path;
        pending.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  for (const _key in value as object) return false;
  return true;
}

/**
 * Refuses, before any handler, a request whose body, query or path holds a string the database
 * cannot store: 400 naming the field, for every route at once. `auth_token` is a credential and
 * is left to its strategy, which refuses a malformed token with 401 before any lookup. A request
 * with no path parameters, no query and no body (most GETs) is passed on without a walk.
 */
export function refuseUnstorableInput(
  request: FastifyRequest,
  _reply: unknown,
  done: HookHandlerDoneFunction,
): void {
  if (isEmpty(request.params) && isEmpty(request.query) && isEmpty(request.body)) return done();
  const { auth_token: _credential, ...query } = (request.query ?? {}) as Record<string, unknown>;
  const field =
    findUnstorable(request.params, 'path') ??
    findUnstorable(query, 'query') ??
    findUnstorable(request.body, 'body');
  if (!field) return done();
  done(
    Problems.validation(
      [{ field, message: 'Must be valid Unicode without NUL characters' }],
      'The request holds text that is not valid Unicode or holds a NUL character.',
    ),
  );
}
