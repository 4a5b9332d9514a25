import { screen } from '@testing-library/react';
import { renderWithMantine } from '../test-utils';
import { AuditDetails, detailEntries, humanizeKey } from './audit-details';

describe('AuditDetails', () => {
  it('turns keys into words and values into text', () => {
    expect(humanizeKey('sessionId')).toBe('Session id');
    expect(humanizeKey('must_change')).toBe('Must change');
    expect(
      detailEntries({ roles: ['admin', 'user'], mustChange: true, reset: false, kid: 'k1', n: 3 }),
    ).toEqual([
      ['Roles', 'admin, user'],
      ['Must change', 'yes'],
      ['Reset', 'no'],
      ['Kid', 'k1'],
      ['N', '3'],
    ]);
  });

  it('shows labelled lines, not raw JSON', () => {
    renderWithMantine(
      <AuditDetails details={{ sessionId: 'b7d1', factor: 'password', fields: ['email'] }} />,
    );
    expect(screen.getByText('Session id')).toBeTruthy();
    expect(screen.getByText('b7d1')).toBeTruthy();
    expect(screen.getByText('Factor')).toBeTruthy();
    expect(screen.getByText('email')).toBeTruthy();
    expect(screen.queryByText(/[{}"]/)).toBeNull();
  });
});
