import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { Role, Scope } from '@latchkey/contracts';
import {
  ALLOWED_WHILE_PASSWORD_CHANGE,
  INTERACTIVE_ONLY,
  IS_PUBLIC,
  OTHERS_SCOPES,
  OWN_PAGES_ONLY,
  RECENT_AUTH,
  REQUIRED_ROLES,
  REQUIRED_SCOPES,
  type RecentAuthOptions,
} from './auth.decorators.js';

export const API_PREFIX = 'api/v1';
/** Routes that live at the root, outside /api/v1. */
export const UNPREFIXED_PATHS = ['healthz', 'readyz', 'metrics', '.well-known/{*rest}'];

export interface RouteAuth {
  method: string;
  /** OpenAPI style: /api/v1/users/{id}. */
  path: string;
  public: boolean;
  roles: Role[];
  scopes: Scope[];
  /** What an admin needs instead of `scopes` to act on another user's credentials. */
  othersScopes: Scope[];
  interactiveOnly: boolean;
  /** The controller class and method name that serve it. */
  controller: Type;
  handler: string;
  /** Open to a sign-in that must change its password first. */
  allowedWhilePasswordChange: boolean;
  /** Answers only pages of this site (the cookie endpoints). */
  ownPagesOnly: boolean;
  /** Step-up: needs recent authentication (see RequireRecentAuth); null when it does not. */
  recentAuth: RecentAuthOptions | null;
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function isUnprefixed(path: string): boolean {
  return UNPREFIXED_PATHS.some(
    (unprefixed) => path === unprefixed || path.startsWith(unprefixed.split('{')[0] ?? ''),
  );
}

function metadata<T>(key: string, handler: object, controller: Type): T | undefined {
  return (
    (Reflect.getMetadata(key, handler) as T | undefined) ??
    (Reflect.getMetadata(key, controller) as T | undefined)
  );
}

/** Every route of the application with what it asks of a caller, read from the decorators. */
export function listRoutes(app: INestApplication): RouteAuth[] {
  const routes: RouteAuth[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type;
      const controllerPath =
        (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as
          RequestMethod | undefined;
        if (requestMethod === undefined) continue;
        const handlerPath =
          (Reflect.getMetadata(PATH_METADATA, handler) as string | undefined) ?? '';
        const relative = joinPath(controllerPath, handlerPath).slice(1);
        routes.push({
          method: RequestMethod[requestMethod],
          path: isUnprefixed(relative) ? joinPath(relative) : joinPath(API_PREFIX, relative),
          public: metadata<boolean>(IS_PUBLIC, handler, controller) ?? false,
          roles: metadata<Role[]>(REQUIRED_ROLES, handler, controller) ?? [],
          scopes: metadata<Scope[]>(REQUIRED_SCOPES, handler, controller) ?? [],
          othersScopes: metadata<Scope[]>(OTHERS_SCOPES, handler, controller) ?? [],
          interactiveOnly: metadata<boolean>(INTERACTIVE_ONLY, handler, controller) ?? false,
          controller,
          handler: name,
          allowedWhilePasswordChange:
            metadata<boolean>(ALLOWED_WHILE_PASSWORD_CHANGE, handler, controller) ?? false,
          ownPagesOnly: metadata<boolean>(OWN_PAGES_ONLY, handler, controller) ?? false,
          recentAuth: metadata<RecentAuthOptions>(RECENT_AUTH, handler, controller) ?? null,
        });
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
