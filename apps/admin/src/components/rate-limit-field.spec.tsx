import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import type { RateLimit } from '@latchkey/contracts';
import { renderWithMantine } from '../test-utils';
import { DEFAULT_RATE_LIMIT, describeRateLimit, RateLimitField } from './rate-limit-field';

function Harness({ onChange }: { onChange: (value: RateLimit | null) => void }) {
  const [value, setValue] = useState<RateLimit | null>(null);
  return (
    <RateLimitField
      value={value}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
    />
  );
}

describe('RateLimitField', () => {
  it('says a limit as people read it', () => {
    expect(describeRateLimit(null)).toBe('No limit');
    expect(describeRateLimit({ requests: 60, perSeconds: 60 })).toBe('60 per minute');
    expect(describeRateLimit({ requests: 1000, perSeconds: 3600 })).toBe('1000 per hour');
    expect(describeRateLimit({ requests: 5, perSeconds: 10 })).toBe('5 per 10 seconds');
  });

  it('is no limit until switched on, then requests per a number of seconds', async () => {
    const user = userEvent.setup();
    const changes: (RateLimit | null)[] = [];
    renderWithMantine(<Harness onChange={(value) => changes.push(value)} />);

    expect(screen.queryByRole('textbox', { name: 'Requests' })).toBeNull();
    await user.click(screen.getByRole('switch', { name: /Limit the request rate/ }));
    expect(changes.at(-1)).toEqual(DEFAULT_RATE_LIMIT);

    const requests = screen.getByRole('textbox', { name: 'Requests' });
    await user.clear(requests);
    await user.type(requests, '10');
    const seconds = screen.getByRole('textbox', { name: 'Seconds' });
    await user.clear(seconds);
    await user.type(seconds, '5');
    expect(changes.at(-1)).toEqual({ requests: 10, perSeconds: 5 });

    await user.click(screen.getByRole('switch', { name: /Limit the request rate/ }));
    expect(changes.at(-1)).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Requests' })).toBeNull();
  });
});
