import { Alert, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { IconKey, IconLock } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '@latchkey/api-client';
import type { ReauthMethod } from '@latchkey/contracts';
import { useApi } from '../hooks/use-auth';
import { signWithPasskey } from './passkey-ceremony';
import { problemMessage } from './problem-alert';

/** How to run again the action that asked for a fresh proof, per failed call. */
const retries = new WeakMap<ApiError, () => void>();

/** Whether the API asked the person to prove it is them again before this action. */
export function isReauthenticationRequired(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'reauthentication_required';
}

/** Remembers how to retry the action that failed with `error` once the person has proved it. */
export function offerStepUp(error: ApiError, retry: () => void): void {
  retries.set(error, retry);
}

/** The retry offered for this failed call, if any. */
export function stepUpRetry(error: ApiError): (() => void) | undefined {
  return retries.get(error);
}

/**
 * The step-up prompt, shown inside the dialog or form of the action the API refused with
 * reauthentication_required: the password (or a passkey, when the account has one), then the
 * action runs again by itself.
 */
export function ReauthPrompt({ error, onProved }: { error: ApiError; onProved: () => void }) {
  const api = useApi();
  const [password, setPassword] = useState('');
  const methods = (error.problem.methods ?? ['password']) as ReauthMethod[];
  const prove = useMutation({
    mutationFn: async (method: 'password' | 'passkey') => {
      if (method === 'password') return api.auth.reauthenticate({ password });
      const options = await api.auth.reauthenticatePasskeyOptions();
      return api.auth.reauthenticate({ passkey: await signWithPasskey(options) });
    },
    onSuccess: () => {
      setPassword('');
      onProved();
    },
  });
  const confirmPassword = () => {
    if (password) prove.mutate('password');
  };
  return (
    <Alert
      color="yellow"
      variant="light"
      icon={<IconLock size={18} />}
      title="Confirm it is you"
      role="group"
      aria-label="Confirm it is you"
    >
      {/* No form of its own: it often sits inside the action's form, and forms do not nest. */}
      <Stack gap="xs">
        <Text size="sm">
          This changes how your account is protected. Enter your password again to go on.
        </Text>
        <Group align="flex-end">
          <PasswordInput
            label="Your password"
            autoComplete="current-password"
            data-autofocus
            w={260}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key !== 'Enter') return;
              // Enter confirms here rather than submitting the action's form around it.
              event.preventDefault();
              confirmPassword();
            }}
            error={prove.error ? problemMessage(prove.error) : undefined}
          />
          <Button
            type="button"
            loading={prove.isPending && prove.variables === 'password'}
            onClick={confirmPassword}
          >
            Confirm
          </Button>
          {methods.includes('passkey') && (
            <Button
              type="button"
              variant="default"
              leftSection={<IconKey size={18} />}
              loading={prove.isPending && prove.variables === 'passkey'}
              onClick={() => prove.mutate('passkey')}
            >
              Use a passkey
            </Button>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
