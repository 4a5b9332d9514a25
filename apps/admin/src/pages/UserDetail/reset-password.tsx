import { Button, Checkbox, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { passwordSchema, resetPasswordSchema, type User } from '@latchkey/contracts';
import { z } from 'zod';
import { usePhone } from '../../components/data-table';
import { ProblemAlert } from '../../components/problem-alert';
import { useZodForm } from '../../hooks/use-zod-form';
import { useResetPassword } from '../../resources/users/queries';

const resetFormSchema = resetPasswordSchema.extend({
  newPassword: passwordSchema(),
  mustChange: z.boolean(),
  revokeCredentials: z.boolean(),
});

interface ResetValues extends Record<string, unknown> {
  newPassword: string;
  mustChange: boolean;
  revokeCredentials: boolean;
}

function ResetPasswordForm({ user, onDone }: { user: User; onDone: () => void }) {
  const form = useZodForm<ResetValues>(resetFormSchema, {
    initialValues: { newPassword: '', mustChange: true, revokeCredentials: true },
  });
  const reset = useResetPassword(user.id, {
    success: (_result, input) =>
      input.mustChange
        ? `Password of ${user.login} set: they must choose their own at next sign-in`
        : `Password of ${user.login} set`,
    toastErrors: false,
    onSuccess: onDone,
  });
  return (
    <form noValidate onSubmit={form.submitTo(reset)}>
      <Stack>
        <Text size="sm" c="dimmed">
          Every session of {user.login} ends at once, and their tokens and API keys too unless you
          untick that below.
        </Text>
        <ProblemAlert error={reset.error} />
        <PasswordInput
          label="New password"
          description="At least 12 characters. Tell the user through a channel you trust."
          autoComplete="new-password"
          required
          data-autofocus
          {...form.getInputProps('newPassword')}
        />
        <Checkbox
          label="Must change at next sign-in"
          description="Their next sign-in can do nothing but choose a new password."
          {...form.getInputProps('mustChange', { type: 'checkbox' })}
        />
        <Checkbox
          label="Also stop their tokens and API keys"
          description="Personal access tokens, the account API token, API keys and opaque tokens stop working."
          {...form.getInputProps('revokeCredentials', { type: 'checkbox' })}
        />
        <Group justify="flex-end">
          <Button type="submit" color="orange" loading={reset.isPending}>
            Set password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The "Password" row of a user's Access card: an admin sets a (temporary) password. */
export function ResetPasswordAction({ user, self }: { user: User; self: boolean }) {
  const phone = usePhone();
  const [opened, setOpened] = useState(false);
  return (
    <Group justify="space-between" wrap="wrap">
      <div>
        <Text size="sm" fw={500}>
          Password{user.passwordChangeRequired ? ': must be changed at next sign-in' : ''}
        </Text>
        <Text size="xs" c="dimmed">
          {self
            ? 'Change your own password on your profile.'
            : 'Set a new password when the user lost theirs; their sessions end.'}
        </Text>
      </div>
      <Button variant="light" color="orange" disabled={self} onClick={() => setOpened(true)}>
        Reset password
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={`Reset the password of ${user.login}`}
        fullScreen={phone}
      >
        <ResetPasswordForm user={user} onDone={() => setOpened(false)} />
      </Modal>
    </Group>
  );
}
