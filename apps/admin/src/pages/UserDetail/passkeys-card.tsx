import { Card, Stack, Text, Title } from '@mantine/core';
import type { Passkey, User } from '@latchkey/contracts';
import { confirmDestructive } from '../../components/confirm';
import { PasskeyList } from '../../components/passkey-list';
import { ProblemAlert } from '../../components/problem-alert';
import { useAction } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';
import { passkeyKeys, useUserPasskeys } from '../../hooks/use-passkeys';

/** An admin's view of a user's passkeys: remove the one of a lost or stolen device. */
export function UserPasskeysCard({ user }: { user: User }) {
  const api = useApi();
  const passkeys = useUserPasskeys(user.id);
  const remove = useAction({
    run: (passkey: Passkey) => api.users.removePasskey(user.id, passkey.id),
    success: (_result, passkey) => `Passkey “${passkey.name}” of ${user.login} removed`,
    invalidates: [passkeyKeys.ofUser(user.id)],
  });
  return (
    <Card withBorder padding="lg">
      <Title order={3} size="h4" mb="xs">
        Passkeys
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        Remove a passkey when its device is lost or stolen: it stops signing {user.login} in at
        once.
      </Text>
      <Stack>
        <ProblemAlert error={passkeys.error} />
        <PasskeyList
          passkeys={passkeys.data?.items}
          emptyText={`${user.login} has no passkeys.`}
          onRemove={(passkey) =>
            confirmDestructive({
              title: `Remove passkey “${passkey.name}” of ${user.login}?`,
              message: 'It stops signing them in at once.',
              confirmLabel: 'Remove passkey',
              onConfirm: () => remove.mutate(passkey),
            })
          }
          busyId={remove.isPending ? remove.variables?.id : undefined}
        />
      </Stack>
    </Card>
  );
}
