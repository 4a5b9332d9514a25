import { Badge, Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import type { Passkey } from '@latchkey/contracts';
import { DateText } from './date-text';

export interface PasskeyListProps {
  passkeys: Passkey[] | undefined;
  emptyText: string;
  onRename?: (passkey: Passkey) => void;
  onRemove: (passkey: Passkey) => void;
  busyId?: string | undefined;
}

/** Passkeys as rows that wrap on a phone: name, when added and last used, and their actions. */
export function PasskeyList({ passkeys, emptyText, onRename, onRemove, busyId }: PasskeyListProps) {
  if (!passkeys) return <Skeleton height={56} />;
  if (passkeys.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {emptyText}
      </Text>
    );
  return (
    <Stack gap="sm" role="list" aria-label="Passkeys">
      {passkeys.map((passkey) => (
        <Group
          key={passkey.id}
          role="listitem"
          aria-label={passkey.name}
          justify="space-between"
          wrap="wrap"
          gap="xs"
          p="sm"
          style={{
            border: '1px solid var(--mantine-color-default-border)',
            borderRadius: 'var(--mantine-radius-md)',
          }}
        >
          <Group gap="sm" wrap="nowrap" style={{ flex: '1 1 240px', minWidth: 0 }}>
            <IconKey size={20} aria-hidden />
            <div style={{ minWidth: 0 }}>
              <Group gap={6}>
                <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {passkey.name}
                </Text>
                {passkey.backedUp && (
                  <Badge size="xs" variant="light" color="blue">
                    Synced
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed" component="div">
                Added <DateText value={passkey.createdAt} /> · Last used{' '}
                <DateText value={passkey.lastUsedAt} />
              </Text>
            </div>
          </Group>
          <Group gap="xs">
            {onRename && (
              <Button
                size="xs"
                variant="default"
                aria-label={`Rename passkey ${passkey.name}`}
                onClick={() => onRename(passkey)}
              >
                Rename
              </Button>
            )}
            <Button
              size="xs"
              color="red"
              variant="light"
              aria-label={`Remove passkey ${passkey.name}`}
              loading={busyId === passkey.id}
              onClick={() => onRemove(passkey)}
            >
              Remove
            </Button>
          </Group>
        </Group>
      ))}
    </Stack>
  );
}
