import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useDocumentTitle } from '../../hooks/use-document-title';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <Stack align="flex-start" gap="sm" py="xl">
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text c="dimmed">There is nothing at this address.</Text>
      <Button component={Link} to="/tokens" variant="light">
        Go to your tokens
      </Button>
    </Stack>
  );
}

export function ForbiddenPage() {
  useDocumentTitle('Admins only');
  return (
    <Stack align="flex-start" gap="sm" py="xl">
      <Title order={1} size="h2">
        Admins only
      </Title>
      <Text c="dimmed">This page needs the admin role.</Text>
    </Stack>
  );
}
