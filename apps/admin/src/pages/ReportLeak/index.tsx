import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { StandalonePage } from '../../components/standalone-page';
import { useApi, useSessionState } from '../../hooks/use-auth';
import { ReportLeakForm } from './report-leak-form';

/** Public: reachable from the login page and from inside the app, with or without a session. */
export function ReportLeakPage() {
  const api = useApi();
  const signedIn = useSessionState().status === 'signed-in';
  return (
    <StandalonePage
      title="Report a leaked credential"
      width={560}
      footer={
        <Anchor component={Link} to={signedIn ? '/' : '/login'} size="sm">
          {signedIn ? 'Back to Latchkey' : 'Back to sign in'}
        </Anchor>
      }
    >
      <ReportLeakForm report={(credentials) => api.credentials.revoke(credentials)} />
    </StandalonePage>
  );
}
