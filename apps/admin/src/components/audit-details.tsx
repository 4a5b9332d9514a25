import { Group, Stack, Text } from '@mantine/core';

/** "sessionId" -> "Session id", "must_change" -> "Must change". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One value as text: lists joined, yes/no for booleans, nested objects as compact JSON. */
export function formatDetailValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(formatDetailValue).join(', ') || '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An audit event's details as labelled lines, in the order the server wrote them. */
export function detailEntries(details: Record<string, unknown>): [string, string][] {
  return Object.entries(details).map(([key, value]) => [
    humanizeKey(key),
    formatDetailValue(value),
  ]);
}

export function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const entries = detailEntries(details);
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Stack gap={2}>
      {entries.map(([label, value]) => (
        <Group key={label} gap={6} wrap="nowrap" align="baseline">
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {label}
          </Text>
          <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {value}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
