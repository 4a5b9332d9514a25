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

/** A whole number from 1 to `max`; an empty box is 0, which the form's schema says is too small. */
function CountInput({
  label,
  max,
  value,
  error,
  onChange,
}: {
  label: string;
  max: number;
  value: number;
  error: ReactNode;
  onChange: (value: number) => void;
}) {
  return (
    <NumberInput
      label={label}
      min={1}
      max={max}
      allowDecimal={false}
      allowNegative={false}
      value={value === 0 ? '' : value}
      error={error}
      onChange={(next) => onChange(typeof next === 'number' ? next : 0)}
      style={{ flex: 1 }}
    />
  );
}

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
          <CountInput
            label="Requests"
            max={1_000_000}
            value={value.requests}
            error={errors?.requests}
            onChange={(requests) => onChange({ ...value, requests })}
          />
          <Text size="sm" pt={30}>
            per
          </Text>
          <CountInput
            label="Seconds"
            max={86_400}
            value={value.perSeconds}
            error={errors?.perSeconds}
            onChange={(perSeconds) => onChange({ ...value, perSeconds })}
          />
        </Group>
      )}
    </Stack>
  );
}
