import type { ServerResponse } from 'node:http';
import type { Principal } from '../../common/auth/principal.js';
import type { EventSink } from './security-events.hub.js';
import {
  resyncToken,
  securityEventToken,
  type StoredSecurityEvent,
} from './security-event-tokens.js';

export interface SseStreamOptions {
  issuer: string;
  /** Events (and heartbeats) written but not yet flushed to the socket before the reader is cut off. */
  maxBacklog: number;
  /** The reader: its stream ends after an event that stops its own credential. */
  principal: Principal;
  onClose(): void;
}

/**
 * One GET /events reader (Server-Sent Events): `id:` per event, each event's data a SET
 * payload. While it catches up from Last-Event-ID (at its own pace, from the database) live
 * events pass it by: it goes live only once it has written everything the hub has read. A live
 * reader that falls more than `maxBacklog` behind is cut off and resumes by reconnecting.
 */
export class SseStream implements EventSink {
  private cursor: bigint;
  private catchingUp = true;
  private unflushed = 0;
  private closed = false;

  constructor(
    private readonly response: ServerResponse,
    from: bigint,
    private readonly options: SseStreamOptions,
  ) {
    this.cursor = from;
    response.on('close', () => this.end());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The id of the last event written (or skipped over by a resync). */
  get position(): bigint {
    return this.cursor;
  }

  deliver(event: StoredSecurityEvent): void {
    if (!this.closed && !this.catchingUp) this.write(event);
  }

  /** Events read while catching up (before the live ones that waited). */
  replay(events: StoredSecurityEvent[]): void {
    for (const event of events) if (!this.closed) this.write(event);
  }

  /** Resolves when what was written has reached the socket (a catch-up goes at the reader's pace). */
  drained(): Promise<void> {
    if (this.closed || !this.response.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  /** Caught up with the hub: from now on every event it reads goes out at once. */
  live(): void {
    this.catchingUp = false;
  }

  /** What it asked for was pruned: it must drop its cached state, and goes on from `lastId`. */
  resync(lastId: bigint, now: Date): void {
    this.cursor = lastId;
    const token = resyncToken(lastId.toString(), this.options.issuer, now);
    this.send(`event: resync\nid: ${lastId}\ndata: ${JSON.stringify(token)}\n\n`);
  }

  heartbeat(): void {
    if (!this.closed && !this.catchingUp) this.send(':\n\n');
  }

  close(): void {
    if (this.closed) return;
    this.end();
    this.response.end();
  }

  private write(event: StoredSecurityEvent): void {
    const id = BigInt(event.id);
    if (id <= this.cursor) return;
    this.cursor = id;
    const token = securityEventToken(event, this.options.issuer);
    this.send(`id: ${event.id}\ndata: ${JSON.stringify(token)}\n\n`);
    if (this.stopsReader(event)) this.close();
  }

  private send(text: string): void {
    if (this.closed) return;
    this.unflushed += 1;
    this.response.write(text, () => {
      this.unflushed -= 1;
    });
    // While catching up the reader sets the pace (see drained); only live events can pile up.
    if (!this.catchingUp && this.unflushed > this.options.maxBacklog) this.cutOff();
  }

  private cutOff(): void {
    if (this.closed) return;
    this.end();
    this.response.destroy();
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose();
  }

  /** The event revokes what this reader authenticated with: it must authenticate again. */
  private stopsReader(event: StoredSecurityEvent): boolean {
    const { user, credentialId, sessionId } = this.options.principal;
    const details = event.details;
    return (
      (event.type.startsWith('user.') && event.userId === user.id) ||
      (credentialId !== undefined && details.credentialId === credentialId) ||
      (sessionId !== undefined && details.sessionId === sessionId)
    );
  }
}
