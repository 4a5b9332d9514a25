import { Box, Center, Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useDocumentTitle } from '../hooks/use-document-title';
import { Logo } from './logo';

/**
 * A page outside the signed-in shell: the logo, one card with a title, and a line below it,
 * each in its landmark (banner, main, navigation) so a screen reader can jump between them.
 */
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
  useDocumentTitle(title);
  return (
    <Center mih="100dvh" p="md">
      <Stack w="100%" maw={width} gap="lg">
        <Center component="header">
          <Logo />
        </Center>
        <Paper component="main" withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            <Title order={1} size="h3">
              {title}
            </Title>
            {children}
          </Stack>
        </Paper>
        {footer && (
          <Box component="nav" aria-label="Elsewhere" ta="center">
            {footer}
          </Box>
        )}
      </Stack>
    </Center>
  );
}
