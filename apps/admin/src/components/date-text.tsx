import { Text, Tooltip } from '@mantine/core';

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "in 2 months", "just now". */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of UNITS)
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  return 'just now';
}

const clock = new Intl.DateTimeFormat('en', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayAndClock = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "14:05" today, "Mar 2, 14:05" on another day: when something stops, to the minute. */
export function formatClock(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  return date.toDateString() === new Date(now).toDateString()
    ? clock.format(date)
    : dayAndClock.format(date);
}

export function formatDate(iso: string): string {
  return absolute.format(new Date(iso));
}

/** A time as people read it, the exact one on hover; `empty` when there is none. */
export function DateText({ value, empty = 'Never' }: { value: string | null; empty?: string }) {
  if (!value)
    return (
      <Text span size="sm" c="dimmed">
        {empty}
      </Text>
    );
  return (
    <Tooltip label={formatDate(value)} withArrow>
      <Text span size="sm">
        <time dateTime={value}>{formatRelative(value)}</time>
      </Text>
    </Tooltip>
  );
}
