import { jest } from '@jest/globals';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MAX_OVERLAP_SECONDS } from '@latchkey/contracts';
import { renderWithMantine } from '../test-utils';
import { describeOverlap, RotateDialog } from './rotate-dialog';

describe('RotateDialog', () => {
  it('says what happens to the old secret', () => {
    expect(describeOverlap('token', 0)).toBe('The old token stops working at once.');
    expect(describeOverlap('secret', 86_400)).toBe(
      'The old secret keeps working for 1 day beside the new one, then stops.',
    );
  });

  it('rotates at once by default, or with the overlap picked', async () => {
    const user = userEvent.setup();
    const onRotate = jest.fn<(seconds: number) => void>();
    renderWithMantine(
      <RotateDialog
        name="deploy"
        what="token"
        keeps="It keeps the name."
        busy={false}
        onClose={() => undefined}
        onRotate={onRotate}
      />,
    );

    const dialog = await screen.findByRole('dialog', { name: 'Rotate “deploy”' });
    expect(dialog.textContent).toContain('The old token stops working at once.');
    await user.click(screen.getByRole('button', { name: 'Rotate token' }));
    expect(onRotate).toHaveBeenLastCalledWith(0);

    await user.click(screen.getByRole('radio', { name: '7 days' }));
    expect(screen.getByRole('status').textContent).toBe(
      'The old token keeps working for 7 days beside the new one, then stops.',
    );
    await user.click(screen.getByRole('button', { name: 'Rotate token' }));
    expect(onRotate).toHaveBeenLastCalledWith(MAX_OVERLAP_SECONDS);
  });
});
