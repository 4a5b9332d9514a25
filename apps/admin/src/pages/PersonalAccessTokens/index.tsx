import { PageHeader } from '../../components/page-header';
import { useCurrentUser } from '../../hooks/use-auth';
import { TokensPanel } from './tokens-panel';

export function PersonalAccessTokensPage() {
  const user = useCurrentUser();
  return (
    <>
      <PageHeader
        title="Personal access tokens"
        description="Tokens for scripts and tools that call the API as you, with only the scopes you pick. Send them as Authorization: Bearer <token>."
      />
      <TokensPanel
        userId={user.id}
        canCreate
        emptyText="Create one for each script or tool, so you can revoke them one by one."
      />
    </>
  );
}
