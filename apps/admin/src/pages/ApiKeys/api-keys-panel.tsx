import { ActionIcon, Button, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import type { ApiKey, User } from '@latchkey/contracts';
import { credentialColumns } from '../../components/credential-columns';
import { CredentialList } from '../../components/credential-list';
import type { ShownState } from '../../components/credential-state-tabs';
import { usePhone } from '../../components/data-table';
import { DateText, formatClock } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { describeOverlap } from '../../components/rotate-dialog';
import { ScopeBadges } from '../../components/scope-badges';
import { NewSecretCard, SecretReveal } from '../../components/secret-reveal';
import {
  useApiKeys,
  useRevokeApiKey,
  useRotateApiKeySecret,
  useUpdateApiKey,
} from '../../resources/api-keys/queries';
import { CreateApiKeyForm } from './create-api-key-form';

/** The public half of a key, to paste into a client's configuration beside its secret. */
function CopyableKey({ name, value }: { name: string; value: string }) {
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {value}
      </Text>
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy the key'} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              size="sm"
              onClick={copy}
              aria-label={copied ? `Key of ${name} copied` : `Copy the key of ${name}`}
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

const COLUMNS = credentialColumns<ApiKey>({
  createdNote: (key) => (
    <>
      {key.secretRotatedAt && (
        <>
          {' · secret rotated '}
          <DateText value={key.secretRotatedAt} />
        </>
      )}
      {key.previousSecretExpiresAt &&
        new Date(key.previousSecretExpiresAt).getTime() > Date.now() && (
          <>{` · old secret stops at ${formatClock(key.previousSecretExpiresAt)}`}</>
        )}
    </>
  ),
  middle: [
    {
      key: 'key',
      header: 'Key',
      cell: (key) => <CopyableKey name={key.name} value={key.apiKey} />,
    },
    { key: 'scopes', header: 'Scopes', cell: (key) => <ScopeBadges scopes={key.scopes} /> },
  ],
});

interface Revealed {
  title: string;
  apiKey: string;
  apiSecret: string;
  note?: string;
}

export interface ApiKeysPanelProps {
  user: Pick<User, 'id' | 'login' | 'roles'>;
  /** Admins create, rotate, disable, edit and revoke; without it the list is read-only. */
  manage: boolean;
  emptyText: string;
}

/** A user's API keys: "My API keys" and the admin's tab on the user's page. */
export function ApiKeysPanel({ user, manage, emptyText }: ApiKeysPanelProps) {
  const phone = usePhone();
  const [state, setState] = useState<ShownState>('active');
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const keys = useApiKeys(user.id, state);
  const toggle = useUpdateApiKey({
    success: (key) =>
      key.disabled
        ? `API key “${key.name}” disabled: it is refused until enabled again`
        : `API key “${key.name}” enabled`,
  });
  const edit = useUpdateApiKey({
    success: (key) => `API key “${key.name}” saved`,
    toastErrors: false,
  });
  const rotate = useRotateApiKeySecret({
    success: (_secret, { credential }) => `Secret of “${credential.name}” rotated`,
    onSuccess: (secret, { credential, overlapSeconds }) =>
      setRevealed({
        ...secret,
        title: `New secret for “${credential.name}”`,
        note: describeOverlap('secret', overlapSeconds),
      }),
  });
  const revoke = useRevokeApiKey({
    success: (_result, key) => `API key “${key.name}” revoked`,
    onSuccess: (_result, key) => {
      if (revealed?.apiKey === key.apiKey) setRevealed(null);
    },
  });
  return (
    <Stack>
      {manage && (
        <Text size="sm" c="dimmed">
          Machines send <code>Authorization: token KEY:SECRET</code> or exchange the pair for a
          short-lived token.
        </Text>
      )}
      {revealed && (
        <NewSecretCard title={revealed.title} onDone={() => setRevealed(null)}>
          <Stack>
            <Text size="sm" style={{ wordBreak: 'break-all' }}>
              API key:{' '}
              <Text span ff="monospace">
                {revealed.apiKey}
              </Text>
            </Text>
            <SecretReveal
              label="API secret"
              value={revealed.apiSecret}
              {...(revealed.note ? { note: revealed.note } : {})}
            />
          </Stack>
        </NewSecretCard>
      )}
      <CredentialList
        label="API keys"
        state={state}
        onStateChange={setState}
        rows={keys.data?.items}
        error={keys.error}
        columns={COLUMNS}
        rowTestId="api-key-row"
        toolbar={manage && <Button onClick={() => setCreating(true)}>Generate API key</Button>}
        empty={{
          active: (
            <EmptyState icon={<IconKey size={24} />} title="No API keys">
              {emptyText}
            </EmptyState>
          ),
          inactive: (
            <EmptyState icon={<IconKey size={24} />} title="No inactive API keys">
              Revoked API keys are listed here.
            </EmptyState>
          ),
        }}
        lifecycle={
          manage
            ? {
                toggle,
                edit,
                rotate,
                revoke,
                rotateLabel: 'Rotate secret',
                rotates: 'secret',
                keeps: 'The key stays the same.',
                revokeMessage: 'Machines using this key lose access at once.',
              }
            : undefined
        }
      />
      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        title={`New API key for ${user.login}`}
        size="lg"
        fullScreen={phone}
      >
        <CreateApiKeyForm
          user={user}
          onCreated={(key) => {
            setCreating(false);
            setRevealed({
              apiKey: key.apiKey,
              apiSecret: key.apiSecret,
              title: `API key “${key.name}”`,
            });
          }}
        />
      </Modal>
    </Stack>
  );
}
