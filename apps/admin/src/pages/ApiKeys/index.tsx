import { PageHeader } from '../../components/page-header';
import { useCurrentUser } from '../../hooks/use-auth';
import { ApiKeysPanel } from './api-keys-panel';

export function ApiKeysPage() {
  const user = useCurrentUser();
  const admin = user.roles.includes('admin');
  return (
    <>
      <PageHeader
        title="My API keys"
        description={
          admin
            ? 'Key and secret pairs that machines use to act for you.'
            : 'Key and secret pairs that machines use to act for you. Only an admin can create, rotate or revoke them.'
        }
      />
      <ApiKeysPanel
        user={user}
        manage={admin}
        emptyText={
          admin
            ? 'Generate one for each machine that acts for you.'
            : 'Ask an admin if a machine needs to call the API for you.'
        }
      />
    </>
  );
}
