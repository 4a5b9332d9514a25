import {
  Alert,
  Anchor,
  Button,
  Divider,
  PasswordInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconInfoCircle, IconKey } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import {
  mfaCodeSchema,
  passwordLoginSchema,
  type AccessTokenResponse,
  type MfaChallenge,
} from '@latchkey/contracts';
import { z } from 'zod';
import {
  cancelPasskeyRequest,
  PasskeyError,
  signWithPasskey,
  supportsPasskeyAutofill,
} from '../../components/passkey-ceremony';
import { ProblemAlert } from '../../components/problem-alert';
import { StandalonePage } from '../../components/standalone-page';
import { useApi, useCoordinator, useSessionState } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';

const NOTES = {
  expired: 'Your session has ended: it expired or was revoked. Sign in again to continue.',
  logout: 'You have logged out.',
  refused: 'The server refused to continue your session.',
} as const;

/** Only same-app paths, so ?next= cannot send anyone elsewhere; else home (by role). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function PasswordStep({
  onDone,
}: {
  onDone: (result: AccessTokenResponse | MfaChallenge) => void;
}) {
  const api = useApi();
  const [error, setError] = useState<unknown>(null);
  const [passkeyBusy, setPasskeyBusy] = useState(false);
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

  // Browser autofill (conditional mediation): the login field offers this site's passkeys, and
  // picking one signs in without a password. It waits in the background until then.
  useEffect(() => {
    let active = true;
    void (async () => {
      if (!(await supportsPasskeyAutofill())) return;
      try {
        const options = await api.auth.passkeyOptions();
        if (!active) return;
        const response = await signWithPasskey(options, true);
        onDone(await api.auth.loginPasskey(response));
      } catch (caught) {
        if (active && !(caught instanceof PasskeyError && caught.cancelled)) setError(caught);
      }
    })();
    return () => {
      active = false;
      cancelPasskeyRequest();
    };
    // Once per visit of the page: onDone is a new function on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  const signInWithPasskey = async () => {
    setError(null);
    setPasskeyBusy(true);
    try {
      const login = form.values.login.trim();
      const options = await api.auth.passkeyOptions(login || undefined);
      onDone(await api.auth.loginPasskey(await signWithPasskey(options)));
    } catch (caught) {
      setError(caught);
    } finally {
      setPasskeyBusy(false);
    }
  };

  return (
    <Stack>
      <form onSubmit={submit} noValidate>
        <Stack>
          <ProblemAlert error={error} title="Sign-in failed" />
          <TextInput
            label="Login"
            autoComplete="username webauthn"
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
      <Divider label="or" labelPosition="center" />
      <Button
        variant="default"
        leftSection={<IconKey size={18} />}
        loading={passkeyBusy}
        onClick={() => void signInWithPasskey()}
        fullWidth
      >
        Sign in with a passkey
      </Button>
    </Stack>
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
  const [failure, setFailure] = useState<{ error: unknown; title: string } | null>(null);
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  const form = useZodForm(mfaFormSchema, { initialValues: { code: '' } });
  const hasPasskey = challenge.methods.includes('passkey');
  const hasCode = challenge.methods.some((method) => method !== 'passkey');
  const submit = form.onSubmit(async ({ code }) => {
    setFailure(null);
    try {
      onDone(await api.auth.loginMfa({ mfa_token: challenge.mfa_token, code: code.trim() }));
    } catch (caught) {
      setFailure({ error: caught, title: 'That code did not work' });
    }
  });
  const confirmWithPasskey = async () => {
    setFailure(null);
    setPasskeyBusy(true);
    try {
      const options = await api.auth.mfaPasskeyOptions(challenge.mfa_token);
      const passkey = await signWithPasskey(options);
      onDone(await api.auth.loginMfa({ mfa_token: challenge.mfa_token, passkey }));
    } catch (caught) {
      setFailure({ error: caught, title: 'The passkey did not work' });
    } finally {
      setPasskeyBusy(false);
    }
  };
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {hasPasskey && hasCode
          ? 'Confirm it is you with one of your passkeys, or enter the 6-digit code from your authenticator app or a recovery code.'
          : hasPasskey
            ? 'Confirm it is you with one of your passkeys.'
            : 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.'}
      </Text>
      <ProblemAlert error={failure?.error} title={failure?.title} />
      {hasPasskey && (
        <Button
          leftSection={<IconKey size={18} />}
          variant={hasCode ? 'default' : 'filled'}
          loading={passkeyBusy}
          onClick={() => void confirmWithPasskey()}
          fullWidth
        >
          Use a passkey
        </Button>
      )}
      {hasCode && (
        <form onSubmit={submit} noValidate>
          <Stack>
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
          </Stack>
        </form>
      )}
      <Anchor component="button" type="button" size="sm" onClick={onCancel}>
        Use another account
      </Anchor>
    </Stack>
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
    <StandalonePage
      title={challenge ? 'Two-factor authentication' : 'Sign in'}
      width={400}
      footer={
        <Anchor component={Link} to="/report-leak" size="sm">
          Report a leaked credential
        </Anchor>
      }
    >
      {note && !challenge && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} role="status">
          {note}
        </Alert>
      )}
      {challenge ? (
        <MfaStep challenge={challenge} onDone={signIn} onCancel={() => setChallenge(null)} />
      ) : (
        <PasswordStep
          onDone={(result) => ('mfa_required' in result ? setChallenge(result) : signIn(result))}
        />
      )}
    </StandalonePage>
  );
}
