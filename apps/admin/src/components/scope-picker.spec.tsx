import { jest } from '@jest/globals';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { SCOPE_DESCRIPTIONS, SCOPES, scopesForRoles, type Scope } from '@latchkey/contracts';
import { renderWithMantine } from '../test-utils';
import { ScopePicker, toggleScope } from './scope-picker';

function Harness({
  allowed,
  onChange,
  holder,
}: {
  allowed: Scope[];
  onChange: (scopes: Scope[]) => void;
  holder?: string;
}) {
  const [value, setValue] = useState<Scope[]>([]);
  return (
    <ScopePicker
      value={value}
      allowed={allowed}
      {...(holder ? { holder } : {})}
      onChange={(scopes) => {
        setValue(scopes);
        onChange(scopes);
      }}
    />
  );
}

// Nine checkboxes clicked through userEvent: slow on a shared CI machine, not a speed check.
jest.setTimeout(30_000);

describe('ScopePicker', () => {
  it('lists every scope with its description and lets a user pick only what their roles allow', async () => {
    const user = userEvent.setup();
    const changes: Scope[][] = [];
    renderWithMantine(
      <Harness allowed={scopesForRoles(['user'])} onChange={(scopes) => changes.push(scopes)} />,
    );

    for (const scope of SCOPES) {
      expect(screen.getByRole('checkbox', { name: scope })).toBeTruthy();
      expect(screen.getByText(SCOPE_DESCRIPTIONS[scope], { exact: false })).toBeTruthy();
    }
    expect(
      (screen.getByRole('checkbox', { name: 'users:write' }) as HTMLInputElement).disabled,
    ).toBe(true);

    await user.click(screen.getByRole('checkbox', { name: 'tokens:write' }));
    await user.click(screen.getByRole('checkbox', { name: 'profile:read' }));
    await user.click(screen.getByRole('checkbox', { name: 'users:write' }));

    expect(changes.at(-1)).toEqual(['profile:read', 'tokens:write']);
    expect(
      (screen.getByRole('checkbox', { name: 'tokens:write' }) as HTMLInputElement).checked,
    ).toBe(true);
  });

  it.each(['admin:credentials', 'admin:keys'] as const)(
    'offers %s to an admin, with its description, and shows it to a user as not allowed',
    (scope) => {
      const { unmount } = renderWithMantine(
        <Harness allowed={scopesForRoles(['admin'])} onChange={() => undefined} />,
      );
      const offered = screen.getByRole('checkbox', { name: scope }) as HTMLInputElement;
      expect(offered.disabled).toBe(false);
      expect(screen.getByText(SCOPE_DESCRIPTIONS[scope])).toBeTruthy();
      unmount();

      renderWithMantine(<Harness allowed={scopesForRoles(['user'])} onChange={() => undefined} />);
      expect((screen.getByRole('checkbox', { name: scope }) as HTMLInputElement).disabled).toBe(
        true,
      );
    },
  );

  it("names whose roles forbid a scope: the signer's own, or the user an admin acts for", () => {
    const { unmount } = renderWithMantine(
      <Harness allowed={scopesForRoles(['user'])} onChange={() => undefined} />,
    );
    expect(screen.getAllByText(/Your roles do not allow it\./).length).toBeGreaterThan(0);
    unmount();

    renderWithMantine(
      <Harness allowed={scopesForRoles(['user'])} onChange={() => undefined} holder="carol" />,
    );
    expect(screen.getAllByText(/The roles of carol do not allow it\./).length).toBeGreaterThan(0);
    expect(screen.queryByText(/Your roles/)).toBeNull();
  });

  it('selects all allowed scopes at once, and clears them', async () => {
    const user = userEvent.setup();
    const changes: Scope[][] = [];
    renderWithMantine(
      <Harness allowed={scopesForRoles(['user'])} onChange={(scopes) => changes.push(scopes)} />,
    );

    await user.click(screen.getByRole('button', { name: 'Select all' }));
    expect(changes.at(-1)).toEqual(scopesForRoles(['user']));

    await user.click(screen.getByRole('button', { name: 'Clear all' }));
    expect(changes.at(-1)).toEqual([]);
  });

  it('keeps the contract order whatever order scopes are toggled in', () => {
    let scopes = toggleScope([], 'sessions:write', true);
    scopes = toggleScope(scopes, 'profile:read', true);
    scopes = toggleScope(scopes, 'tokens:read', true);
    scopes = toggleScope(scopes, 'sessions:write', false);
    expect(scopes).toEqual(['profile:read', 'tokens:read']);
  });
});
