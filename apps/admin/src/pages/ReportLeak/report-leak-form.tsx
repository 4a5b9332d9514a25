import { Alert, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { revokeCredentialsSchema } from '@latchkey/contracts';
import { zodErrors } from '../../hooks/use-zod-form';
import { ProblemAlert } from '../../components/problem-alert';

/** One credential per line (or separated by spaces): none contains white space. Duplicates go. */
export function parseCredentials(text: string): string[] {
  return [...new Set(text.split(/\s+/).filter(Boolean))];
}

type Status =
  { kind: 'editing' } | { kind: 'sending' } | { kind: 'sent' } | { kind: 'failed'; error: unknown };

/**
 * Anyone who finds a leaked Latchkey credential pastes it here and it stops at once. The API
 * answers the same whatever was sent, and so does this form: it cannot be used to test tokens.
 */
export function ReportLeakForm({ report }: { report: (credentials: string[]) => Promise<void> }) {
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'editing' });

  const submit = async () => {
    const input = { credentials: parseCredentials(text) };
    const errors = zodErrors(revokeCredentialsSchema, input);
    const message = Object.values(errors)[0];
    setInvalid(message ?? null);
    if (message) return;
    setStatus({ kind: 'sending' });
    try {
      await report(input.credentials);
      setText('');
      setStatus({ kind: 'sent' });
    } catch (error) {
      setStatus({ kind: 'failed', error });
    }
  };

  return (
    <Stack>
      <Text size="sm">
        Found a Latchkey token, API secret or other credential where it does not belong (a public
        repository, a log, a chat)? Paste it here: it stops working at once, and its owner sees it
        as “revoked: leaked”.
      </Text>
      <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />}>
        The answer is always the same: it never tells whether anything was found or revoked. You do
        not need to sign in.
      </Alert>
      {status.kind === 'sent' && (
        <Alert
          color="teal"
          variant="light"
          icon={<IconCircleCheck size={18} />}
          title="Report received"
          role="status"
        >
          Any live Latchkey credential you sent has stopped working. This answer is the same whether
          or not anything was found.
        </Alert>
      )}
      <ProblemAlert error={status.kind === 'failed' ? status.error : null} />
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <Textarea
            label="Leaked credentials"
            description="One per line, at most 1000. An API key as key:secret, or its secret alone."
            rows={6}
            autoComplete="off"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            value={text}
            error={invalid}
            onChange={(event) => {
              setText(event.currentTarget.value);
              if (status.kind === 'sent') setStatus({ kind: 'editing' });
            }}
          />
          <Group justify="flex-end">
            <Button type="submit" color="red" loading={status.kind === 'sending'}>
              Revoke
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
