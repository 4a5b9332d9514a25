import { Center, Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from './logo';

/** A page outside the signed-in shell: the logo, one card with a title, and a line below it. */
export function StandalonePage({
  title,
  width,
  children,
  footer,
}: {
  title: string;
  width: number;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <Center mih="100dvh" p="md">
      <Stack w="100%" maw={width} gap="lg">
        <Center>
          <Logo />
        </Center>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            <Title order={2} size="h3">
              {title}
            </Title>
            {children}
          </Stack>
        </Paper>
        {footer && <Center>{footer}</Center>}
      </Stack>
    </Center>
  );
}
