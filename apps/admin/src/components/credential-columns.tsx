import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { createContext, useContext, type ReactNode } from 'react';
import type { RateLimit, RevokedReason } from '@latchkey/contracts';
import { useNow } from '../hooks/use-now';
import type { Column } from './data-table';
import { DateText, formatClock, formatDate, formatRelative } from './date-text';
import { expiryStatus } from './expiry';
import { describeRateLimit } from './rate-limit-field';

/** What every credential list item says about its lifecycle (PATs and API keys alike). */
export interface CredentialRow {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** PATs only: where the last use came from. */
  lastUsedIp?: string | null;
  rateLimit: RateLimit | null;
  disabled: boolean;
  revokedAt: string | null;
  revokedReason: RevokedReason | null;
}

const REASONS: Record<RevokedReason, string> = {
  revoked: 'revoked',
  rotated: 'rotated: stopped',
  leaked: 'revoked: leaked',
  expired: 'expired',
  user_disabled: 'revoked: user disabled',
};

/** "revoked: leaked", "expired"; null while the credential works (or still overlaps). */
export function describeRevocation(
  row: Pick<CredentialRow, 'revokedAt' | 'revokedReason'>,
  now = Date.now(),
): string | null {
  if (row.revokedAt && new Date(row.revokedAt).getTime() > now) return null;
  if (row.revokedReason) return REASONS[row.revokedReason];
  return row.revokedAt ? REASONS.revoked : null;
}

/** A credential that no longer works: it gets no actions, only its story. */
export function isInactive(row: CredentialRow, now = Date.now()): boolean {
  return describeRevocation(row, now) !== null;
}

/** Rotated with an overlap that has not ended: it works beside its successor until revokedAt. */
export function isOutgoing(row: CredentialRow, now = Date.now()): boolean {
  return row.revokedAt !== null && new Date(row.revokedAt).getTime() > now;
}

/**
 * The rows that replaced a still-working one: for each outgoing credential, the newest live one
 * of the same name made after it (a rotation keeps the name).
 */
export function successorIds(rows: CredentialRow[], now = Date.now()): Set<string> {
  const ids = new Set<string>();
  const live = rows.filter((row) => row.revokedAt === null);
  for (const outgoing of rows.filter((row) => isOutgoing(row, now))) {
    const successor = live
      .filter((row) => row.name === outgoing.name && row.createdAt > outgoing.createdAt)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (successor) ids.add(successor.id);
  }
  return ids;
}

/** The ids of the list's rows that replaced an outgoing one, set by the list that draws them. */
export const SuccessorsContext = createContext<ReadonlySet<string>>(new Set());

function Status({ row }: { row: CredentialRow }) {
  const now = useNow();
  const revocation = describeRevocation(row, now);
  if (revocation)
    return (
      <Group gap={6} wrap="wrap">
        <Badge color="red" variant="light" size="sm" tt="none" maw="none">
          {revocation}
        </Badge>
        {row.revokedAt && <DateText value={row.revokedAt} />}
      </Group>
    );
  // Rotated with an overlap: it works until then, beside its successor.
  if (row.revokedAt)
    return (
      <Tooltip label={formatDate(row.revokedAt)}>
        <Badge color="yellow" variant="light" size="sm" tt="none" maw="none" miw="max-content">
          rotated: stops at {formatClock(row.revokedAt, now)}
        </Badge>
      </Tooltip>
    );
  // Never narrower than its word: a wide neighbour column must not cut it to "acti…".
  if (row.disabled)
    return (
      <Badge color="gray" variant="light" size="sm" tt="none" miw="max-content">
        disabled
      </Badge>
    );
  return (
    <Badge color="teal" variant="light" size="sm" tt="none" miw="max-content">
      active
    </Badge>
  );
}

/** The name, marked "new" on the row that replaced one still in its overlap. */
function CredentialName({ row }: { row: CredentialRow }) {
  const successors = useContext(SuccessorsContext);
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" fw={500}>
        {row.name}
      </Text>
      {successors.has(row.id) && (
        <Badge color="indigo" variant="light" size="xs" miw="max-content">
          new
        </Badge>
      )}
    </Group>
  );
}

/** "Never", "Expired", the date; highlighted when it is under 7 days away. */
export function ExpiryText({ expiresAt }: { expiresAt: string | null }) {
  const now = useNow();
  const status = expiryStatus(expiresAt, now);
  if (!expiresAt || status === 'never')
    return (
      <Badge color="orange" variant="light" size="sm">
        Never
      </Badge>
    );
  if (status === 'later') return <DateText value={expiresAt} />;
  return (
    <Tooltip label={formatDate(expiresAt)}>
      <Badge color={status === 'expired' ? 'red' : 'orange'} variant="light" size="sm" tt="none">
        {status === 'expired' ? 'Expired' : `expires ${formatRelative(expiresAt, now)}`}
      </Badge>
    </Tooltip>
  );
}

/** The columns a PAT and an API key list share, around the ones only their kind has. */
export function credentialColumns<T extends CredentialRow>({
  createdNote,
  middle,
  end = [],
}: {
  /** More of the name cell's second line, after "Created …". */
  createdNote?: (row: T) => ReactNode;
  /** Between the name and the status. */
  middle: Column<T>[];
  /** After the last use. */
  end?: Column<T>[];
}): Column<T>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      card: 'title',
      cell: (row) => (
        <>
          <CredentialName row={row} />
          <Text size="xs" c="dimmed">
            Created <DateText value={row.createdAt} />
            {createdNote?.(row)}
          </Text>
        </>
      ),
    },
    ...middle,
    { key: 'status', header: 'Status', cell: (row) => <Status row={row} /> },
    {
      key: 'rate',
      header: 'Rate limit',
      cell: (row) => (
        <Text size="sm" c={row.rateLimit ? undefined : 'dimmed'}>
          {describeRateLimit(row.rateLimit)}
        </Text>
      ),
    },
    {
      key: 'used',
      header: 'Last used',
      cell: (row) => (
        <>
          <DateText value={row.lastUsedAt} />
          {row.lastUsedIp && (
            <Text size="xs" c="dimmed" ff="monospace">
              {row.lastUsedIp}
            </Text>
          )}
        </>
      ),
    },
    ...end,
  ];
}
