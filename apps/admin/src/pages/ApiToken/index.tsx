import { Badge, Button, Card, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ApiTokenCreated } from '@latchkey/contracts';
import { confirmDestructive } from '../../components/confirm';
import { DateText } from '../../components/date-text';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { SecretReveal } from '../../components/secret-reveal';
import { useAction } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';

export function ApiTokenPage() {
  const api = useApi();
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const state = useQuery({ queryKey: ['api-token', 'me'], queryFn: () => api.apiToken.get('me') });
  const regenerate = useAction({
    run: () => api.apiToken.regenerate('me'),
    success: 'New account API token created',
    invalidates: [['api-token', 'me']],
    onSuccess: setCreated,
  });
  const disable = useAction({
    run: () => api.apiToken.disable('me'),
    success: 'Account API token disabled',
    invalidates: [['api-token', 'me']],
    onSuccess: () => setCreated(null),
  });
  const enabled = state.data?.enabled ?? false;

  return (
    <>
      <PageHeader
        title="Account API token"
        description="One long-lived token that acts with all of your permissions, for tools that take a single token. Prefer personal access tokens, which you can scope and expire."
      />
      <ProblemAlert error={state.error} />
      <Stack>
        {created && (
          <SecretReveal
            label="Account API token"
            value={created.token}
            note="Any earlier account token has stopped working."
          />
        )}
        <Card withBorder padding="lg">
          {!state.data ? (
            <Skeleton height={90} />
          ) : (
            <Stack>
              <Group justify="space-between">
                <Title order={3} size="h4">
                  Status
                </Title>
                <Badge color={enabled ? 'teal' : 'gray'} variant="light" size="lg">
                  {enabled ? 'Enabled' : 'Disabled'}
                </Badge>
              </Group>
              {enabled ? (
                <Group gap="xl">
                  <Text size="sm" c="dimmed">
                    Created <DateText value={state.data.createdAt} />
                  </Text>
                  <Text size="sm" c="dimmed">
                    Last used <DateText value={state.data.lastUsedAt} />
                  </Text>
                </Group>
              ) : (
                <Text size="sm" c="dimmed">
                  No account token exists. Enable it to get one.
                </Text>
              )}
              <ProblemAlert error={regenerate.error} />
              <Group>
                {enabled ? (
                  <>
                    <Button
                      variant="light"
                      loading={regenerate.isPending}
                      onClick={() =>
                        confirmDestructive({
                          title: 'Regenerate the account API token?',
                          message:
                            'A new token is created and the current one stops working at once. Update every tool that uses it.',
                          confirmLabel: 'Regenerate',
                          onConfirm: () => regenerate.mutate(),
                        })
                      }
                    >
                      Regenerate
                    </Button>
                    <Button
                      color="red"
                      variant="subtle"
                      loading={disable.isPending}
                      onClick={() =>
                        confirmDestructive({
                          title: 'Disable the account API token?',
                          message: 'The token stops working at once.',
                          confirmLabel: 'Disable token',
                          onConfirm: () => disable.mutate(),
                        })
                      }
                    >
                      Disable
                    </Button>
                  </>
                ) : (
                  <Button loading={regenerate.isPending} onClick={() => regenerate.mutate()}>
                    Enable account API token
                  </Button>
                )}
              </Group>
            </Stack>
          )}
        </Card>
      </Stack>
    </>
  );
}
