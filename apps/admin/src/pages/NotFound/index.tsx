import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack align="flex-start" gap="sm" py="xl">
      <Title order={2}>Page not found</Title>
      <Text c="dimmed">There is nothing at this address.</Text>
      <Button component={Link} to="/tokens" variant="light">
        Go to your tokens
      </Button>
    </Stack>
  );
}

export function ForbiddenPage() {
  return (
    <Stack align="flex-start" gap="sm" py="xl">
      <Title order={2}>Admins only</Title>
      <Text c="dimmed">This page needs the admin role.</Text>
    </Stack>
  );
}
