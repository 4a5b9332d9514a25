import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconKey } from '@tabler/icons-react';
import type { ApiKey } from '@latchkey/contracts';
import { confirmDestructive } from './confirm';
import { DateText } from './date-text';
import { EmptyState } from './empty-state';
import { MobileCard } from './mobile-card';
import { TableSkeleton } from './table-skeleton';

export interface ApiKeysTableProps {
  keys: ApiKey[] | undefined;
  /** Admin actions; without them the list is read-only. */
  onRotate?: (key: ApiKey) => void;
  onRevoke?: (key: ApiKey) => void;
  busyId?: string | undefined;
  emptyText: string;
}

function ScopeBadges({ scopes }: { scopes: readonly string[] }) {
  return (
    <Group gap={4}>
      {scopes.map((scope) => (
        <Badge key={scope} variant="default" size="sm" tt="none" ff="monospace">
          {scope}
        </Badge>
      ))}
    </Group>
  );
}

export function ApiKeysTable({ keys, onRotate, onRevoke, busyId, emptyText }: ApiKeysTableProps) {
  const phone = useMediaQuery('(max-width: 48em)');
  if (!keys) return <TableSkeleton />;
  if (keys.length === 0)
    return (
      <EmptyState icon={<IconKey size={24} />} title="No API keys">
        {emptyText}
      </EmptyState>
    );
  const actions = (key: ApiKey) =>
    onRotate || onRevoke ? (
      <Group gap={4} justify="flex-end" wrap="nowrap">
        {onRotate && (
          <Button
            size="xs"
            variant="subtle"
            loading={busyId === key.id}
            onClick={() =>
              confirmDestructive({
                title: `Rotate the secret of “${key.name}”?`,
                message:
                  'The key stays the same; a new secret is shown once and the old secret stops working at once.',
                confirmLabel: 'Rotate secret',
                onConfirm: () => onRotate(key),
              })
            }
          >
            Rotate secret
          </Button>
        )}
        {onRevoke && (
          <Button
            size="xs"
            color="red"
            variant="subtle"
            onClick={() =>
              confirmDestructive({
                title: `Revoke “${key.name}”?`,
                message: 'Machines using this key lose access at once.',
                confirmLabel: 'Revoke key',
                onConfirm: () => onRevoke(key),
              })
            }
          >
            Revoke
          </Button>
        )}
      </Group>
    ) : null;
  const keyText = (key: ApiKey) => (
    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
      {key.apiKey}
    </Text>
  );
  if (phone)
    return (
      <Stack gap="sm">
        {keys.map((key) => (
          <MobileCard
            key={key.id}
            testId="api-key-row"
            title={
              <Text size="sm" fw={600}>
                {key.name}
              </Text>
            }
            facts={[
              ['Key', keyText(key)],
              ['Scopes', <ScopeBadges key="scopes" scopes={key.scopes} />],
              ['Created', <DateText key="created" value={key.createdAt} />],
              ['Last used', <DateText key="used" value={key.lastUsedAt} />],
            ]}
            actions={actions(key)}
          />
        ))}
      </Stack>
    );
  const withActions = Boolean(onRotate || onRevoke);
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Scopes</Table.Th>
            <Table.Th>Last used</Table.Th>
            {withActions && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id} data-testid="api-key-row">
              <Table.Td>
                <Text size="sm" fw={500}>
                  {key.name}
                </Text>
                <Text size="xs" c="dimmed">
                  Created <DateText value={key.createdAt} />
                  {key.secretRotatedAt && (
                    <>
                      {' · secret rotated '}
                      <DateText value={key.secretRotatedAt} />
                    </>
                  )}
                </Text>
              </Table.Td>
              <Table.Td>{keyText(key)}</Table.Td>
              <Table.Td>
                <ScopeBadges scopes={key.scopes} />
              </Table.Td>
              <Table.Td>
                <DateText value={key.lastUsedAt} />
              </Table.Td>
              {withActions && <Table.Td ta="right">{actions(key)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
