import {
  Badge,
  Button,
  Card,
  Code,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconFileText } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventType } from '@latchkey/contracts';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { TableSkeleton } from '../../components/table-skeleton';
import { useApi } from '../../hooks/use-auth';

const PAGE_SIZE = 25;

function typeColor(type: AuditEventType): string {
  if (type.endsWith('failed') || type.includes('reuse')) return 'red';
  if (type.endsWith('revoked') || type.endsWith('disabled') || type.endsWith('deleted'))
    return 'orange';
  if (type.endsWith('created') || type.endsWith('enabled') || type.endsWith('succeeded'))
    return 'teal';
  return 'gray';
}

function Person({ login, id }: { login: string | null; id: string | null }) {
  if (!login && !id)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return <Text size="sm">{login ?? id}</Text>;
}

function EventRow({ event }: { event: AuditEvent }) {
  const details = Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : null;
  return (
    <Table.Tr data-testid="audit-row">
      <Table.Td>
        <DateText value={event.createdAt} />
      </Table.Td>
      <Table.Td>
        <Badge color={typeColor(event.type)} variant="light" tt="none" ff="monospace">
          {event.type}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Person login={event.actorLogin} id={event.actorId} />
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Person login={event.subjectLogin} id={event.subjectId} />
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Text size="sm" ff="monospace">
          {event.ip ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td maw={260} visibleFrom="sm">
        {details && (
          <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{details}</Code>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function AuditLogPage() {
  const api = useApi();
  const phone = useMediaQuery('(max-width: 48em)');
  const [userSearch, setUserSearch] = useState('');
  const [userQuery] = useDebouncedValue(userSearch, 250);
  const [userId, setUserId] = useState<string | null>(null);
  const [type, setType] = useState<AuditEventType | null>(null);
  /** Cursors of the pages before this one; the last is this page's `before`. */
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1);

  const users = useQuery({
    queryKey: ['users', { q: userQuery, page: 1, pageSize: 50 }],
    queryFn: () => api.users.list({ q: userQuery || undefined, pageSize: 50 }),
  });
  const events = useQuery({
    queryKey: ['audit-events', { userId, type, before }],
    queryFn: () =>
      api.audit.list({
        userId: userId ?? undefined,
        type: type ?? undefined,
        before,
        limit: PAGE_SIZE,
      }),
    placeholderData: keepPreviousData,
  });
  const resetPaging = () => setCursors([]);

  return (
    <>
      <PageHeader
        title="Audit log"
        description="What happened to accounts and credentials, newest first. Never holds a secret."
      />
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="User"
            placeholder="Anyone"
            searchable
            clearable
            searchValue={userSearch}
            onSearchChange={setUserSearch}
            data={(users.data?.items ?? []).map((user) => ({ value: user.id, label: user.login }))}
            value={userId}
            onChange={(value) => {
              setUserId(value);
              resetPaging();
            }}
          />
          <Select
            label="Event type"
            placeholder="Any type"
            clearable
            searchable
            data={[...AUDIT_EVENT_TYPES]}
            value={type}
            onChange={(value) => {
              setType(value as AuditEventType | null);
              resetPaging();
            }}
          />
        </SimpleGrid>
        <ProblemAlert error={events.error} />
        <Card withBorder padding="md">
          {!events.data ? (
            !events.error && <TableSkeleton rows={8} />
          ) : events.data.items.length === 0 ? (
            <EmptyState icon={<IconFileText size={24} />} title="No events">
              Nothing matches these filters.
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={phone ? 0 : 820}>
              <Table verticalSpacing="xs" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Event</Table.Th>
                    <Table.Th>Actor</Table.Th>
                    <Table.Th visibleFrom="sm">Subject</Table.Th>
                    <Table.Th visibleFrom="sm">IP</Table.Th>
                    <Table.Th visibleFrom="sm">Details</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.data.items.map((event) => (
                    <EventRow key={event.id} event={event} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
        <Group justify="flex-end">
          <Button
            variant="default"
            leftSection={<IconChevronLeft size={16} />}
            disabled={cursors.length === 0}
            onClick={() => setCursors((previous) => previous.slice(0, -1))}
          >
            Newer
          </Button>
          <Button
            variant="default"
            rightSection={<IconChevronRight size={16} />}
            disabled={!events.data?.nextBefore}
            onClick={() => {
              const next = events.data?.nextBefore;
              if (next) setCursors((previous) => [...previous, next]);
            }}
          >
            Older
          </Button>
        </Group>
      </Stack>
    </>
  );
}
