export interface Credentials {
  basic?: [string, string];
  bearer?: string;
  authorization?: string;
}

export interface RequestOptions extends Credentials {
  body?: unknown;
  /** Sent as is, with this content type, instead of JSON. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * The Origin header. The cookie endpoints (/auth/login*, /auth/refresh, /auth/logout) get the
   * client's page origin unless told otherwise, as a browser and @latchkey/api-client send it;
   * null sends none.
   */
  origin?: string | null;
}

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export function basicHeader(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`;
}

/** The endpoints that set the session cookies, which answer only pages of the site. */
const COOKIE_ENDPOINT = /^\/api\/v1\/auth\/(?:login|refresh|logout)(?:[/?]|$)/;

/** Real HTTP calls to the app under test, as any client makes them. */
export class HttpClient {
  /** `pageOrigin`: the site the server takes as its own (its PUBLIC_URL). */
  constructor(
    readonly baseUrl: string,
    readonly pageOrigin = baseUrl,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<TestResponse<T>> {
    const origin =
      options.origin === undefined && COOKIE_ENDPOINT.test(path) ? this.pageOrigin : options.origin;
    const headers: Record<string, string> = {
      ...(origin ? { origin } : {}),
      ...options.headers,
    };
    if (options.basic) headers.authorization = basicHeader(...options.basic);
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    if (options.authorization) headers.authorization = options.authorization;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      redirect: 'manual',
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: type.includes('json') && text ? JSON.parse(text) : text,
      text,
    };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('POST', path, options);
  }
  patch<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('PATCH', path, options);
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }
}
