import { Badge, Button, Card, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconFileText } from '@tabler/icons-react';
import { useState } from 'react';
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventType } from '@latchkey/contracts';
import { AuditDetails } from '../../components/audit-details';
import { DataTable, type Column } from '../../components/data-table';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { oneOf, useSearchState } from '../../hooks/use-search-state';
import { useAuditEvents } from '../../resources/audit/queries';
import { useUser, useUsers } from '../../resources/users/queries';

const PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  return (
    <Text size="sm" style={{ wordBreak: 'break-all' }}>
      {login ?? id}
    </Text>
  );
}

const COLUMNS: Column<AuditEvent>[] = [
  {
    key: 'event',
    header: 'Event',
    card: 'title',
    cell: (event) => (
      <Badge color={typeColor(event.type)} variant="light" tt="none" ff="monospace" maw="none">
        {event.type}
      </Badge>
    ),
  },
  { key: 'when', header: 'When', cell: (event) => <DateText value={event.createdAt} /> },
  {
    key: 'actor',
    header: 'Actor',
    cell: (event) => <Person login={event.actorLogin} id={event.actorId} />,
  },
  {
    key: 'subject',
    header: 'Subject',
    cell: (event) => <Person login={event.subjectLogin} id={event.subjectId} />,
  },
  {
    key: 'ip',
    header: 'IP',
    cell: (event) => (
      <Text size="sm" ff="monospace">
        {event.ip ?? '—'}
      </Text>
    ),
  },
  { key: 'details', header: 'Details', cell: (event) => <AuditDetails details={event.details} /> },
];

export function AuditLogPage() {
  const { params, update } = useSearchState();
  const userId = UUID.test(params.get('user') ?? '') ? (params.get('user') as string) : undefined;
  const type = oneOf(AUDIT_EVENT_TYPES, params.get('type'));
  const before = params.get('before') ?? undefined;
  /** Cursors of the newer pages seen in this visit, so "Newer" steps back one page at a time. */
  const [newer, setNewer] = useState<(string | undefined)[]>([]);
  const [userSearch, setUserSearch] = useState('');
  const [userQuery] = useDebouncedValue(userSearch, 250);

  const users = useUsers({ q: userQuery || undefined, pageSize: 50 });
  const chosen = useUser(userId ?? '', { enabled: userId !== undefined });
  const userOptions = [...(users.data?.items ?? []), ...(chosen.data ? [chosen.data] : [])]
    .filter((user, index, all) => all.findIndex((other) => other.id === user.id) === index)
    .map((user) => ({ value: user.id, label: user.login }));
  const events = useAuditEvents({ userId, type, before, limit: PAGE_SIZE });
  const filter = (changes: Record<string, string | null>) => {
    setNewer([]);
    update({ ...changes, before: null });
  };

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
            data={userOptions}
            value={userId ?? null}
            onChange={(value) => filter({ user: value })}
          />
          <Select
            label="Event type"
            placeholder="Any type"
            clearable
            searchable
            data={[...AUDIT_EVENT_TYPES]}
            value={type ?? null}
            onChange={(value) => filter({ type: value })}
          />
        </SimpleGrid>
        <ProblemAlert error={events.error} />
        <Card withBorder padding="md">
          <DataTable
            label="Audit events"
            rows={events.error ? [] : events.data?.items}
            columns={COLUMNS}
            rowKey={(event) => event.id}
            rowTestId="audit-row"
            minWidth={900}
            loadingRows={8}
            verticalSpacing="xs"
            empty={
              events.error ? null : (
                <EmptyState icon={<IconFileText size={24} />} title="No events">
                  Nothing matches these filters.
                </EmptyState>
              )
            }
          />
        </Card>
        <Group justify="flex-end">
          <Button
            variant="default"
            leftSection={<IconChevronLeft size={16} />}
            disabled={!before}
            onClick={() => {
              update({ before: newer.at(-1) ?? null });
              setNewer((previous) => previous.slice(0, -1));
            }}
          >
            Newer
          </Button>
          <Button
            variant="default"
            rightSection={<IconChevronRight size={16} />}
            disabled={!events.data?.nextBefore}
            onClick={() => {
              const next = events.data?.nextBefore;
              if (!next) return;
              setNewer((previous) => [...previous, before]);
              update({ before: next });
            }}
          >
            Older
          </Button>
        </Group>
      </Stack>
    </>
  );
}
