import { jest } from '@jest/globals';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithMantine } from '../../test-utils';
import { parseCredentials, ReportLeakForm } from './report-leak-form';

describe('ReportLeakForm', () => {
  it('takes one credential per line, without blanks or repeats', () => {
    expect(parseCredentials(' lkt_a\n\nlk_b:lks_c  lkt_a\r\n')).toEqual(['lkt_a', 'lk_b:lks_c']);
  });

  it('says plainly that the answer never tells whether anything was found', async () => {
    const user = userEvent.setup();
    const report = jest.fn<(credentials: string[]) => Promise<void>>(async () => undefined);
    renderWithMantine(<ReportLeakForm report={report} />);

    expect(document.body.textContent).toContain('never tells whether anything was found');
    await user.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(screen.getByText('Send at least one credential')).toBeTruthy();
    expect(report).not.toHaveBeenCalled();

    await user.type(
      screen.getByRole('textbox', { name: /Leaked credentials/ }),
      'eyJ.leaked.token{enter}lk_a:lks_b',
    );
    await user.click(screen.getByRole('button', { name: 'Revoke' }));

    expect(report).toHaveBeenCalledWith(['eyJ.leaked.token', 'lk_a:lks_b']);
    expect((await screen.findByRole('status')).textContent).toContain(
      'same whether or not anything was found',
    );
    expect(
      (screen.getByRole('textbox', { name: /Leaked credentials/ }) as HTMLTextAreaElement).value,
    ).toBe('');
  });
});
