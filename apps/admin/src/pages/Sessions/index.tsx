import { Button, Card } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { confirmDestructive } from '../../components/confirm';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { SessionsTable } from '../../components/sessions-table';
import { useCoordinator } from '../../hooks/use-auth';
import {
  useMySessions,
  useRevokeMySession,
  useRevokeOtherSessions,
} from '../../resources/sessions/queries';

export function SessionsPage() {
  const coordinator = useCoordinator();
  const sessions = useMySessions();
  const revoke = useRevokeMySession({
    success: 'Session revoked',
    onSuccess: (_result, session) => {
      if (session.current) coordinator.signOut('logout');
    },
  });
  const revokeOthers = useRevokeOtherSessions({
    success: ({ revoked }) =>
      revoked === 1 ? 'One other session signed out' : `${revoked} other sessions signed out`,
  });
  const others = sessions.data?.items.filter((session) => !session.current).length ?? 0;
  return (
    <>
      <PageHeader
        title="My sessions"
        description="Every browser signed in to your account. Revoke the ones you do not recognise."
        action={
          <Button
            variant="light"
            color="red"
            leftSection={<IconLogout size={16} />}
            disabled={others === 0}
            loading={revokeOthers.isPending}
            onClick={() =>
              confirmDestructive({
                title: 'Sign out all other sessions?',
                message: `Every browser signed in to your account except this one is signed out at once (${others}).`,
                confirmLabel: 'Sign out other sessions',
                onConfirm: () => revokeOthers.mutate(),
              })
            }
          >
            Sign out all other sessions
          </Button>
        }
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
