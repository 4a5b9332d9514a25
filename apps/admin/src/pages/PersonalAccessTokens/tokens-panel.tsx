import { Button, Modal, Stack } from '@mantine/core';
import { IconPlus, IconTicket } from '@tabler/icons-react';
import { useState } from 'react';
import type { PersonalAccessToken } from '@latchkey/contracts';
import {
  credentialColumns,
  ExpiryText,
  isInactive,
  isOutgoing,
} from '../../components/credential-columns';
import { CredentialList } from '../../components/credential-list';
import type { ShownState } from '../../components/credential-state-tabs';
import { usePhone } from '../../components/data-table';
import { DateText } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { describeOverlap } from '../../components/rotate-dialog';
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
      // A revoked token's expiry is history, not a warning; a token in its rotation overlap
      // expires when the overlap ends.
      cell: (token) =>
        isInactive(token) ? (
          <DateText value={token.expiresAt} />
        ) : (
          <ExpiryText expiresAt={isOutgoing(token) ? token.revokedAt : token.expiresAt} />
        ),
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
  });
  const rotate = useRotatePersonalAccessToken(userId, {
    success: (token) => `Token “${token.name}” rotated`,
    onSuccess: (token, { overlapSeconds }) =>
      setRevealed({
        title: `New token for “${token.name}”`,
        token: token.token,
        note: describeOverlap('token', overlapSeconds),
        id: token.id,
      }),
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
      <CredentialList
        label="Personal access tokens"
        state={state}
        onStateChange={setState}
        rows={tokens.data?.items}
        error={tokens.error}
        columns={COLUMNS}
        rowTestId="token-row"
        toolbar={newTokenButton}
        empty={{
          active: (
            <EmptyState
              icon={<IconTicket size={24} />}
              title="No personal access tokens yet"
              action={newTokenButton}
            >
              {emptyText}
            </EmptyState>
          ),
          inactive: (
            <EmptyState icon={<IconTicket size={24} />} title="No inactive tokens">
              Revoked, rotated and expired tokens are listed here.
            </EmptyState>
          ),
        }}
        lifecycle={{
          toggle,
          edit,
          rotate,
          revoke,
          rotateLabel: 'Rotate',
          rotates: 'token',
          keeps: 'It keeps the name, the scopes and the lifetime of the old one.',
          revokeMessage: 'Scripts and services using this token lose access at once.',
        }}
      />
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
