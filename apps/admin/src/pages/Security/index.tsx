import {
  Badge,
  Button,
  Card,
  Code,
  Group,
  PasswordInput,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { totpDisableSchema, totpEnableSchema, type TotpSetup } from '@latchkey/contracts';
import { confirmDestructive } from '../../components/confirm';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { QrCode } from '../../components/qr-code';
import { RecoveryCodes } from '../../components/recovery-codes';
import { useAction } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';
import { PasskeysCard } from './passkeys-card';

function EnrolTotp({
  setup,
  onEnabled,
}: {
  setup: TotpSetup;
  onEnabled: (codes: string[]) => void;
}) {
  const api = useApi();
  const form = useZodForm(totpEnableSchema, { initialValues: { code: '' } });
  const enable = useAction({
    run: (code: string) => api.mfa.enableTotp(code),
    success: 'Two-factor authentication is on',
    invalidates: [['me']],
    toastErrors: false,
    onSuccess: (result) => onEnabled(result.recoveryCodes),
  });
  return (
    <Stack>
      <Text size="sm">
        1. Scan this code with an authenticator app (1Password, Aegis, Google Authenticator…).
      </Text>
      <Group align="flex-start" gap="lg">
        <QrCode value={setup.otpauthUri} label="QR code for your authenticator app" />
        <Stack gap={4} style={{ flex: '1 1 220px' }}>
          <Text size="sm" c="dimmed">
            Cannot scan? Enter this key by hand:
          </Text>
          <Code block data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
            {setup.secret}
          </Code>
        </Stack>
      </Group>
      <form noValidate onSubmit={form.submitTo(enable, ({ code }) => code.trim())}>
        <Stack>
          <Text size="sm">2. Enter the 6-digit code the app shows.</Text>
          <ProblemAlert error={enable.error} />
          <Group align="flex-end">
            <TextInput
              label="Code from the app"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={6}
              w={180}
              {...form.getInputProps('code')}
            />
            <Button type="submit" loading={enable.isPending}>
              Turn on
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function DisableTotp() {
  const api = useApi();
  const form = useZodForm(totpDisableSchema, { initialValues: { password: '' } });
  const disable = useAction({
    run: (password: string) => api.mfa.disableTotp(password),
    success: 'Two-factor authentication is off',
    invalidates: [['me']],
    toastErrors: false,
    onSuccess: () => form.reset(),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit(({ password }) =>
        confirmDestructive({
          title: 'Turn off two-factor authentication?',
          message:
            'Your password alone will then sign you in, and your recovery codes stop working.',
          confirmLabel: 'Turn off',
          onConfirm: () => disable.mutate(password),
        }),
      )}
    >
      <Stack>
        <ProblemAlert error={disable.error} />
        <Group align="flex-end">
          <PasswordInput
            label="Your password"
            autoComplete="current-password"
            w={260}
            {...form.getInputProps('password')}
          />
          <Button type="submit" color="red" variant="light" loading={disable.isPending}>
            Turn off
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SecurityPage() {
  const api = useApi();
  const me = useQuery({ queryKey: ['me'], queryFn: () => api.me.get() });
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const start = useAction({ run: () => api.mfa.setupTotp(), onSuccess: setSetup });

  const enabled = me.data?.mfaEnabled ?? false;
  return (
    <>
      <PageHeader
        title="Security"
        description="Passkeys sign you in without a password; two-factor authentication asks for a passkey or a code from your phone after it."
      />
      <ProblemAlert error={me.error} />
      <Stack>
        <PasskeysCard />
        <Card withBorder padding="lg">
          <Group justify="space-between" mb="md">
            <Title order={3} size="h4">
              Authenticator app (TOTP)
            </Title>
            {me.data && (
              <Badge color={enabled ? 'teal' : 'gray'} variant="light" size="lg">
                {enabled ? 'On' : 'Off'}
              </Badge>
            )}
          </Group>
          {!me.data ? (
            <Skeleton height={80} />
          ) : recoveryCodes ? (
            <RecoveryCodes
              codes={recoveryCodes}
              onDone={() => {
                setRecoveryCodes(null);
                setSetup(null);
              }}
            />
          ) : enabled ? (
            <Stack>
              <Group gap="xs">
                <IconShieldCheck size={20} color="var(--mantine-color-teal-6)" />
                <Text size="sm">Sign-ins ask for a code from your authenticator app.</Text>
              </Group>
              <DisableTotp />
            </Stack>
          ) : setup ? (
            <EnrolTotp
              setup={setup}
              onEnabled={(codes) => {
                setRecoveryCodes(codes);
                setSetup(null);
              }}
            />
          ) : (
            <Stack align="flex-start">
              <Text size="sm" c="dimmed">
                Protect your account even if your password leaks.
              </Text>
              <ProblemAlert error={start.error} />
              <Button onClick={() => start.mutate()} loading={start.isPending}>
                Set up authenticator app
              </Button>
            </Stack>
          )}
        </Card>
      </Stack>
    </>
  );
}
