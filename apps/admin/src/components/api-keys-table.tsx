import { Button, Group, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import type { ApiKey } from '@latchkey/contracts';
import { confirmDestructive } from './confirm';
import { DataTable, type Column } from './data-table';
import { DateText } from './date-text';
import { EmptyState } from './empty-state';
import { ScopeBadges } from './scope-badges';

export interface ApiKeysTableProps {
  keys: ApiKey[] | undefined;
  /** Admin actions; without them the list is read-only. */
  onRotate?: (key: ApiKey) => void;
  onRevoke?: (key: ApiKey) => void;
  busyId?: string | undefined;
  emptyText: string;
}

const COLUMNS: Column<ApiKey>[] = [
  {
    key: 'name',
    header: 'Name',
    card: 'title',
    cell: (key) => (
      <>
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
      </>
    ),
  },
  {
    key: 'key',
    header: 'Key',
    cell: (key) => (
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {key.apiKey}
      </Text>
    ),
  },
  { key: 'scopes', header: 'Scopes', cell: (key) => <ScopeBadges scopes={key.scopes} /> },
  { key: 'used', header: 'Last used', cell: (key) => <DateText value={key.lastUsedAt} /> },
];

export function ApiKeysTable({ keys, onRotate, onRevoke, busyId, emptyText }: ApiKeysTableProps) {
  const actions =
    onRotate || onRevoke
      ? (key: ApiKey) => (
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
        )
      : undefined;
  return (
    <DataTable
      label="API keys"
      rows={keys}
      columns={COLUMNS}
      rowKey={(key) => key.id}
      rowTestId="api-key-row"
      empty={
        <EmptyState icon={<IconKey size={24} />} title="No API keys">
          {emptyText}
        </EmptyState>
      }
      {...(actions ? { actions } : {})}
    />
  );
}
