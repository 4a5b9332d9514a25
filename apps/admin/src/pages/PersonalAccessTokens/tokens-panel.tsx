import { Button, Card, Group, Modal, Stack } from '@mantine/core';
import { IconPlus, IconTicket } from '@tabler/icons-react';
import { useState } from 'react';
import type { PersonalAccessToken } from '@latchkey/contracts';
import { CredentialActions } from '../../components/credential-actions';
import { credentialColumns, ExpiryText, isInactive } from '../../components/credential-columns';
import { CredentialSettingsForm } from '../../components/credential-settings-form';
import { CredentialStateTabs, type ShownState } from '../../components/credential-state-tabs';
import { DataTable, usePhone } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ProblemAlert } from '../../components/problem-alert';
import { describeOverlap, RotateDialog } from '../../components/rotate-dialog';
import { ScopeBadges } from '../../components/scope-badges';
import { NewSecretCard, SecretReveal } from '../../components/secret-reveal';
import {
  usePersonalAccessTokens,
  useRevokePersonalAccessToken,
  useRotatePersonalAccessToken,
  useUpdatePersonalAccessToken,
} from '../../resources/personal-access-tokens/queries';
import { CreateTokenForm } from './create-token-form';

const COLUMNS = credentialColumns<PersonalAccessToken>({
  middle: [
    { key: 'scopes', header: 'Scopes', cell: (token) => <ScopeBadges scopes={token.scopes} /> },
  ],
  end: [
    {
      key: 'expires',
      header: 'Expires',
      cell: (token) => <ExpiryText expiresAt={token.expiresAt} />,
    },
  ],
});

interface Revealed {
  title: string;
  token: string;
  note?: string;
  /** The token the card is about: revoking it hides the card. */
  id: string;
}

export interface TokensPanelProps {
  /** Whose tokens. */
  userId: string;
  /** Only the owner makes tokens; an admin rotates, disables, edits and revokes them. */
  canCreate: boolean;
  emptyText: string;
}

/** A user's personal access tokens with every lifecycle action: the own page and an admin's tab. */
export function TokensPanel({ userId, canCreate, emptyText }: TokensPanelProps) {
  const phone = usePhone();
  const [state, setState] = useState<ShownState>('active');
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [rotating, setRotating] = useState<PersonalAccessToken | null>(null);
  const [editing, setEditing] = useState<PersonalAccessToken | null>(null);
  const tokens = usePersonalAccessTokens(userId, state);
  const toggle = useUpdatePersonalAccessToken(userId, {
    success: (token) =>
      token.disabled
        ? `Token “${token.name}” disabled: it is refused until enabled again`
        : `Token “${token.name}” enabled`,
  });
  const edit = useUpdatePersonalAccessToken(userId, {
    success: (token) => `Token “${token.name}” saved`,
    toastErrors: false,
    onSuccess: () => setEditing(null),
  });
  const rotate = useRotatePersonalAccessToken(userId, {
    success: (token) => `Token “${token.name}” rotated`,
    onSuccess: (token, { overlapSeconds }) => {
      setRotating(null);
      setRevealed({
        title: `New token for “${token.name}”`,
        token: token.token,
        note: describeOverlap('token', overlapSeconds),
        id: token.id,
      });
    },
  });
  const revoke = useRevokePersonalAccessToken(userId, {
    success: (_result, token) => `Token “${token.name}” revoked`,
    onSuccess: (_result, token) => {
      if (revealed?.id === token.id) setRevealed(null);
    },
  });
  const newTokenButton = canCreate && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
      Generate new token
    </Button>
  );
  return (
    <Stack>
      {revealed && (
        <NewSecretCard title={revealed.title} onDone={() => setRevealed(null)}>
          <SecretReveal
            label="Personal access token"
            value={revealed.token}
            {...(revealed.note ? { note: revealed.note } : {})}
          />
        </NewSecretCard>
      )}
      <Group justify="space-between">
        <CredentialStateTabs value={state} onChange={setState} label="Which tokens" />
        {newTokenButton}
      </Group>
      <ProblemAlert error={tokens.error} />
      <Card withBorder padding="md">
        <DataTable
          label="Personal access tokens"
          rows={tokens.data?.items}
          columns={COLUMNS}
          rowKey={(token) => token.id}
          rowTestId="token-row"
          minWidth={860}
          empty={
            state === 'active' ? (
              <EmptyState
                icon={<IconTicket size={24} />}
                title="No personal access tokens yet"
                action={newTokenButton}
              >
                {emptyText}
              </EmptyState>
            ) : (
              <EmptyState icon={<IconTicket size={24} />} title="No inactive tokens">
                Revoked, rotated and expired tokens are listed here.
              </EmptyState>
            )
          }
          actions={(token) =>
            !isInactive(token) && (
              <CredentialActions
                name={token.name}
                disabled={token.disabled}
                toggling={toggle.isPending && toggle.variables?.token.id === token.id}
                onToggle={(disabled) => toggle.mutate({ token, changes: { disabled } })}
                onRotate={() => setRotating(token)}
                onEdit={() => {
                  edit.reset();
                  setEditing(token);
                }}
                onRevoke={() => revoke.mutate(token)}
                rotateLabel="Rotate"
                revokeMessage="Scripts and services using this token lose access at once."
              />
            )
          }
        />
      </Card>
      <RotateDialog
        name={rotating?.name ?? null}
        what="token"
        keeps="It keeps the name, the scopes and the lifetime of the old one."
        busy={rotate.isPending}
        onClose={() => setRotating(null)}
        onRotate={(overlapSeconds) =>
          rotating && rotate.mutate({ token: rotating, overlapSeconds })
        }
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
            toInput={(changes) => ({ token: editing, changes })}
          />
        )}
      </Modal>
      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        title="New personal access token"
        size="lg"
        fullScreen={phone}
      >
        <CreateTokenForm
          onCreated={(token) => {
            setCreating(false);
            setRevealed({ title: `New token “${token.name}”`, token: token.token, id: token.id });
          }}
        />
      </Modal>
    </Stack>
  );
}
