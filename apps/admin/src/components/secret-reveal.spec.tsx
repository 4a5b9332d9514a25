import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithMantine } from '../test-utils';
import { SecretReveal } from './secret-reveal';

describe('SecretReveal', () => {
  it('shows the secret once with a warning, and copies it to the clipboard', async () => {
    const user = userEvent.setup();
    renderWithMantine(
      <SecretReveal
        label="Personal access token"
        value="eyJ.secret.token"
        note="Any earlier token has stopped working."
      />,
    );

    expect(screen.getByRole('alert').textContent).toContain('shown only once');
    expect(screen.getByRole('alert').textContent).toContain(
      'Any earlier token has stopped working.',
    );
    expect(screen.getByTestId('secret-value').textContent).toBe('eyJ.secret.token');

    await user.click(screen.getByRole('button', { name: 'Copy personal access token' }));

    expect(await navigator.clipboard.readText()).toBe('eyJ.secret.token');
    expect(screen.getByRole('button', { name: 'Personal access token copied' }).textContent).toBe(
      'Copied',
    );
  });
});
