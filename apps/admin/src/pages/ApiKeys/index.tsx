import { Card } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiKeysTable } from '../../components/api-keys-table';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { useApi } from '../../hooks/use-auth';

export function ApiKeysPage() {
  const api = useApi();
  const keys = useQuery({ queryKey: ['api-keys', 'me'], queryFn: () => api.apiKeys.list('me') });
  return (
    <>
      <PageHeader
        title="My API keys"
        description="Key and secret pairs that machines use to act for you. Only an admin can create, rotate or revoke them."
      />
      <ProblemAlert error={keys.error} />
      <Card withBorder padding="md">
        <ApiKeysTable
          keys={keys.data?.items}
          emptyText="Ask an admin if a machine needs to call the API for you."
        />
      </Card>
    </>
  );
}
