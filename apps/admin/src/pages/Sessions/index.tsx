import { Card } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Session } from '@latchkey/contracts';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { SessionsTable } from '../../components/sessions-table';
import { useAction } from '../../hooks/use-action';
import { useApi, useCoordinator } from '../../hooks/use-auth';

export function SessionsPage() {
  const api = useApi();
  const coordinator = useCoordinator();
  const sessions = useQuery({ queryKey: ['sessions'], queryFn: () => api.sessions.list() });
  const revoke = useAction({
    run: (session: Session) => api.sessions.revoke(session.id),
    success: 'Session revoked',
    invalidates: [['sessions']],
    onSuccess: (_result, session) => {
      if (session.current) coordinator.signOut('logout');
    },
  });
  return (
    <>
      <PageHeader
        title="My sessions"
        description="Every browser signed in to your account. Revoke the ones you do not recognise."
      />
      <ProblemAlert error={sessions.error} />
      <Card withBorder padding="md">
        <SessionsTable
          sessions={sessions.data?.items}
          onRevoke={(session) => revoke.mutate(session)}
          revokingId={revoke.isPending ? revoke.variables?.id : undefined}
        />
      </Card>
    </>
  );
}
