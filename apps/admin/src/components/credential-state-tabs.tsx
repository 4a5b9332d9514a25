import { Tabs } from '@mantine/core';
import type { CredentialState } from '@latchkey/contracts';

export type ShownState = Exclude<CredentialState, 'all'>;

/** Live credentials, or the revoked and expired ones with when and why they stopped. */
export function CredentialStateTabs({
  value,
  onChange,
  label,
}: {
  value: ShownState;
  onChange: (state: ShownState) => void;
  label: string;
}) {
  return (
    <Tabs
      value={value}
      onChange={(next) => onChange(next === 'inactive' ? 'inactive' : 'active')}
      variant="pills"
    >
      <Tabs.List aria-label={label}>
        <Tabs.Tab value="active">Active</Tabs.Tab>
        <Tabs.Tab value="inactive">Inactive</Tabs.Tab>
      </Tabs.List>
    </Tabs>
  );
}
