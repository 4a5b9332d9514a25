import { Badge, Button, Card, Text } from '@mantine/core';
import { IconRotate, IconWritingSign } from '@tabler/icons-react';
import type { SigningKey } from '@latchkey/contracts';
import { confirmDestructive } from '../../components/confirm';
import { DataTable, type Column } from '../../components/data-table';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { useRotateSigningKey, useSigningKeys } from '../../resources/signing-keys/queries';

/** The later of two instants, either of which may be missing. */
function later(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return new Date(a).getTime() >= new Date(b).getTime() ? a : b;
}

/**
 * How long the server keeps a key in the JWKS: while it is active; then until its short-lived
 * tokens are past (publishedUntil) and every live PAT or account token it signed has expired.
 */
export function PublishedUntil({ signingKey }: { signingKey: SigningKey }) {
  const { liveTokens } = signingKey;
  if (signingKey.state === 'active')
    return (
      <Text size="sm" c="dimmed">
        While active
      </Text>
    );
  if (liveTokens.withoutExpiry > 0)
    return (
      <Text size="sm">
        Until its {liveTokens.withoutExpiry === 1 ? 'token' : `${liveTokens.withoutExpiry} tokens`}{' '}
        without expiry {liveTokens.withoutExpiry === 1 ? 'is' : 'are'} revoked
      </Text>
    );
  const until = later(signingKey.publishedUntil, liveTokens.lastExpiresAt);
  return (
    <>
      <DateText value={until} empty="—" />
      {liveTokens.count > 0 && (
        <Text size="xs" c="dimmed">
          {liveTokens.count === 1 ? 'a live token' : `${liveTokens.count} live tokens`} signed with
          it
        </Text>
      )}
    </>
  );
}

const COLUMNS: Column<SigningKey>[] = [
  {
    key: 'kid',
    header: 'Key id',
    card: 'title',
    cell: (key) => (
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {key.kid}
      </Text>
    ),
  },
  { key: 'alg', header: 'Algorithm', cell: (key) => <Text size="sm">{key.alg}</Text> },
  {
    key: 'state',
    header: 'State',
    cell: (key) => (
      <Badge color={key.state === 'active' ? 'teal' : 'gray'} variant="light" maw="none">
        {key.state}
      </Badge>
    ),
  },
  { key: 'created', header: 'Created', cell: (key) => <DateText value={key.createdAt} /> },
  {
    key: 'retired',
    header: 'Retired',
    cell: (key) => <DateText value={key.retiredAt} empty="—" />,
  },
  {
    key: 'published',
    header: 'Published until',
    cell: (key) => <PublishedUntil signingKey={key} />,
  },
];

export function SigningKeysPage() {
  const keys = useSigningKeys();
  const rotate = useRotateSigningKey({
    success: (key) => `New signing key ${key.kid} is active`,
  });
  return (
    <>
      <PageHeader
        title="Signing keys"
        description="The keys that sign Latchkey's JWTs, published at /.well-known/jwks.json. A retired key stays published until every token it signed has expired, personal access and account tokens included."
        action={
          <Button
            leftSection={<IconRotate size={16} />}
            loading={rotate.isPending}
            onClick={() =>
              confirmDestructive({
                title: 'Rotate the signing key?',
                message:
                  'New tokens are signed with a new key. Tokens already issued stay valid: the old public key stays in the JWKS until they expire.',
                confirmLabel: 'Rotate key',
                onConfirm: () => rotate.mutate(),
              })
            }
          >
            Rotate
          </Button>
        }
      />
      <ProblemAlert error={keys.error} />
      <Card withBorder padding="md">
        <DataTable
          label="Signing keys"
          rows={keys.error ? [] : keys.data?.items}
          columns={COLUMNS}
          rowKey={(key) => key.kid}
          rowTestId="signing-key-row"
          minWidth={760}
          empty={
            keys.error ? null : (
              <EmptyState icon={<IconWritingSign size={24} />} title="No signing keys">
                Tokens are signed with a shared secret (JWT_SECRET), so there is no key to list.
              </EmptyState>
            )
          }
        />
      </Card>
    </>
  );
}
