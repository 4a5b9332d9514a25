import { Badge, Button, Card, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconRotate, IconWritingSign } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { confirmDestructive } from '../../components/confirm';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { TableSkeleton } from '../../components/table-skeleton';
import { useAction } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';

export function SigningKeysPage() {
  const api = useApi();
  const phone = useMediaQuery('(max-width: 48em)');
  const keys = useQuery({ queryKey: ['signing-keys'], queryFn: () => api.signingKeys.list() });
  const rotate = useAction({
    run: () => api.signingKeys.rotate(),
    success: (key) => `New signing key ${key.kid} is active`,
    invalidates: [['signing-keys']],
  });
  return (
    <>
      <PageHeader
        title="Signing keys"
        description="The keys that sign Latchkey's JWTs, published at /.well-known/jwks.json. A retired key stays published until every token it signed has expired."
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
        {!keys.data ? (
          !keys.error && <TableSkeleton />
        ) : keys.data.items.length === 0 ? (
          <EmptyState icon={<IconWritingSign size={24} />} title="No signing keys">
            Tokens are signed with a shared secret (JWT_SECRET), so there is no key to list.
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={phone ? 0 : 640}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Key id</Table.Th>
                  <Table.Th visibleFrom="sm">Algorithm</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th visibleFrom="sm">Created</Table.Th>
                  <Table.Th visibleFrom="sm">Retired</Table.Th>
                  <Table.Th>Published until</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.data.items.map((key) => (
                  <Table.Tr key={key.kid} data-testid="signing-key-row">
                    <Table.Td>
                      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {key.kid}
                      </Text>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">{key.alg}</Table.Td>
                    <Table.Td>
                      <Badge color={key.state === 'active' ? 'teal' : 'gray'} variant="light">
                        {key.state}
                      </Badge>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <DateText value={key.createdAt} />
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <DateText value={key.retiredAt} empty="—" />
                    </Table.Td>
                    <Table.Td>
                      <DateText value={key.publishedUntil} empty="—" />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </>
  );
}
