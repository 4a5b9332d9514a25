import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  Pagination,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconPlus, IconSearch, IconUsers } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { createUserSchema, passwordSchema, ROLES, type Role, type User } from '@latchkey/contracts';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { TableSkeleton } from '../../components/table-skeleton';
import { useAction } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';

const PAGE_SIZE = 20;
const createFormSchema = createUserSchema.extend({ password: passwordSchema() });

interface CreateUserValues extends Record<string, unknown> {
  login: string;
  email: string;
  displayName: string;
  password: string;
  roles: Role[];
}

function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const api = useApi();
  const form = useZodForm<CreateUserValues>(createFormSchema, {
    initialValues: { login: '', email: '', displayName: '', password: '', roles: ['user'] },
  });
  const create = useAction({
    run: ({ displayName, ...values }: CreateUserValues) =>
      api.users.create({ ...values, ...(displayName.trim() ? { displayName } : {}) }),
    success: (user) => `User ${user.login} created`,
    invalidates: [['users']],
    toastErrors: false,
    onSuccess: onCreated,
  });
  return (
    <form noValidate onSubmit={form.submitTo(create)}>
      <Stack>
        <ProblemAlert error={create.error} />
        <TextInput label="Login" required data-autofocus {...form.getInputProps('login')} />
        <TextInput label="Email" type="email" required {...form.getInputProps('email')} />
        <TextInput label="Name" {...form.getInputProps('displayName')} />
        <PasswordInput
          label="Initial password"
          description="At least 12 characters; tell the user to change it."
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
        <Checkbox.Group label="Roles" {...form.getInputProps('roles')}>
          <Group mt={6}>
            {ROLES.map((role) => (
              <Checkbox key={role} value={role} label={role} />
            ))}
          </Group>
        </Checkbox.Group>
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function StatusBadge({ user }: { user: User }) {
  return user.disabled ? (
    <Badge color="red" variant="light" size="sm">
      Disabled
    </Badge>
  ) : (
    <Badge color="teal" variant="light" size="sm">
      Active
    </Badge>
  );
}

export function UsersPage() {
  const api = useApi();
  const navigate = useNavigate();
  const phone = useMediaQuery('(max-width: 48em)');
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const users = useQuery({
    queryKey: ['users', { q: query, page }],
    queryFn: () => api.users.list({ q: query || undefined, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const pages = users.data ? Math.max(1, Math.ceil(users.data.total / PAGE_SIZE)) : 1;

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in, with their roles and status."
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New user
          </Button>
        }
      />
      <Stack>
        <TextInput
          placeholder="Search by login, name or email"
          aria-label="Search users"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
        />
        <ProblemAlert error={users.error} />
        <Card withBorder padding="md">
          {!users.data ? (
            <TableSkeleton rows={6} />
          ) : users.data.items.length === 0 ? (
            <EmptyState icon={<IconUsers size={24} />} title="No users match">
              Try another search.
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={phone ? 0 : 620}>
              <Table verticalSpacing="sm" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>User</Table.Th>
                    <Table.Th visibleFrom="sm">Roles</Table.Th>
                    <Table.Th visibleFrom="sm">MFA</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th visibleFrom="sm">Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {users.data.items.map((user) => (
                    <Table.Tr
                      key={user.id}
                      style={{ cursor: 'pointer' }}
                      onClick={() => void navigate(`/admin/users/${user.id}`)}
                    >
                      <Table.Td>
                        <Text
                          component={Link}
                          to={`/admin/users/${user.id}`}
                          size="sm"
                          fw={500}
                          onClick={(event) => event.stopPropagation()}
                        >
                          {user.login}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {user.displayName !== user.login ? `${user.displayName} · ` : ''}
                          {user.email}
                        </Text>
                      </Table.Td>
                      <Table.Td visibleFrom="sm">
                        <Group gap={4}>
                          {user.roles.map((role) => (
                            <Badge key={role} variant="light" size="sm">
                              {role}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td visibleFrom="sm">
                        <Text size="sm" c={user.mfaEnabled ? 'teal' : 'dimmed'}>
                          {user.mfaEnabled ? 'On' : 'Off'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge user={user} />
                      </Table.Td>
                      <Table.Td visibleFrom="sm">
                        <DateText value={user.createdAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
        {users.data && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {users.data.total} {users.data.total === 1 ? 'user' : 'users'}
            </Text>
            {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} size="sm" />}
          </Group>
        )}
      </Stack>
      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        title="New user"
        size="md"
        fullScreen={phone}
      >
        <CreateUserForm
          onCreated={(user) => {
            setCreating(false);
            void navigate(`/admin/users/${user.id}`);
          }}
        />
      </Modal>
    </>
  );
}
