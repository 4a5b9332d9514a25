import { expiresAtFor, expiryFieldsSchema, expiryStatus } from './expiry';

describe('token expiry presets', () => {
  const now = Date.parse('2026-03-01T12:00:00.000Z');

  it('turns a preset into a date that many days ahead, and "never" into null', () => {
    expect(expiresAtFor('7', '', now)).toBe('2026-03-08T12:00:00.000Z');
    expect(expiresAtFor('365', '', now)).toBe('2027-03-01T12:00:00.000Z');
    expect(expiresAtFor('never', '', now)).toBeNull();
  });

  it('ends a custom date at the end of that local day', () => {
    const expiresAt = new Date(expiresAtFor('custom', '2031-05-04') as string);
    expect([expiresAt.getFullYear(), expiresAt.getMonth(), expiresAt.getDate()]).toEqual([
      2031, 4, 4,
    ]);
    expect([expiresAt.getHours(), expiresAt.getMinutes()]).toEqual([23, 59]);
  });

  it('asks for a custom date in the future', () => {
    const missing = expiryFieldsSchema.safeParse({ expiry: 'custom', customDate: '' });
    const past = expiryFieldsSchema.safeParse({ expiry: 'custom', customDate: '2001-01-01' });
    expect(missing.error?.issues[0]?.message).toBe('Pick a date');
    expect(past.error?.issues[0]?.message).toBe('Pick a date in the future');
    expect(expiryFieldsSchema.safeParse({ expiry: '30', customDate: '' }).success).toBe(true);
  });

  it('highlights an expiry under 7 days away, and tells a past one from none', () => {
    const at = (days: number) => new Date(now + days * 86_400_000).toISOString();
    expect(expiryStatus(null, now)).toBe('never');
    expect(expiryStatus(at(-1), now)).toBe('expired');
    expect(expiryStatus(at(0), now)).toBe('expired');
    expect(expiryStatus(at(0.5), now)).toBe('soon');
    expect(expiryStatus(at(6.9), now)).toBe('soon');
    expect(expiryStatus(at(7), now)).toBe('later');
    expect(expiryStatus(at(30), now)).toBe('later');
  });
});
