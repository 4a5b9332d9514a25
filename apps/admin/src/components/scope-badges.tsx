import { Badge, Group } from '@mantine/core';

/** A credential's scopes, each in full (badges wrap rather than cut). */
export function ScopeBadges({ scopes }: { scopes: readonly string[] }) {
  return (
    <Group gap={4}>
      {scopes.map((scope) => (
        <Badge key={scope} variant="default" size="sm" tt="none" ff="monospace" maw="none">
          {scope}
        </Badge>
      ))}
    </Group>
  );
}
