import { Inject, Injectable, type StreamableFile } from '@nestjs/common';
import type {
  AuditEvent,
  AuditEventType,
  AuditExportQuery,
  AuditPage,
  AuditQuery,
} from '@latchkey/contracts';
import type { RequestContext } from '../../common/auth/request-context.js';
import { exportFile } from '../../common/export/export-stream.js';
import { UsageBuffer, type UsageMetric } from '../../common/usage/last-used-buffer.js';
import { toAuditEvent } from './audit.mapper.js';
import { AuditRepository } from './audit.repository.js';

/** A user as named in an audit event; kept by login too, so deleting the user keeps the story. */
export interface AuditParty {
  id: string;
  login: string;
}

export interface AuditRecord {
  /** A user, or an operator with no account (the CLI): a login and no id. */
  actor?: { id: string | null; login: string } | null;
  subject?: AuditParty | null;
  context?: RequestContext | null;
  /** Names and ids only: never a secret, a token or a password. */
  details?: Record<string, unknown>;
  /** The user whose credential the actor (an admin) acted through; the subject unless named. */
  onBehalfOf?: AuditParty;
}

/** Events that something may be wrong: failures, refusals, reuse, leaks. */
export const SECURITY_EVENT_TYPES: readonly AuditEventType[] = [
  'login.failed',
  'credential.failed',
  'rate_limit.exceeded',
  'refresh.reuse_detected',
  'credential.leaked',
  'passkey.counter_regressed',
];

/** Audit events the hourly usage counters count too (sign-ins for the overview). */
const COUNTED: Partial<Record<AuditEventType, UsageMetric>> = {
  'login.succeeded': 'sign_in',
  'login.failed': 'sign_in_failed',
};

const EXPORT_COLUMNS = [
  'id',
  'createdAt',
  'type',
  'actorId',
  'actorLogin',
  'subjectId',
  'subjectLogin',
  'ip',
  'userAgent',
  'details',
] as const satisfies readonly (keyof AuditEvent)[];

@Injectable()
export class AuditService {
  constructor(
    @Inject(AuditRepository) private readonly events: AuditRepository,
    @Inject(UsageBuffer) private readonly usage: UsageBuffer,
  ) {}

  async record(
    type: AuditEventType,
    { actor, subject, context, details, onBehalfOf }: AuditRecord,
  ): Promise<void> {
    const metric = COUNTED[type];
    if (metric) this.usage.count(metric);
    const party = subject ?? onBehalfOf;
    await this.events.insert({
      type,
      actorId: actor?.id ?? null,
      actorLogin: actor?.login ?? null,
      subjectId: party?.id ?? null,
      subjectLogin: party?.login ?? null,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      details: {
        ...details,
        ...(onBehalfOf ? { onBehalfOf: { id: onBehalfOf.id, login: onBehalfOf.login } } : {}),
      },
    });
  }

  async page(query: AuditQuery): Promise<AuditPage> {
    const events = await this.events.findPage(query);
    const last = events.at(-1);
    return {
      items: events.map(toAuditEvent),
      nextBefore: events.length === query.limit && last ? last.createdAt.toISOString() : null,
    };
  }

  /** Every matching event, oldest first, streamed as CSV or NDJSON. */
  export({ format, ...filter }: AuditExportQuery): StreamableFile {
    const events = this.events.findAll(filter);
    async function* batches(): AsyncGenerator<AuditEvent[]> {
      for await (const batch of events) yield batch.map(toAuditEvent);
    }
    return exportFile(batches(), { format, columns: EXPORT_COLUMNS, name: 'audit-events' });
  }

  /** Security events (SECURITY_EVENT_TYPES) since `since`. */
  securityEventsSince(since: Date): Promise<number> {
    return this.events.countSince(SECURITY_EVENT_TYPES, since);
  }
}
