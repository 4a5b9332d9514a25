import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import {
  mfaCodeSchema,
  passwordLoginSchema,
  type AccessTokenResponse,
  type MfaChallenge,
} from '@latchkey/contracts';
import { z } from 'zod';
import { Logo } from '../../components/logo';
import { ProblemAlert } from '../../components/problem-alert';
import { useApi, useCoordinator, useSessionState } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';

const NOTES = {
  expired: 'Your session has ended: it expired or was revoked. Sign in again to continue.',
  logout: 'You have logged out.',
  refused: 'The server refused to continue your session.',
} as const;

/** Only same-app paths, so ?next= cannot send anyone elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/tokens';
}

function PasswordStep({
  onDone,
}: {
  onDone: (result: AccessTokenResponse | MfaChallenge) => void;
}) {
  const api = useApi();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(passwordLoginSchema, {
    initialValues: { login: '', password: '' },
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      onDone(await api.auth.login(values));
    } catch (caught) {
      setError(caught);
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <ProblemAlert error={error} title="Sign-in failed" />
        <TextInput
          label="Login"
          autoComplete="username"
          autoFocus
          required
          {...form.getInputProps('login')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={form.submitting} fullWidth>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

const mfaFormSchema = z.object({ code: mfaCodeSchema });

function MfaStep({
  challenge,
  onDone,
  onCancel,
}: {
  challenge: MfaChallenge;
  onDone: (result: AccessTokenResponse) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(mfaFormSchema, { initialValues: { code: '' } });
  const submit = form.onSubmit(async ({ code }) => {
    setError(null);
    try {
      onDone(await api.auth.loginMfa({ mfa_token: challenge.mfa_token, code: code.trim() }));
    } catch (caught) {
      setError(caught);
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Enter the 6-digit code from your authenticator app, or one of your recovery codes.
        </Text>
        <ProblemAlert error={error} title="That code did not work" />
        <TextInput
          label="Authentication code"
          autoComplete="one-time-code"
          inputMode="text"
          autoFocus
          required
          {...form.getInputProps('code')}
        />
        <Button type="submit" loading={form.submitting} fullWidth>
          Verify
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onCancel}>
          Use another account
        </Anchor>
      </Stack>
    </form>
  );
}

export function LoginPage() {
  const state = useSessionState();
  const coordinator = useCoordinator();
  const queryClient = useQueryClient();
  const [searchParams] = useSearchParams();
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const next = safeNext(searchParams.get('next'));

  if (state.status === 'signed-in') return <Navigate to={next} replace />;

  const signIn = (response: AccessTokenResponse) => {
    queryClient.clear();
    coordinator.signIn(response);
  };
  // A refused refresh (403) shows the server's own reason, e.g. a PUBLIC_URL mismatch.
  const note =
    state.status === 'signed-out' && state.reason !== 'none'
      ? (state.detail ?? NOTES[state.reason])
      : null;

  return (
    <Center mih="100dvh" p="md">
      <Stack w="100%" maw={400} gap="lg">
        <Center>
          <Logo />
        </Center>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            <Title order={2} size="h3">
              {challenge ? 'Two-factor authentication' : 'Sign in'}
            </Title>
            {note && !challenge && (
              <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} role="status">
                {note}
              </Alert>
            )}
            {challenge ? (
              <MfaStep challenge={challenge} onDone={signIn} onCancel={() => setChallenge(null)} />
            ) : (
              <PasswordStep
                onDone={(result) =>
                  'mfa_required' in result ? setChallenge(result) : signIn(result)
                }
              />
            )}
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
