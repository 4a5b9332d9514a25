import { jest } from '@jest/globals';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { renderWithMantine } from '../test-utils';
import { CredentialActions } from './credential-actions';

/** A credential whose disabled flag follows the switch, as the list does after the PATCH. */
function Harness({
  onToggle,
  onRotate,
}: {
  onToggle: (disabled: boolean) => void;
  onRotate: () => void;
}) {
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
      onRotate={onRotate}
      onEdit={() => undefined}
      onRevoke={() => undefined}
      rotateLabel="Rotate"
      revokeMessage="Scripts lose access."
    />
  );
}

jest.setTimeout(30_000);

describe('CredentialActions', () => {
  it('disables and enables with a switch, and offers rotate in the menu', async () => {
    const user = userEvent.setup();
    const onToggle = jest.fn<(disabled: boolean) => void>();
    const onRotate = jest.fn();
    renderWithMantine(<Harness onToggle={onToggle} onRotate={onRotate} />);
    const enabled = () =>
      screen.getByRole('switch', { name: 'deploy enabled' }) as HTMLInputElement;

    expect(enabled().checked).toBe(true);
    await user.click(enabled());
    expect(onToggle).toHaveBeenLastCalledWith(true);
    expect(enabled().checked).toBe(false);
    await user.click(enabled());
    expect(onToggle).toHaveBeenLastCalledWith(false);

    await user.click(screen.getByRole('button', { name: 'Actions for deploy' }));
    // The menu opens with a transition: on a loaded machine it takes longer than the 1 s default.
    await user.click(await screen.findByRole('menuitem', { name: 'Rotate' }, { timeout: 10_000 }));
    expect(onRotate).toHaveBeenCalledTimes(1);
  });
});
