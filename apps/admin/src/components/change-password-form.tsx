import { Button, Checkbox, Group, PasswordInput, Stack } from '@mantine/core';
import { changePasswordSchema, passwordSchema } from '@latchkey/contracts';
import { z } from 'zod';
import { useAction } from '../hooks/use-action';
import { useApi } from '../hooks/use-auth';
import { useZodForm } from '../hooks/use-zod-form';
import { sessionKeys } from '../resources/sessions/queries';
import { ProblemAlert } from './problem-alert';

const passwordFormSchema = changePasswordSchema
  .extend({
    currentPassword: z.string().min(1, 'Enter your current password'),
    newPassword: passwordSchema(),
    confirmPassword: z.string(),
    revokeCredentials: z.boolean(),
  })
  .refine((values) => values.newPassword === values.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The two new passwords differ',
  });

/** POST /users/me/password with the current password; other sessions are signed out. */
export function ChangePasswordForm({
  currentLabel = 'Current password',
  onChanged,
}: {
  currentLabel?: string;
  onChanged?: () => void;
}) {
  const api = useApi();
  const form = useZodForm(passwordFormSchema, {
    initialValues: {
      currentPassword: '',
      newPassword: '',
      confirmPassword: '',
      revokeCredentials: true,
    },
  });
  const change = useAction({
    run: ({ currentPassword, newPassword, revokeCredentials }: typeof form.values) =>
      api.me.changePassword({ currentPassword, newPassword, revokeCredentials }),
    success: (_result, input) =>
      input.revokeCredentials
        ? 'Password changed. Your other sessions were signed out and your tokens and keys stopped.'
        : 'Password changed. Your other sessions were signed out.',
    invalidates: [sessionKeys.mine],
    toastErrors: false,
    onSuccess: () => {
      form.reset();
      onChanged?.();
    },
  });
  return (
    <form noValidate onSubmit={form.submitTo(change)}>
      <Stack>
        <ProblemAlert error={change.error} />
        <PasswordInput
          label={currentLabel}
          autoComplete="current-password"
          {...form.getInputProps('currentPassword')}
        />
        <PasswordInput
          label="New password"
          description="At least 12 characters. A long phrase is easiest to remember."
          autoComplete="new-password"
          {...form.getInputProps('newPassword')}
        />
        <PasswordInput
          label="Repeat the new password"
          autoComplete="new-password"
          {...form.getInputProps('confirmPassword')}
        />
        <Checkbox
          label="Also stop my tokens and API keys"
          description="Personal access tokens, the account API token, API keys and opaque tokens stop working: anything made with a stolen password or session ends too."
          {...form.getInputProps('revokeCredentials', { type: 'checkbox' })}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
