import http from 'node:http';

export interface StreamEvent {
  id: string | undefined;
  event: string;
  data: any;
}

/**
 * A GET /api/v1/events reader over plain node:http, as a downstream service would hold it:
 * collects the Server-Sent Events it receives, and tells when the server ends the stream.
 */
export class EventStream {
  readonly events: StreamEvent[] = [];
  heartbeats = 0;
  status = 0;
  responseHeaders: http.IncomingHttpHeaders = {};
  ended = false;
  private request: http.ClientRequest | null = null;
  private response: http.IncomingMessage | null = null;
  private buffer = '';
  private listeners = new Set<() => void>();

  private constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
  ) {}

  /** Opens the stream; resolves once the response headers are in. */
  static async open(
    baseUrl: string,
    authorization: string,
    { lastEventId, paused = false }: { lastEventId?: string; paused?: boolean } = {},
  ): Promise<EventStream> {
    const stream = new EventStream(baseUrl, {
      authorization,
      accept: 'text/event-stream',
      ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}),
    });
    await stream.connect(paused);
    return stream;
  }

  /** The id of the last event received. */
  get lastId(): string | undefined {
    return this.events.at(-1)?.id;
  }

  /** Waits for an event that `match` accepts (among those received or still to come). */
  next(match: (event: StreamEvent) => boolean, timeoutMs = 3000): Promise<StreamEvent> {
    return this.until(() => this.events.find(match), timeoutMs, 'no such event');
  }

  /** Waits until the server has ended the stream. */
  closed(timeoutMs = 5000): Promise<true> {
    return this.until(() => (this.ended ? true : undefined), timeoutMs, 'the stream is still open');
  }

  close(): void {
    this.request?.destroy();
  }

  /** Lets a stream opened paused read again. */
  resume(): void {
    this.response?.resume();
  }

  private connect(paused: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${this.baseUrl}/api/v1/events`, { headers: this.headers });
      this.request = request;
      request.on('response', (response) => {
        this.response = response;
        this.status = response.statusCode ?? 0;
        this.responseHeaders = response.headers;
        response.setEncoding('utf8');
        if (paused) response.pause();
        response.on('data', (chunk: string) => this.take(chunk));
        const end = () => {
          this.ended = true;
          this.notify();
        };
        response.on('end', end);
        response.on('close', end);
        response.on('error', end);
        resolve();
      });
      request.on('error', (error) => {
        this.ended = true;
        this.notify();
        reject(error);
      });
    });
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    let boundary: number;
    while ((boundary = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
      }
      if (fields.data === undefined) {
        this.heartbeats += 1;
        continue;
      }
      this.events.push({
        id: fields.id,
        event: fields.event ?? 'message',
        data: JSON.parse(fields.data),
      });
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private until<T>(probe: () => T | undefined, timeoutMs: number, failure: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${failure} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }
}
