import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDeviceDesktop } from '@tabler/icons-react';
import type { Session } from '@latchkey/contracts';
import { confirmDestructive } from './confirm';
import { DateText } from './date-text';
import { EmptyState } from './empty-state';
import { MobileCard } from './mobile-card';
import { TableSkeleton } from './table-skeleton';
import { describeUserAgent } from './user-agent';

export interface SessionsTableProps {
  sessions: Session[] | undefined;
  onRevoke: (session: Session) => void;
  revokingId?: string | undefined;
}

/** Browser sessions with the device, IP and last use; the current one is marked. */
function Device({ session }: { session: Session }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" title={session.userAgent ?? undefined}>
        {describeUserAgent(session.userAgent)}
      </Text>
      {session.current && (
        <Badge color="teal" variant="light" size="sm">
          This device
        </Badge>
      )}
    </Group>
  );
}

export function SessionsTable({ sessions, onRevoke, revokingId }: SessionsTableProps) {
  const phone = useMediaQuery('(max-width: 48em)');
  if (!sessions) return <TableSkeleton />;
  if (sessions.length === 0)
    return (
      <EmptyState icon={<IconDeviceDesktop size={24} />} title="No active sessions">
        Sessions appear here when someone signs in through the browser.
      </EmptyState>
    );
  const revokeButton = (session: Session) => (
    <Button
      size="xs"
      color="red"
      variant="subtle"
      loading={revokingId === session.id}
      onClick={() =>
        confirmDestructive({
          title: 'Revoke this session?',
          message: session.current
            ? 'This is the session you are using: you will be signed out here.'
            : `${describeUserAgent(session.userAgent)} will be signed out at once.`,
          confirmLabel: 'Revoke session',
          onConfirm: () => onRevoke(session),
        })
      }
    >
      Revoke
    </Button>
  );
  if (phone)
    return (
      <Stack gap="sm">
        {sessions.map((session) => (
          <MobileCard
            key={session.id}
            testId="session-row"
            title={<Device session={session} />}
            facts={[
              [
                'IP address',
                <Text key="ip" size="sm" ff="monospace">
                  {session.ip ?? '—'}
                </Text>,
              ],
              ['Signed in', <DateText key="created" value={session.createdAt} />],
              ['Last used', <DateText key="used" value={session.lastUsedAt} />],
            ]}
            actions={revokeButton(session)}
          />
        ))}
      </Stack>
    );
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Device</Table.Th>
            <Table.Th>IP address</Table.Th>
            <Table.Th>Signed in</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.map((session) => (
            <Table.Tr key={session.id} data-testid="session-row">
              <Table.Td>
                <Device session={session} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {session.ip ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                <DateText value={session.createdAt} />
              </Table.Td>
              <Table.Td>
                <DateText value={session.lastUsedAt} />
              </Table.Td>
              <Table.Td ta="right">{revokeButton(session)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
