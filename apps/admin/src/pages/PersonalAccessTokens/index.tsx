import {
  Badge,
  Button,
  Card,
  CloseButton,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconPlus, IconTicket } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  scopesForRoles,
  tokenNameSchema,
  type PersonalAccessToken,
  type PersonalAccessTokenCreated,
  type Scope,
} from '@latchkey/contracts';
import { z } from 'zod';
import { confirmDestructive } from '../../components/confirm';
import { DateText, formatDate } from '../../components/date-text';
import { EmptyState } from '../../components/empty-state';
import { DataTable, usePhone, type Column } from '../../components/data-table';
import { ScopeBadges } from '../../components/scope-badges';
import {
  EXPIRY_PRESETS,
  expiresAtFor,
  expiryFieldsSchema,
  type ExpiryChoice,
} from '../../components/expiry';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { ScopePicker } from '../../components/scope-picker';
import { SecretReveal } from '../../components/secret-reveal';
import { TableSkeleton } from '../../components/table-skeleton';
import { useAction } from '../../hooks/use-action';
import { useApi, useCurrentUser } from '../../hooks/use-auth';
import { useNow } from '../../hooks/use-now';
import { useZodForm } from '../../hooks/use-zod-form';

const createFormSchema = expiryFieldsSchema.and(
  z.object({
    name: tokenNameSchema,
    scopes: z.array(z.string()).min(1, 'Pick at least one scope'),
  }),
);

interface CreateFormValues extends Record<string, unknown> {
  name: string;
  scopes: Scope[];
  expiry: ExpiryChoice;
  customDate: string;
}

function CreateTokenForm({
  onCreated,
}: {
  onCreated: (token: PersonalAccessTokenCreated) => void;
}) {
  const api = useApi();
  const user = useCurrentUser();
  const form = useZodForm<CreateFormValues>(createFormSchema, {
    initialValues: { name: '', scopes: [], expiry: '30', customDate: '' },
  });
  const create = useAction({
    run: ({ name, scopes, expiry, customDate }: CreateFormValues) =>
      api.personalAccessTokens.create({
        name,
        scopes,
        expiresAt: expiresAtFor(expiry, customDate),
      }),
    success: (token) => `Token “${token.name}” created`,
    invalidates: [['personal-access-tokens']],
    toastErrors: false,
    onSuccess: onCreated,
  });
  return (
    <form noValidate onSubmit={form.submitTo(create)}>
      <Stack>
        <ProblemAlert error={create.error} />
        <TextInput
          label="Name"
          description="What is this token for? e.g. “CI deploys”"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Group grow align="flex-start">
          <Select
            label="Expiration"
            data={EXPIRY_PRESETS.map((preset) => ({ ...preset }))}
            allowDeselect={false}
            {...form.getInputProps('expiry')}
          />
          {form.values.expiry === 'custom' && (
            <TextInput label="Expires on" type="date" {...form.getInputProps('customDate')} />
          )}
        </Group>
        {form.values.expiry === 'never' && (
          <Text size="xs" c="orange">
            A token without expiry works until you revoke it. Prefer a date.
          </Text>
        )}
        <ScopePicker
          value={form.values.scopes}
          onChange={(scopes) => form.setFieldValue('scopes', scopes)}
          allowed={scopesForRoles(user.roles)}
          error={form.errors.scopes as string | undefined}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Generate token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ExpiryCell({ expiresAt }: { expiresAt: string | null }) {
  const now = useNow();
  if (!expiresAt)
    return (
      <Badge color="orange" variant="light" size="sm">
        Never
      </Badge>
    );
  if (new Date(expiresAt).getTime() < now)
    return (
      <Tooltip label={formatDate(expiresAt)}>
        <Badge color="red" variant="light" size="sm">
          Expired
        </Badge>
      </Tooltip>
    );
  return <DateText value={expiresAt} />;
}

export interface TokensTableProps {
  tokens: PersonalAccessToken[];
  onRevoke: (token: PersonalAccessToken) => void;
  revokingId?: string | undefined;
}

function LastUsed({ token }: { token: PersonalAccessToken }) {
  return (
    <>
      <DateText value={token.lastUsedAt} />
      {token.lastUsedIp && (
        <Text size="xs" c="dimmed" ff="monospace">
          {token.lastUsedIp}
        </Text>
      )}
    </>
  );
}

const TOKEN_COLUMNS: Column<PersonalAccessToken>[] = [
  {
    key: 'name',
    header: 'Name',
    card: 'title',
    cell: (token) => (
      <>
        <Text size="sm" fw={500}>
          {token.name}
        </Text>
        <Text size="xs" c="dimmed">
          Created <DateText value={token.createdAt} />
        </Text>
      </>
    ),
  },
  { key: 'scopes', header: 'Scopes', cell: (token) => <ScopeBadges scopes={token.scopes} /> },
  { key: 'used', header: 'Last used', cell: (token) => <LastUsed token={token} /> },
  {
    key: 'expires',
    header: 'Expires',
    cell: (token) => <ExpiryCell expiresAt={token.expiresAt} />,
  },
];

/** Personal access tokens with scopes, use and expiry; shared with the admin's user page. */
export function TokensTable({ tokens, onRevoke, revokingId }: TokensTableProps) {
  return (
    <DataTable
      label="Personal access tokens"
      rows={tokens}
      columns={TOKEN_COLUMNS}
      rowKey={(token) => token.id}
      rowTestId="token-row"
      empty={null}
      actions={(token) => (
        <Button
          size="xs"
          color="red"
          variant="subtle"
          loading={revokingId === token.id}
          aria-label={`Revoke ${token.name}`}
          onClick={() =>
            confirmDestructive({
              title: `Revoke “${token.name}”?`,
              message:
                'Scripts and services using this token lose access at once. This cannot be undone.',
              confirmLabel: 'Revoke token',
              onConfirm: () => onRevoke(token),
            })
          }
        >
          Revoke
        </Button>
      )}
    />
  );
}

export function PersonalAccessTokensPage() {
  const api = useApi();
  const phone = usePhone();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<PersonalAccessTokenCreated | null>(null);
  const tokens = useQuery({
    queryKey: ['personal-access-tokens'],
    queryFn: () => api.personalAccessTokens.list(),
  });
  const revoke = useAction({
    run: (token: PersonalAccessToken) => api.personalAccessTokens.revoke(token.id),
    success: (_result, token) => `Token “${token.name}” revoked`,
    invalidates: [['personal-access-tokens']],
    onSuccess: (_result, token) => {
      if (created?.id === token.id) setCreated(null);
    },
  });
  const newTokenButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
      Generate new token
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Personal access tokens"
        description="Tokens for scripts and tools that call the API as you, with only the scopes you pick. Send them as Authorization: Bearer <token>."
        action={newTokenButton}
      />
      <Stack>
        {created && (
          <Card withBorder padding="md">
            <Group justify="space-between" mb="xs">
              <Text fw={600}>New token “{created.name}”</Text>
              <CloseButton aria-label="Dismiss the new token" onClick={() => setCreated(null)} />
            </Group>
            <SecretReveal label="Personal access token" value={created.token} />
          </Card>
        )}
        <ProblemAlert error={tokens.error} />
        <Card withBorder padding="md">
          {!tokens.data ? (
            <TableSkeleton />
          ) : tokens.data.items.length === 0 ? (
            <EmptyState
              icon={<IconTicket size={24} />}
              title="No personal access tokens yet"
              action={newTokenButton}
            >
              Create one for each script or tool, so you can revoke them one by one.
            </EmptyState>
          ) : (
            <TokensTable
              tokens={tokens.data.items}
              onRevoke={(token) => revoke.mutate(token)}
              revokingId={revoke.isPending ? revoke.variables?.id : undefined}
            />
          )}
        </Card>
      </Stack>
      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        title="New personal access token"
        size="lg"
        fullScreen={phone}
      >
        <CreateTokenForm
          onCreated={(token) => {
            setCreated(token);
            setCreating(false);
          }}
        />
      </Modal>
    </>
  );
}
