import { Button, Card, Group, Modal, Stack, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import type { ApiKey, User } from '@latchkey/contracts';
import { CredentialActions } from '../../components/credential-actions';
import { credentialColumns, isInactive } from '../../components/credential-columns';
import { CredentialSettingsForm } from '../../components/credential-settings-form';
import { CredentialStateTabs, type ShownState } from '../../components/credential-state-tabs';
import { DataTable, usePhone } from '../../components/data-table';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { ProblemAlert } from '../../components/problem-alert';
import { describeOverlap, RotateDialog } from '../../components/rotate-dialog';
import { ScopeBadges } from '../../components/scope-badges';
import { NewSecretCard, SecretReveal } from '../../components/secret-reveal';
import {
  useApiKeys,
  useRevokeApiKey,
  useRotateApiKeySecret,
  useUpdateApiKey,
} from '../../resources/api-keys/queries';
import { CreateApiKeyForm } from './create-api-key-form';

const COLUMNS = credentialColumns<ApiKey>({
  createdNote: (key) =>
    key.secretRotatedAt && (
      <>
        {' · secret rotated '}
        <DateText value={key.secretRotatedAt} />
      </>
    ),
  middle: [
    {
      key: 'key',
      header: 'Key',
      cell: (key) => (
        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {key.apiKey}
        </Text>
      ),
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

/** A user's API keys: "My API keys" (read-only) and the admin's tab on the user's page. */
export function ApiKeysPanel({ user, manage, emptyText }: ApiKeysPanelProps) {
  const phone = usePhone();
  const [state, setState] = useState<ShownState>('active');
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [editing, setEditing] = useState<ApiKey | null>(null);
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
    onSuccess: () => setEditing(null),
  });
  const rotate = useRotateApiKeySecret({
    success: (_secret, { key }) => `Secret of “${key.name}” rotated`,
    onSuccess: (secret, { key, overlapSeconds }) => {
      setRotating(null);
      setRevealed({
        ...secret,
        title: `New secret for “${key.name}”`,
        note: describeOverlap('secret', overlapSeconds),
      });
    },
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
      <Group justify="space-between">
        <CredentialStateTabs value={state} onChange={setState} label="Which API keys" />
        {manage && <Button onClick={() => setCreating(true)}>Generate API key</Button>}
      </Group>
      <ProblemAlert error={keys.error} />
      <Card withBorder padding="md">
        <DataTable
          label="API keys"
          rows={keys.data?.items}
          columns={COLUMNS}
          rowKey={(key) => key.id}
          rowTestId="api-key-row"
          minWidth={860}
          empty={
            state === 'active' ? (
              <EmptyState icon={<IconKey size={24} />} title="No API keys">
                {emptyText}
              </EmptyState>
            ) : (
              <EmptyState icon={<IconKey size={24} />} title="No inactive API keys">
                Revoked API keys are listed here.
              </EmptyState>
            )
          }
          {...(manage
            ? {
                actions: (key: ApiKey) =>
                  !isInactive(key) && (
                    <CredentialActions
                      name={key.name}
                      disabled={key.disabled}
                      toggling={toggle.isPending && toggle.variables?.key.id === key.id}
                      onToggle={(disabled) => toggle.mutate({ key, changes: { disabled } })}
                      onRotate={() => setRotating(key)}
                      onEdit={() => {
                        edit.reset();
                        setEditing(key);
                      }}
                      onRevoke={() => revoke.mutate(key)}
                      rotateLabel="Rotate secret"
                      revokeMessage="Machines using this key lose access at once."
                    />
                  ),
              }
            : {})}
        />
      </Card>
      <RotateDialog
        name={rotating?.name ?? null}
        what="secret"
        keeps="The key stays the same."
        busy={rotate.isPending}
        onClose={() => setRotating(null)}
        onRotate={(overlapSeconds) => rotating && rotate.mutate({ key: rotating, overlapSeconds })}
      />
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={`Edit “${editing?.name ?? ''}”`}
        fullScreen={phone}
      >
        {editing && (
          <CredentialSettingsForm
            initial={{ name: editing.name, rateLimit: editing.rateLimit }}
            save={edit}
            toInput={(changes) => ({ key: editing, changes })}
          />
        )}
      </Modal>
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
