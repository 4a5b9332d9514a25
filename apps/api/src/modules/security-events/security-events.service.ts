import { Inject, Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { SignJWT, type JWTPayload } from 'jose';
import {
  SECURITY_EVENT_TOKEN_TYP,
  type PollRequest,
  type PollResponse,
  type SecurityEventToken,
} from '@latchkey/contracts';
import type { Principal } from '../../common/auth/principal.js';
import { Clock } from '../../common/clock/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import {
  resyncToken,
  securityEventToken,
  type StoredSecurityEvent,
} from './security-event-tokens.js';
import { SecurityEventsHub } from './security-events.hub.js';
import { SecurityEventsRepository } from './security-events.repository.js';
import { SseStream } from './sse-stream.js';

const PAGE = 500;

/** GET /events (Server-Sent Events) and POST /events/poll (RFC 8936) over the one outbox. */
@Injectable()
export class SecurityEventsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SecurityEventsRepository) private readonly events: SecurityEventsRepository,
    @Inject(SecurityEventsHub) private readonly hub: SecurityEventsHub,
    @Inject(SigningKeysService) private readonly keys: SigningKeysService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private get issuer(): string {
    return this.config.PUBLIC_URL;
  }

  /**
   * Streams every event after `from` (null: from now on), then the live ones. An id before what
   * is kept, or beyond what exists, gets one `resync` event and the stream goes on from the newest.
   */
  async stream(principal: Principal, from: bigint | null, response: ServerResponse): Promise<void> {
    const stream: SseStream = new SseStream(response, from ?? this.hub.lastId, {
      issuer: this.issuer,
      maxBacklog: this.config.SECURITY_EVENTS_MAX_BACKLOG,
      principal,
      onClose: () => this.hub.remove(stream),
    });
    this.hub.add(stream);
    if (from === null) return stream.live();
    const { last, prunedThrough } = await this.events.positions();
    if (from < prunedThrough || from > last) stream.resync(last, this.clock.date());
    while (!stream.isClosed) {
      const page = await this.events.after(stream.position, PAGE);
      stream.replay(page);
      await stream.drained();
      // Checked and switched with no await between: the hub delivers every event after its lastId.
      if (page.length < PAGE && stream.position >= this.hub.lastId) break;
    }
    stream.live();
  }

  /**
   * RFC 8936 poll-based delivery for the calling principal: records the acknowledgements, then
   * answers the events not yet acknowledged (oldest first, at most maxEvents), each a signed SET.
   * With nothing pending and returnImmediately false it waits up to SECURITY_EVENTS_POLL_WAIT.
   */
  async poll(principal: Principal, request: PollRequest): Promise<PollResponse> {
    const { prunedThrough } = await this.events.positions();
    const acks = [...request.ack, ...Object.keys(request.setErrs)].map(BigInt);
    const state = await this.events.acknowledge(principal.user.id, acks, prunedThrough);
    if (request.maxEvents === 0) return { sets: {}, moreAvailable: false };
    if (state.through < prunedThrough) {
      const token = resyncToken(prunedThrough.toString(), this.issuer, this.clock.date());
      return { sets: { [token.jti]: await this.sign(token) }, moreAvailable: true };
    }
    const seenBefore = this.hub.lastId;
    let pending = await this.pending(state, request.maxEvents + 1);
    if (pending.length === 0 && !request.returnImmediately) {
      await this.hub.waitBeyond(seenBefore, this.config.SECURITY_EVENTS_POLL_WAIT * 1000);
      pending = await this.pending(state, request.maxEvents + 1);
    }
    const delivered = pending.slice(0, request.maxEvents);
    const sets: Record<string, string> = {};
    for (const event of delivered) {
      sets[event.id] = await this.sign(securityEventToken(event, this.issuer));
    }
    return { sets, moreAvailable: pending.length > delivered.length };
  }

  private async pending(
    state: { through: bigint; acked: bigint[] },
    limit: number,
  ): Promise<StoredSecurityEvent[]> {
    const acked = new Set(state.acked.map(String));
    const events = await this.events.after(state.through, limit + acked.size);
    return events.filter((event) => !acked.has(event.id)).slice(0, limit);
  }

  /** A SET as a JWT (RFC 8417 §2.3), signed with the current signing key. */
  private sign(token: SecurityEventToken): Promise<string> {
    const { kid, alg, key } = this.keys.signingKey();
    return new SignJWT(token as unknown as JWTPayload)
      .setProtectedHeader({ alg, typ: SECURITY_EVENT_TOKEN_TYP, ...(kid ? { kid } : {}) })
      .sign(key);
  }
}
