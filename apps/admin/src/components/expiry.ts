import { z } from 'zod';

export const EXPIRY_PRESETS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'No expiration' },
  { value: 'custom', label: 'Custom date…' },
] as const;
export type ExpiryChoice = (typeof EXPIRY_PRESETS)[number]['value'];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The end (local time) of a yyyy-mm-dd day. */
function endOfDay(date: string): Date {
  return new Date(`${date}T23:59:59`);
}

export const expiryFieldsSchema = z
  .object({
    expiry: z.enum(
      EXPIRY_PRESETS.map((preset) => preset.value) as [ExpiryChoice, ...ExpiryChoice[]],
    ),
    customDate: z.string(),
  })
  .superRefine(({ expiry, customDate }, context) => {
    if (expiry !== 'custom') return;
    const end = endOfDay(customDate);
    if (!customDate || Number.isNaN(end.getTime()))
      context.addIssue({ code: 'custom', path: ['customDate'], message: 'Pick a date' });
    else if (end.getTime() <= Date.now())
      context.addIssue({
        code: 'custom',
        path: ['customDate'],
        message: 'Pick a date in the future',
      });
  });

/** The `expiresAt` the API takes: an ISO date-time, or null for a token that never expires. */
export function expiresAtFor(
  expiry: ExpiryChoice,
  customDate: string,
  now = Date.now(),
): string | null {
  if (expiry === 'never') return null;
  if (expiry === 'custom') return endOfDay(customDate).toISOString();
  return new Date(now + Number(expiry) * DAY_MS).toISOString();
}

/** An expiry closer than this is highlighted, so a token is renewed before it stops. */
export const EXPIRY_WARNING_DAYS = 7;

export type ExpiryStatus = 'never' | 'expired' | 'soon' | 'later';

/** How an expiry reads at `now`: none, past, under EXPIRY_WARNING_DAYS away, or further. */
export function expiryStatus(expiresAt: string | null, now = Date.now()): ExpiryStatus {
  if (!expiresAt) return 'never';
  const left = new Date(expiresAt).getTime() - now;
  if (left <= 0) return 'expired';
  return left < EXPIRY_WARNING_DAYS * DAY_MS ? 'soon' : 'later';
}
