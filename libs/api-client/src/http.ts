import type { z } from 'zod';
import { ApiContractError, ApiError, networkProblem, problemFrom } from './api-error.js';

type MaybePromise<T> = T | Promise<T>;

export interface ApiClientOptions {
  /** Origin (and optional path) of the server, e.g. `http://localhost:3000`; '' for same-origin. */
  baseUrl?: string;
  /** The current access token, sent as `Authorization: Bearer …`. */
  token?: () => MaybePromise<string | null | undefined>;
  /** A whole Authorization header value, for other schemes (`basic()`, `apiKey()`). */
  authorization?: () => MaybePromise<string | null | undefined>;
  /**
   * Called once when an authenticated request answers 401. Resolve true after obtaining a new
   * token (a refresh) to have the request retried once with it.
   */
  onUnauthorized?: (error: ApiError) => MaybePromise<boolean>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * How the cookie endpoints (login, refresh, logout) send and receive the refresh cookie:
   * 'same-origin' (the default) when the SPA is served by the API, 'include' from another origin.
   */
  credentials?: RequestCredentials;
}

export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Validates a 2xx body; omit for 204 answers. */
  schema?: z.ZodType<T>;
  /** false for the endpoints that take no bearer (login, refresh, logout). */
  authenticated?: boolean;
  /**
   * A browser-session endpoint (/auth/login*, /auth/refresh, /auth/logout): it sets or reads the
   * session cookies and answers only pages of the server's own site (Origin, else Referer).
   */
  cookie?: boolean;
}

export function basic(login: string, password: string): string {
  const bytes = new TextEncoder().encode(`${login}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

export function apiKey(key: string, secret: string): string {
  return `token ${key}:${secret}`;
}

function queryString(query: RequestSpec<unknown>['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The transport under every endpoint: JSON in, validated JSON out, problem+json as ApiError. */
export class HttpTransport {
  private readonly baseUrl: string;
  /**
   * Sent as Origin to the browser-session endpoints by a script outside a browser, which sends
   * none of its own. In a browser, fetch leaves Origin to the browser (a forbidden header).
   */
  private readonly origin: string | undefined;

  constructor(private readonly options: ApiClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.origin = URL.canParse(this.baseUrl) ? new URL(this.baseUrl).origin : undefined;
  }

  async request<T = void>(spec: RequestSpec<T>): Promise<T> {
    const authenticated = spec.authenticated ?? true;
    try {
      return await this.send(spec, authenticated);
    } catch (error) {
      if (
        !(error instanceof ApiError) ||
        error.status !== 401 ||
        // The credential is fine; the person must prove it is them again: a refresh cannot.
        error.code === 'reauthentication_required' ||
        !authenticated ||
        !this.options.onUnauthorized
      )
        throw error;
      if (!(await this.options.onUnauthorized(error))) throw error;
      return this.send(spec, authenticated);
    }
  }

  private async authorizationHeader(): Promise<string | undefined> {
    const token = await this.options.token?.();
    if (token) return `Bearer ${token}`;
    return (await this.options.authorization?.()) ?? undefined;
  }

  private async send<T>(spec: RequestSpec<T>, authenticated: boolean): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authenticated) {
      const authorization = await this.authorizationHeader();
      if (authorization) headers.authorization = authorization;
    }
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (spec.cookie && this.origin) headers.origin = this.origin;
    const path = `/api/v1${spec.path}`;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(
        `${this.baseUrl}${path}${queryString(spec.query)}`,
        {
          method: spec.method,
          headers,
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          // Bearer calls never need a cookie. Without credentials a browser also never answers a
          // 401's Basic challenge with its own login dialog (Fetch: only credentialed requests).
          credentials: spec.cookie ? (this.options.credentials ?? 'same-origin') : 'omit',
        },
      );
    } catch (error) {
      throw new ApiError(0, networkProblem(error));
    }
    const body = await readBody(response);
    if (!response.ok)
      throw new ApiError(
        response.status,
        problemFrom(response.status, response.statusText, body),
        response.headers,
      );
    if (!spec.schema) return undefined as T;
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) throw new ApiContractError(spec.method, path, parsed.error.message);
    return parsed.data;
  }
}
