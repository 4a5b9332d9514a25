import { screen } from '@testing-library/react';
import { renderWithMantine } from '../test-utils';
import { DataTable } from './data-table';
import {
  credentialColumns,
  describeRevocation,
  ExpiryText,
  successorIds,
  SuccessorsContext,
  type CredentialRow,
} from './credential-columns';
import { formatClock } from './date-text';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

const row = (overrides: Partial<CredentialRow>): CredentialRow => ({
  id: 'a',
  name: 'deploy',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: null,
  rateLimit: null,
  disabled: false,
  revokedAt: null,
  revokedReason: null,
  ...overrides,
});

describe('credential columns', () => {
  it('say why a credential stopped, and nothing while it works or still overlaps', () => {
    const past = '2026-02-01T00:00:00.000Z';
    const future = '2026-03-01T13:00:00.000Z';
    expect(describeRevocation(row({ revokedAt: past, revokedReason: 'leaked' }), NOW)).toBe(
      'revoked: leaked',
    );
    expect(describeRevocation(row({ revokedAt: past, revokedReason: 'revoked' }), NOW)).toBe(
      'revoked',
    );
    // An overlap that has ended is over: "stopped", never "stops just now".
    expect(describeRevocation(row({ revokedAt: past, revokedReason: 'rotated' }), NOW)).toBe(
      'rotated: stopped',
    );
    expect(describeRevocation(row({ revokedAt: null, revokedReason: 'expired' }), NOW)).toBe(
      'expired',
    );
    expect(
      describeRevocation(row({ revokedAt: future, revokedReason: 'rotated' }), NOW),
    ).toBeNull();
    expect(describeRevocation(row({}), NOW)).toBeNull();
  });

  it('draw the status, rate limit and last use of every kind the same way', () => {
    const columns = credentialColumns<CredentialRow>({ middle: [] });
    renderWithMantine(
      <DataTable
        label="Credentials"
        rows={[
          row({ id: '1', name: 'live', rateLimit: { requests: 10, perSeconds: 60 } }),
          row({ id: '2', name: 'off', disabled: true }),
          row({
            id: '3',
            name: 'gone',
            revokedAt: '2026-01-02T00:00:00.000Z',
            revokedReason: 'leaked',
          }),
        ]}
        columns={columns}
        rowKey={(credential) => credential.id}
        rowTestId="credential"
        empty={null}
      />,
    );
    const rows = screen.getAllByTestId('credential').map((element) => element.textContent);
    expect(columns.map((column) => column.header)).toEqual([
      'Name',
      'Status',
      'Rate limit',
      'Last used',
    ]);
    expect(rows[0]).toContain('active');
    expect(rows[0]).toContain('10 per minute');
    expect(rows[1]).toContain('disabled');
    expect(rows[1]).toContain('No limit');
    expect(rows[2]).toContain('revoked: leaked');
  });

  it('highlight an expiry under 7 days away', () => {
    const { unmount } = renderWithMantine(<ExpiryText expiresAt={inDays(3)} />);
    expect(screen.getByText('expires in 3 days')).toBeTruthy();
    unmount();

    renderWithMantine(<ExpiryText expiresAt={inDays(30)} />);
    expect(screen.queryByText(/^expires/)).toBeNull();
    expect(screen.getByText('in 4 weeks')).toBeTruthy();
  });

  it('mark the successor of a rotation "new", and say when the outgoing one stops, to the minute', () => {
    const stopsAt = new Date(Date.now() + 3_600_000).toISOString();
    const outgoing = row({
      id: 'old',
      name: 'ci',
      createdAt: '2026-01-01T00:00:00.000Z',
      revokedAt: stopsAt,
      revokedReason: 'rotated',
    });
    const successor = row({ id: 'new', name: 'ci', createdAt: '2026-02-01T00:00:00.000Z' });
    const rows = [
      successor,
      outgoing,
      row({ id: 'other', name: 'deploy', createdAt: '2026-02-02T00:00:00.000Z' }),
    ];
    expect([...successorIds(rows)]).toEqual(['new']);
    // Once the overlap is over, nothing is new any more.
    expect([...successorIds(rows, Date.parse(stopsAt) + 1)]).toEqual([]);

    renderWithMantine(
      <SuccessorsContext value={successorIds(rows)}>
        <DataTable
          label="Credentials"
          rows={rows}
          columns={credentialColumns<CredentialRow>({ middle: [] })}
          rowKey={(credential) => credential.id}
          rowTestId="credential"
          empty={null}
        />
      </SuccessorsContext>,
    );
    const [fresh, old, other] = screen.getAllByTestId('credential');
    expect(fresh?.textContent).toContain('cinew');
    expect(fresh?.textContent).toContain('active');
    expect(old?.textContent).toContain(`rotated: stops at ${formatClock(stopsAt)}`);
    expect(old?.textContent).not.toContain('new');
    expect(other?.textContent).not.toContain('new');
  });

  it('tell the time something stops as a clock today and with its date on another day', () => {
    const today = new Date(2026, 2, 1, 9, 5).getTime();
    expect(formatClock(new Date(2026, 2, 1, 14, 5).toISOString(), today)).toBe('14:05');
    expect(formatClock(new Date(2026, 2, 2, 0, 30).toISOString(), today)).toBe('Mar 2, 00:30');
  });
});
