import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  Skeleton,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconArrowLeft, IconTicket } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  createApiKeySchema,
  ROLES,
  scopesForRoles,
  updateUserSchema,
  type ApiKey,
  type ApiKeyCreated,
  type ApiKeySecret,
  type PersonalAccessToken,
  type Role,
  type Scope,
  type User,
} from '@latchkey/contracts';
import { ApiKeysTable } from '../../components/api-keys-table';
import { confirmDestructive } from '../../components/confirm';
import { usePhone } from '../../components/data-table';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { ScopePicker } from '../../components/scope-picker';
import { SecretReveal } from '../../components/secret-reveal';
import { SessionsTable } from '../../components/sessions-table';
import { TableSkeleton } from '../../components/table-skeleton';
import { useAction } from '../../hooks/use-action';
import { useApi, useCurrentUser } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';
import { useRevokeUserSession, useUserSessions } from '../../resources/sessions/queries';
import { userKeys, useUser } from '../../resources/users/queries';
import { TokensTable } from '../PersonalAccessTokens';
import { UserPasskeysCard } from './passkeys-card';
import { ResetPasswordAction } from './reset-password';

const accountFormSchema = updateUserSchema.required().omit({ disabled: true });

interface AccountValues extends Record<string, unknown> {
  displayName: string;
  email: string;
  roles: Role[];
}

function AccountTab({ user }: { user: User }) {
  const api = useApi();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const self = me.id === user.id;
  const form = useZodForm<AccountValues>(accountFormSchema, {
    initialValues: { displayName: user.displayName, email: user.email, roles: user.roles },
  });
  const userQueries = [userKeys.all];
  const save = useAction({
    run: (values: AccountValues) => api.users.update(user.id, values),
    success: 'User saved',
    invalidates: userQueries,
    toastErrors: false,
    onSuccess: (saved) =>
      form.resetDirty({ displayName: saved.displayName, email: saved.email, roles: saved.roles }),
  });
  const setDisabled = useAction({
    run: (disabled: boolean) => api.users.update(user.id, { disabled }),
    success: (saved) =>
      saved.disabled
        ? `${saved.login} is disabled: every credential stopped working`
        : `${saved.login} is enabled again`,
    invalidates: userQueries,
  });
  const resetMfa = useAction({
    run: () => api.users.resetMfa(user.id),
    success: 'Two-factor authentication reset',
    invalidates: userQueries,
  });
  const remove = useAction({
    run: () => api.users.remove(user.id),
    success: `User ${user.login} deleted`,
    invalidates: [['users']],
    onSuccess: () => void navigate('/admin/users'),
  });

  return (
    <Stack>
      <Card withBorder padding="lg">
        <Title order={3} size="h4" mb="md">
          Account
        </Title>
        <form noValidate onSubmit={form.submitTo(save)}>
          <Stack>
            <ProblemAlert error={save.error} />
            <TextInput label="Name" {...form.getInputProps('displayName')} />
            <TextInput label="Email" type="email" {...form.getInputProps('email')} />
            <Checkbox.Group
              label="Roles"
              description={self ? 'You cannot remove your own admin role.' : undefined}
              {...form.getInputProps('roles')}
            >
              <Group mt={6}>
                {ROLES.map((role) => (
                  <Checkbox
                    key={role}
                    value={role}
                    label={role}
                    disabled={self && role === 'admin'}
                  />
                ))}
              </Group>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
                Save changes
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <Card withBorder padding="lg">
        <Title order={3} size="h4" mb="md">
          Access
        </Title>
        <Stack gap="md">
          <Group justify="space-between" wrap="wrap">
            <div>
              <Text size="sm" fw={500}>
                {user.disabled ? 'Disabled' : 'Active'}
              </Text>
              <Text size="xs" c="dimmed">
                Disabling stops every password, session, token and key of this user at once.
              </Text>
            </div>
            {user.disabled ? (
              <Button
                variant="light"
                loading={setDisabled.isPending}
                onClick={() => setDisabled.mutate(false)}
              >
                Enable user
              </Button>
            ) : (
              <Button
                color="red"
                variant="light"
                disabled={self}
                loading={setDisabled.isPending}
                onClick={() =>
                  confirmDestructive({
                    title: `Disable ${user.login}?`,
                    message: 'Every credential of this user stops working at once.',
                    confirmLabel: 'Disable user',
                    onConfirm: () => setDisabled.mutate(true),
                  })
                }
              >
                Disable user
              </Button>
            )}
          </Group>
          <ResetPasswordAction user={user} self={self} />
          <Group justify="space-between" wrap="wrap">
            <div>
              <Text size="sm" fw={500}>
                Two-factor authentication: {user.mfaEnabled ? 'on' : 'off'}
              </Text>
              <Text size="xs" c="dimmed">
                Reset it when the user lost their authenticator and their recovery codes.
              </Text>
            </div>
            <Button
              variant="light"
              color="orange"
              disabled={!user.mfaEnabled}
              loading={resetMfa.isPending}
              onClick={() =>
                confirmDestructive({
                  title: `Reset two-factor authentication of ${user.login}?`,
                  message:
                    'Their authenticator and recovery codes stop working; their password alone signs them in until they enrol again.',
                  confirmLabel: 'Reset MFA',
                  onConfirm: () => resetMfa.mutate(),
                })
              }
            >
              Reset MFA
            </Button>
          </Group>
          <Group justify="space-between" wrap="wrap">
            <div>
              <Text size="sm" fw={500}>
                Delete user
              </Text>
              <Text size="xs" c="dimmed">
                Removes the account and all of its credentials for good.
              </Text>
            </div>
            <Button
              color="red"
              variant="subtle"
              disabled={self}
              loading={remove.isPending}
              onClick={() =>
                confirmDestructive({
                  title: `Delete ${user.login}?`,
                  message:
                    'The account and all of its credentials are removed. This cannot be undone.',
                  confirmLabel: 'Delete user',
                  onConfirm: () => remove.mutate(),
                })
              }
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Card>
      <UserPasskeysCard user={user} />
    </Stack>
  );
}

function SessionsTab({ user }: { user: User }) {
  const sessions = useUserSessions(user.id);
  const revoke = useRevokeUserSession(user.id, { success: 'Session revoked' });
  return (
    <Card withBorder padding="md">
      <ProblemAlert error={sessions.error} />
      <SessionsTable
        sessions={sessions.data?.items}
        onRevoke={(session) => revoke.mutate(session)}
        revokingId={revoke.isPending ? revoke.variables?.id : undefined}
      />
    </Card>
  );
}

function TokensTab({ user }: { user: User }) {
  const api = useApi();
  const tokens = useQuery({
    queryKey: ['user', user.id, 'tokens'],
    queryFn: () => api.users.listPersonalAccessTokens(user.id),
  });
  const revoke = useAction({
    run: (token: PersonalAccessToken) => api.users.revokePersonalAccessToken(user.id, token.id),
    success: (_result, token) => `Token “${token.name}” revoked`,
    invalidates: [['user', user.id, 'tokens']],
  });
  return (
    <Card withBorder padding="md">
      <ProblemAlert error={tokens.error} />
      {!tokens.data ? (
        !tokens.error && <TableSkeleton />
      ) : tokens.data.items.length === 0 ? (
        <EmptyState icon={<IconTicket size={24} />} title="No personal access tokens">
          {user.login} has not created any.
        </EmptyState>
      ) : (
        <TokensTable
          tokens={tokens.data.items}
          onRevoke={(token) => revoke.mutate(token)}
          revokingId={revoke.isPending ? revoke.variables?.id : undefined}
        />
      )}
    </Card>
  );
}

interface ApiKeyValues extends Record<string, unknown> {
  name: string;
  scopes: Scope[];
}

function CreateApiKeyForm({
  user,
  onCreated,
}: {
  user: User;
  onCreated: (key: ApiKeyCreated) => void;
}) {
  const api = useApi();
  const allowed = scopesForRoles(user.roles);
  const form = useZodForm<ApiKeyValues>(createApiKeySchema, {
    initialValues: { name: '', scopes: [] },
  });
  const create = useAction({
    run: (values: ApiKeyValues) => api.apiKeys.create(user.id, values),
    success: (key) => `API key “${key.name}” created`,
    invalidates: [['user', user.id, 'api-keys']],
    toastErrors: false,
    onSuccess: onCreated,
  });
  return (
    <form noValidate onSubmit={form.submitTo(create)}>
      <Stack>
        <ProblemAlert error={create.error} />
        <TextInput
          label="Name"
          description="Which machine or service uses it, e.g. “billing worker”"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <ScopePicker
          value={form.values.scopes}
          onChange={(scopes) => form.setFieldValue('scopes', scopes)}
          allowed={allowed}
          holder={user.login}
          error={form.errors.scopes as string | undefined}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Generate API key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ApiKeysTab({ user }: { user: User }) {
  const api = useApi();
  const phone = usePhone();
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<(ApiKeySecret & { title: string }) | null>(null);
  const queryKey = ['user', user.id, 'api-keys'];
  const keys = useQuery({ queryKey, queryFn: () => api.apiKeys.list(user.id) });
  const rotate = useAction({
    run: (key: ApiKey) => api.apiKeys.rotateSecret(key.id),
    success: 'Secret rotated: the old secret no longer works',
    invalidates: [queryKey],
    onSuccess: (secret, key) => setRevealed({ ...secret, title: `New secret for “${key.name}”` }),
  });
  const revoke = useAction({
    run: (key: ApiKey) => api.apiKeys.revoke(key.id),
    success: (_result, key) => `API key “${key.name}” revoked`,
    invalidates: [queryKey],
    onSuccess: (_result, key) => {
      if (revealed?.apiKey === key.apiKey) setRevealed(null);
    },
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" style={{ flex: '1 1 240px' }}>
          Machines send <code>Authorization: token KEY:SECRET</code> or exchange the pair for a
          short-lived token.
        </Text>
        <Button onClick={() => setCreating(true)}>Generate API key</Button>
      </Group>
      {revealed && (
        <Card withBorder padding="md">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>{revealed.title}</Text>
            <Button size="xs" variant="subtle" onClick={() => setRevealed(null)}>
              Done
            </Button>
          </Group>
          <Stack>
            <Text size="sm" style={{ wordBreak: 'break-all' }}>
              API key:{' '}
              <Text span ff="monospace">
                {revealed.apiKey}
              </Text>
            </Text>
            <SecretReveal label="API secret" value={revealed.apiSecret} />
          </Stack>
        </Card>
      )}
      <ProblemAlert error={keys.error} />
      <Card withBorder padding="md">
        <ApiKeysTable
          keys={keys.data?.items}
          onRotate={(key) => rotate.mutate(key)}
          onRevoke={(key) => revoke.mutate(key)}
          busyId={rotate.isPending ? rotate.variables?.id : undefined}
          emptyText={`${user.login} has no API keys. Generate one for each machine that acts for them.`}
        />
      </Card>
      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        title={`New API key for ${user.login}`}
        size="lg"
        fullScreen={phone}
      >
        <CreateApiKeyForm
          user={user}
          onCreated={(key) => {
            setCreating(false);
            setRevealed({
              apiKey: key.apiKey,
              apiSecret: key.apiSecret,
              title: `API key “${key.name}”`,
            });
          }}
        />
      </Modal>
    </Stack>
  );
}

export function UserDetailPage() {
  const { userId = '' } = useParams();
  const user = useUser(userId);
  return (
    <>
      <Anchor component={Link} to="/admin/users" size="sm" mb="xs" display="inline-flex">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Users
        </Group>
      </Anchor>
      <ProblemAlert error={user.error} />
      {!user.data ? (
        !user.error && <Skeleton height={200} />
      ) : (
        <>
          <PageHeader
            title={user.data.login}
            description={
              <>
                {user.data.displayName} · {user.data.email} · created{' '}
                <DateText value={user.data.createdAt} /> · last sign-in{' '}
                <DateText value={user.data.lastLoginAt} />
              </>
            }
            action={
              <Group gap={6}>
                {user.data.roles.map((role) => (
                  <Badge key={role} variant="light">
                    {role}
                  </Badge>
                ))}
                {user.data.disabled && <Badge color="red">Disabled</Badge>}
              </Group>
            }
          />
          <Tabs defaultValue="account" keepMounted={false}>
            <Tabs.List mb="md">
              <Tabs.Tab value="account">Account</Tabs.Tab>
              <Tabs.Tab value="sessions">Sessions</Tabs.Tab>
              <Tabs.Tab value="tokens">Tokens</Tabs.Tab>
              <Tabs.Tab value="api-keys">API keys</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="account">
              <AccountTab key={user.data.updatedAt} user={user.data} />
            </Tabs.Panel>
            <Tabs.Panel value="sessions">
              <SessionsTab user={user.data} />
            </Tabs.Panel>
            <Tabs.Panel value="tokens">
              <TokensTab user={user.data} />
            </Tabs.Panel>
            <Tabs.Panel value="api-keys">
              <ApiKeysTab user={user.data} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </>
  );
}
