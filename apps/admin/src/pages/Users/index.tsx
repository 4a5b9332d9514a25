import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  Pagination,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconPlus, IconSearch, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  createUserFieldsSchema,
  passwordSchema,
  ROLES,
  USER_SORTS,
  type CreateUserInput,
  type Role,
  type User,
  type UserSort,
} from '@latchkey/contracts';
import { DataTable, usePhone, type Column } from '../../components/data-table';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { oneOf, pageFrom, useSearchState } from '../../hooks/use-search-state';
import { useZodForm } from '../../hooks/use-zod-form';
import { useCreateUser, useUsers } from '../../resources/users/queries';

const PAGE_SIZE = 20;
const createFormSchema = createUserFieldsSchema.extend({ password: passwordSchema() });

interface CreateUserValues extends Record<string, unknown> {
  login: string;
  email: string;
  displayName: string;
  password: string;
  roles: Role[];
}

/** The form's values as the API takes them: an empty name is left out, the server uses the login. */
function createInput({ displayName, ...values }: CreateUserValues): CreateUserInput {
  return { ...values, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
}

function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const form = useZodForm<CreateUserValues>(createFormSchema, {
    initialValues: { login: '', email: '', displayName: '', password: '', roles: ['user'] },
  });
  const create = useCreateUser({
    success: (user) => `User ${user.login} created`,
    toastErrors: false,
    onSuccess: onCreated,
  });
  return (
    <form noValidate onSubmit={form.submitTo(create, createInput)}>
      <Stack>
        <ProblemAlert error={create.error} />
        <TextInput label="Login" required data-autofocus {...form.getInputProps('login')} />
        <TextInput label="Email" type="email" required {...form.getInputProps('email')} />
        <TextInput
          label="Name"
          description="Optional: the login is shown when it is empty."
          {...form.getInputProps('displayName')}
        />
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
    <Badge color="red" variant="light" size="sm" maw="none">
      Disabled
    </Badge>
  ) : (
    <Badge color="teal" variant="light" size="sm" maw="none">
      Active
    </Badge>
  );
}

const SORT_LABELS: Record<UserSort, string> = {
  login: 'Login, A–Z',
  '-login': 'Login, Z–A',
  '-lastLoginAt': 'Newest sign-in',
  lastLoginAt: 'Oldest sign-in',
  '-createdAt': 'Newest account',
  createdAt: 'Oldest account',
};

const COLUMNS: Column<User>[] = [
  {
    key: 'user',
    header: 'User',
    card: 'title',
    cell: (user) => (
      <>
        <Anchor component={Link} to={`/admin/users/${user.id}`} size="sm" fw={500}>
          {user.login}
        </Anchor>
        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
          {user.displayName !== user.login ? `${user.displayName} · ` : ''}
          {user.email}
        </Text>
      </>
    ),
  },
  {
    key: 'roles',
    header: 'Roles',
    cell: (user) => (
      <Group gap={4}>
        {user.roles.map((role) => (
          <Badge key={role} variant="light" size="sm" maw="none">
            {role}
          </Badge>
        ))}
      </Group>
    ),
  },
  {
    key: 'mfa',
    header: 'MFA',
    cell: (user) => (
      <Text size="sm" c={user.mfaEnabled ? 'teal' : 'dimmed'}>
        {user.mfaEnabled ? 'On' : 'Off'}
      </Text>
    ),
  },
  { key: 'status', header: 'Status', cell: (user) => <StatusBadge user={user} /> },
  {
    key: 'last-login',
    header: 'Last sign-in',
    cell: (user) => <DateText value={user.lastLoginAt} />,
  },
  { key: 'created', header: 'Created', cell: (user) => <DateText value={user.createdAt} /> },
];

export function UsersPage() {
  const navigate = useNavigate();
  const phone = usePhone();
  const { params, update } = useSearchState();
  const q = params.get('q') ?? '';
  const role = oneOf(ROLES, params.get('role'));
  const status = oneOf(['active', 'disabled'] as const, params.get('status'));
  const sort = oneOf(USER_SORTS, params.get('sort')) ?? 'login';
  const page = pageFrom(params.get('page'));
  const [search, setSearch] = useState(q);
  const searchInUrl = useDebouncedCallback((value: string) => update({ q: value.trim() }), 250);
  const [creating, setCreating] = useState(false);
  const users = useUsers({
    q: q || undefined,
    role,
    disabled: status === undefined ? undefined : status === 'disabled',
    sort,
    page,
    pageSize: PAGE_SIZE,
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
            searchInUrl(event.currentTarget.value);
          }}
        />
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
          <Select
            label="Role"
            placeholder="Any role"
            clearable
            data={[...ROLES]}
            value={role ?? null}
            onChange={(value) => update({ role: value })}
          />
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={[
              { value: 'active', label: 'Active' },
              { value: 'disabled', label: 'Disabled' },
            ]}
            value={status ?? null}
            onChange={(value) => update({ status: value })}
          />
          <Select
            label="Sort by"
            allowDeselect={false}
            data={USER_SORTS.map((value) => ({ value, label: SORT_LABELS[value] }))}
            value={sort}
            onChange={(value) => update({ sort: value === 'login' ? null : value })}
          />
        </SimpleGrid>
        <ProblemAlert error={users.error} />
        <Card withBorder padding="md">
          <DataTable
            label="Users"
            rows={users.data?.items}
            columns={COLUMNS}
            rowKey={(user) => user.id}
            rowTestId="user-row"
            minWidth={760}
            loadingRows={6}
            empty={
              <EmptyState icon={<IconUsers size={24} />} title="No users match">
                Try another search or filter.
              </EmptyState>
            }
          />
        </Card>
        {users.data && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {users.data.total} {users.data.total === 1 ? 'user' : 'users'}
            </Text>
            {pages > 1 && (
              <Pagination
                total={pages}
                value={page}
                onChange={(next) => update({ page: next === 1 ? null : String(next) })}
                size="sm"
              />
            )}
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
