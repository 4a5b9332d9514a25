import { jest } from '@jest/globals';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { renderWithMantine } from '../test-utils';
import { CredentialActions } from './credential-actions';

/** A credential whose disabled flag follows the switch, as the list does after the PATCH. */
function Harness({ onToggle }: { onToggle: (disabled: boolean) => void }) {
  const [disabled, setDisabled] = useState(false);
  return (
    <CredentialActions
      name="deploy"
      disabled={disabled}
      toggling={false}
      onToggle={(next) => {
        setDisabled(next);
        onToggle(next);
      }}
      onRotate={() => undefined}
      onEdit={() => undefined}
      onRevoke={() => undefined}
      rotateLabel="Rotate"
      revokeMessage="Scripts lose access."
    />
  );
}

describe('CredentialActions', () => {
  it('disables and enables with a switch beside the menu of actions', async () => {
    const user = userEvent.setup();
    const onToggle = jest.fn<(disabled: boolean) => void>();
    renderWithMantine(<Harness onToggle={onToggle} />);
    const toggle = () => screen.getByRole('switch') as HTMLInputElement;

    expect(toggle().checked).toBe(true);
    expect(screen.getByRole('switch', { name: 'deploy enabled' })).toBe(toggle());
    expect(screen.getByText('Enabled')).toBeTruthy();
    await user.click(toggle());
    expect(onToggle).toHaveBeenLastCalledWith(true);
    expect(toggle().checked).toBe(false);
    // The label follows the state: it never says "Enabled" beside a switch that is off.
    expect(screen.getByRole('switch', { name: 'deploy disabled' })).toBe(toggle());
    expect(screen.getByText('Disabled')).toBeTruthy();
    expect(screen.queryByText('Enabled')).toBeNull();
    await user.click(toggle());
    expect(onToggle).toHaveBeenLastCalledWith(false);

    // The menu (rotate, edit, revoke) is driven by the browser journeys.
    expect(screen.getByRole('button', { name: 'Actions for deploy' })).toBeTruthy();
  });
});
