import { Alert, Anchor } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { ChangePasswordForm } from '../../components/change-password-form';
import { StandalonePage } from '../../components/standalone-page';
import { useApi, useCoordinator, useCurrentUser } from '../../hooks/use-auth';

/**
 * Shown instead of every page while an admin's reset asks for a new password: the server
 * refuses everything else to this session until the password is changed.
 */
export function PasswordChangePage() {
  const api = useApi();
  const coordinator = useCoordinator();
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const signOut = async () => {
    await api.auth.logout().catch(() => undefined);
    queryClient.clear();
    coordinator.signOut('logout');
  };
  return (
    <StandalonePage title="Choose a new password" width={440}>
      <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} role="status">
        An admin set a temporary password for {user.login}. Choose your own to continue.
      </Alert>
      {/* The session stays; refreshing it drops the flag once the server has cleared it. */}
      <ChangePasswordForm
        currentLabel="Temporary password"
        onChanged={() => void coordinator.refresh().catch(() => undefined)}
      />
      <Anchor component="button" type="button" size="sm" onClick={() => void signOut()}>
        Sign out
      </Anchor>
    </StandalonePage>
  );
}
