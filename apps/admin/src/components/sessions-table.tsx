import { Badge, Button, Group, Text } from '@mantine/core';
import { IconDeviceDesktop } from '@tabler/icons-react';
import type { Session } from '@latchkey/contracts';
import { confirmDestructive } from './confirm';
import { DataTable, type Column } from './data-table';
import { DateText } from './date-text';
import { EmptyState } from './empty-state';
import { describeUserAgent } from './user-agent';

export interface SessionsTableProps {
  sessions: Session[] | undefined;
  onRevoke: (session: Session) => void;
  revokingId?: string | undefined;
}

/** Browser sessions with the device, IP and last use; the current one is marked. */
function Device({ session }: { session: Session }) {
  return (
    <Group gap="xs" wrap="wrap">
      <Text size="sm" fw={500} title={session.userAgent ?? undefined}>
        {describeUserAgent(session.userAgent)}
      </Text>
      {session.current && (
        <Badge color="teal" variant="light" size="sm" maw="none">
          This device
        </Badge>
      )}
    </Group>
  );
}

const METHOD_LABELS: Record<Session['signInMethods'][number], string> = {
  password: 'Password',
  totp: 'TOTP code',
  recovery_code: 'Recovery code',
  passkey: 'Passkey',
};

/** How the session was signed in: "Password + Passkey", "Passkey". */
function describeSignIn(methods: Session['signInMethods']): string {
  return methods.length === 0 ? '—' : methods.map((method) => METHOD_LABELS[method]).join(' + ');
}

const COLUMNS: Column<Session>[] = [
  {
    key: 'device',
    header: 'Device',
    card: 'title',
    cell: (session) => <Device session={session} />,
  },
  {
    key: 'ip',
    header: 'IP address',
    cell: (session) => (
      <Text size="sm" ff="monospace">
        {session.ip ?? '—'}
      </Text>
    ),
  },
  {
    key: 'method',
    header: 'Signed in with',
    cell: (session) => <Text size="sm">{describeSignIn(session.signInMethods)}</Text>,
  },
  {
    key: 'created',
    header: 'Signed in',
    cell: (session) => <DateText value={session.createdAt} />,
  },
  { key: 'used', header: 'Last used', cell: (session) => <DateText value={session.lastUsedAt} /> },
];

export function SessionsTable({ sessions, onRevoke, revokingId }: SessionsTableProps) {
  return (
    <DataTable
      label="Sessions"
      rows={sessions}
      columns={COLUMNS}
      rowKey={(session) => session.id}
      rowTestId="session-row"
      minWidth={560}
      empty={
        <EmptyState icon={<IconDeviceDesktop size={24} />} title="No active sessions">
          Sessions appear here when someone signs in through the browser.
        </EmptyState>
      }
      actions={(session) => (
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
      )}
    />
  );
}
