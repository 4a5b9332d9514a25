import { Group, NumberInput, Stack, Switch, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RateLimit } from '@latchkey/contracts';

/** What a new limit starts at when the switch is turned on: one request a second on average. */
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 60, perSeconds: 60 };

const WINDOWS: Record<number, string> = {
  1: 'second',
  60: 'minute',
  3600: 'hour',
  86400: 'day',
};

/** "60 per minute", "5 per 10 seconds", "No limit". */
export function describeRateLimit(rateLimit: RateLimit | null): string {
  if (!rateLimit) return 'No limit';
  const window = WINDOWS[rateLimit.perSeconds];
  return `${rateLimit.requests} per ${window ?? `${rateLimit.perSeconds} seconds`}`;
}

export interface RateLimitFieldProps {
  value: RateLimit | null;
  onChange: (value: RateLimit | null) => void;
  /** The form's messages for `rateLimit.requests` and `rateLimit.perSeconds`. */
  errors?: { requests?: ReactNode; perSeconds?: ReactNode };
}

/** The messages of a form validated by useZodForm, where the schema has a `rateLimit` field. */
export function rateLimitErrors(errors: Record<string, ReactNode>): RateLimitFieldProps['errors'] {
  return { requests: errors['rateLimit.requests'], perSeconds: errors['rateLimit.perSeconds'] };
}

/** An empty box is 0, shown empty: the form's schema says it is too small, under the box. */
const count = (value: string | number) => (typeof value === 'number' ? value : 0);
const shown = (value: number) => (value === 0 ? '' : value);

/** A credential's rate limit: none, or at most N requests in any window of M seconds. */
export function RateLimitField({ value, onChange, errors }: RateLimitFieldProps) {
  return (
    <Stack gap="xs">
      <Switch
        label="Limit the request rate"
        description="Over the limit, requests with this credential get 429 Too Many Requests."
        checked={value !== null}
        onChange={(event) => onChange(event.currentTarget.checked ? DEFAULT_RATE_LIMIT : null)}
      />
      {value && (
        <Group align="flex-start" gap="xs" wrap="nowrap">
          <NumberInput
            label="Requests"
            min={1}
            max={1_000_000}
            allowDecimal={false}
            allowNegative={false}
            value={shown(value.requests)}
            error={errors?.requests}
            onChange={(requests) => onChange({ ...value, requests: count(requests) })}
            style={{ flex: 1 }}
          />
          <Text size="sm" pt={30}>
            per
          </Text>
          <NumberInput
            label="Seconds"
            min={1}
            max={86_400}
            allowDecimal={false}
            allowNegative={false}
            value={shown(value.perSeconds)}
            error={errors?.perSeconds}
            onChange={(perSeconds) => onChange({ ...value, perSeconds: count(perSeconds) })}
            style={{ flex: 1 }}
          />
        </Group>
      )}
    </Stack>
  );
}
