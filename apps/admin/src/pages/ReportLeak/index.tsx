import { Anchor, Center, Paper, Stack, Title } from '@mantine/core';
import { Link } from 'react-router';
import { Logo } from '../../components/logo';
import { useApi, useSessionState } from '../../hooks/use-auth';
import { ReportLeakForm } from './report-leak-form';

/** Public: reachable from the login page and from inside the app, with or without a session. */
export function ReportLeakPage() {
  const api = useApi();
  const signedIn = useSessionState().status === 'signed-in';
  return (
    <Center mih="100dvh" p="md">
      <Stack w="100%" maw={560} gap="lg">
        <Center>
          <Logo />
        </Center>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            <Title order={2} size="h3">
              Report a leaked credential
            </Title>
            <ReportLeakForm report={(credentials) => api.credentials.revoke(credentials)} />
          </Stack>
        </Paper>
        <Center>
          <Anchor component={Link} to={signedIn ? '/tokens' : '/login'} size="sm">
            {signedIn ? 'Back to Latchkey' : 'Back to sign in'}
          </Anchor>
        </Center>
      </Stack>
    </Center>
  );
}
