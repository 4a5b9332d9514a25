import { Group, Paper, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One row of a table, as phones show it: a title, labelled facts and the actions. */
export function MobileCard({
  title,
  facts,
  actions,
  testId,
}: {
  title: ReactNode;
  facts: [string, ReactNode][];
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId}>
      <Stack gap={6}>
        {title}
        {facts.map(([label, value]) => (
          <Group key={label} gap="xs" wrap="nowrap" align="flex-start">
            <Text size="xs" c="dimmed" w={84} style={{ flexShrink: 0 }}>
              {label}
            </Text>
            <div style={{ minWidth: 0 }}>{value}</div>
          </Group>
        ))}
        {actions && <Group justify="flex-end">{actions}</Group>}
      </Stack>
    </Paper>
  );
}
