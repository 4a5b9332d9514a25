import { Badge, Group, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RateLimit, RevokedReason } from '@latchkey/contracts';
import { useNow } from '../hooks/use-now';
import type { Column } from './data-table';
import { DateText, formatDate, formatRelative } from './date-text';
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
  rotated: 'revoked: rotated',
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
        <Badge color="yellow" variant="light" size="sm" tt="none" maw="none">
          rotated: stops {formatRelative(row.revokedAt, now)}
        </Badge>
      </Tooltip>
    );
  if (row.disabled)
    return (
      <Badge color="gray" variant="light" size="sm" tt="none">
        disabled
      </Badge>
    );
  return (
    <Badge color="teal" variant="light" size="sm" tt="none">
      active
    </Badge>
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
          <Text size="sm" fw={500}>
            {row.name}
          </Text>
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
