import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Skeleton,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { ROLES, updateUserSchema, type Role, type User } from '@latchkey/contracts';
import { confirmDestructive } from '../../components/confirm';
import { DateText } from '../../components/date-text';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { SessionsTable } from '../../components/sessions-table';
import { useAction } from '../../hooks/use-action';
import { useApi, useCurrentUser } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';
import { useRevokeUserSession, useUserSessions } from '../../resources/sessions/queries';
import { userKeys, useUser } from '../../resources/users/queries';
import { ApiKeysPanel } from '../ApiKeys/api-keys-panel';
import { TokensPanel } from '../PersonalAccessTokens/tokens-panel';
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

export function UserDetailPage() {
  const { userId = '' } = useParams();
  const user = useUser(userId);
  const me = useCurrentUser();
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
              <TokensPanel
                userId={user.data.id}
                canCreate={user.data.id === me.id}
                emptyText={`${user.data.login} has not created any.`}
              />
            </Tabs.Panel>
            <Tabs.Panel value="api-keys">
              <ApiKeysPanel
                user={user.data}
                manage
                emptyText={`${user.data.login} has no API keys. Generate one for each machine that acts for them.`}
              />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </>
  );
}
