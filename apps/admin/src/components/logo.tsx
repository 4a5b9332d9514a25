import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';

export function Logo() {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon radius="md" size="md" variant="filled">
        <IconKey size={16} />
      </ThemeIcon>
      <Text fw={700} size="lg">
        Latchkey
      </Text>
    </Group>
  );
}
