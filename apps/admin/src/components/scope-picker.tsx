import { Anchor, Checkbox, Group, Input, Stack, Text } from '@mantine/core';
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from '@latchkey/contracts';

export interface ScopePickerProps {
  value: Scope[];
  onChange: (scopes: Scope[]) => void;
  /** The scopes the holder's roles allow; the others are shown but cannot be picked. */
  allowed: readonly Scope[];
  error?: string;
  label?: string;
  /** Whose roles bound the scopes, when not the signed-in person's (an admin acting for a user). */
  holder?: string;
}

/** Why a scope cannot be picked, naming whose roles stop it. */
export function notAllowedReason(holder?: string): string {
  return holder ? `The roles of ${holder} do not allow it.` : 'Your roles do not allow it.';
}

/** Keeps the contract's order, whatever order the boxes were ticked in. */
export function toggleScope(value: readonly Scope[], scope: Scope, checked: boolean): Scope[] {
  const next = new Set(value);
  if (checked) next.add(scope);
  else next.delete(scope);
  return SCOPES.filter((candidate) => next.has(candidate));
}

/** Scopes as checkboxes, each with the description people read before granting it. */
export function ScopePicker({
  value,
  onChange,
  allowed,
  error,
  label = 'Scopes',
  holder,
}: ScopePickerProps) {
  const allowedSet = new Set(allowed);
  const allPicked = allowed.every((scope) => value.includes(scope));
  return (
    <Input.Wrapper label={label} error={error} required>
      <Stack gap="xs" mt={6} role="group" aria-label={label}>
        <Group justify="flex-end">
          <Anchor
            component="button"
            type="button"
            size="xs"
            onClick={() =>
              onChange(allPicked ? [] : SCOPES.filter((scope) => allowedSet.has(scope)))
            }
          >
            {allPicked ? 'Clear all' : 'Select all'}
          </Anchor>
        </Group>
        {SCOPES.map((scope) => {
          const permitted = allowedSet.has(scope);
          return (
            <Checkbox
              key={scope}
              value={scope}
              checked={value.includes(scope)}
              disabled={!permitted}
              onChange={(event) => onChange(toggleScope(value, scope, event.currentTarget.checked))}
              label={
                <Text component="span" ff="monospace" size="sm">
                  {scope}
                </Text>
              }
              description={
                permitted
                  ? SCOPE_DESCRIPTIONS[scope]
                  : `${SCOPE_DESCRIPTIONS[scope]}. ${notAllowedReason(holder)}`
              }
            />
          );
        })}
      </Stack>
    </Input.Wrapper>
  );
}
