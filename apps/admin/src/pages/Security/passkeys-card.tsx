import { Button, Card, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { z } from 'zod';
import { passkeyNameSchema, type Passkey } from '@latchkey/contracts';
import { confirmDestructive } from '../../components/confirm';
import { createPasskey } from '../../components/passkey-ceremony';
import { PasskeyList } from '../../components/passkey-list';
import { ProblemAlert } from '../../components/problem-alert';
import { useAction } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';
import { passkeyKeys, useMyPasskeys } from '../../hooks/use-passkeys';
import { useZodForm } from '../../hooks/use-zod-form';

const nameFormSchema = z.object({ name: passkeyNameSchema });

function AddPasskey() {
  const api = useApi();
  const form = useZodForm(nameFormSchema, { initialValues: { name: '' } });
  const add = useAction({
    run: async (name: string) => {
      const options = await api.passkeys.registrationOptions();
      const response = await createPasskey(options);
      return api.passkeys.register({ name, response });
    },
    success: (passkey) => `Passkey “${passkey.name}” added`,
    invalidates: [passkeyKeys.mine, ['me']],
    toastErrors: false,
    onSuccess: () => form.reset(),
  });
  return (
    <form noValidate onSubmit={form.submitTo(add, ({ name }) => name.trim())}>
      <Stack>
        <ProblemAlert error={add.error} title="No passkey was added" />
        <Group align="flex-end">
          <TextInput
            label="Passkey name"
            description="Which device or password manager holds it, e.g. “MacBook”"
            w={280}
            {...form.getInputProps('name')}
          />
          <Button type="submit" leftSection={<IconKey size={18} />} loading={add.isPending}>
            Add a passkey
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RenamePasskey({ passkey, onClose }: { passkey: Passkey; onClose: () => void }) {
  const api = useApi();
  const form = useZodForm(nameFormSchema, { initialValues: { name: passkey.name } });
  const rename = useAction({
    run: (name: string) => api.passkeys.rename(passkey.id, name),
    success: 'Passkey renamed',
    invalidates: [passkeyKeys.mine],
    toastErrors: false,
    onSuccess: onClose,
  });
  return (
    <form noValidate onSubmit={form.submitTo(rename, ({ name }) => name.trim())}>
      <Stack>
        <ProblemAlert error={rename.error} />
        <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={rename.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The caller's passkeys: sign-in without a password, and a second factor after one. */
export function PasskeysCard() {
  const api = useApi();
  const passkeys = useMyPasskeys();
  const [renaming, setRenaming] = useState<Passkey | null>(null);
  const remove = useAction({
    run: (passkey: Passkey) => api.passkeys.remove(passkey.id),
    success: (_result, passkey) => `Passkey “${passkey.name}” removed`,
    invalidates: [passkeyKeys.mine, ['me']],
  });
  return (
    <Card withBorder padding="lg">
      <Title order={3} size="h4" mb="xs">
        Passkeys
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Sign in with your fingerprint, face or device PIN instead of a password. After a password, a
        passkey also confirms it is you.
      </Text>
      <Stack>
        <ProblemAlert error={passkeys.error} />
        <ProblemAlert error={remove.error} title="The passkey was not removed" />
        <PasskeyList
          passkeys={passkeys.data?.items}
          emptyText="You have no passkeys yet."
          onRename={setRenaming}
          onRemove={(passkey) =>
            confirmDestructive({
              title: `Remove passkey “${passkey.name}”?`,
              message:
                'It will no longer sign you in. The device may still list it: delete it there too.',
              confirmLabel: 'Remove passkey',
              onConfirm: () => remove.mutate(passkey),
            })
          }
          busyId={remove.isPending ? remove.variables?.id : undefined}
        />
        <AddPasskey />
      </Stack>
      <Modal opened={renaming !== null} onClose={() => setRenaming(null)} title="Rename passkey">
        {renaming && <RenamePasskey passkey={renaming} onClose={() => setRenaming(null)} />}
      </Modal>
    </Card>
  );
}
