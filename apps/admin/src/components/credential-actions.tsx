import { ActionIcon, Group, Menu, Switch } from '@mantine/core';
import { IconDots, IconPencil, IconRefresh, IconTrash } from '@tabler/icons-react';
import { confirmDestructive } from './confirm';

export interface CredentialActionsProps {
  name: string;
  disabled: boolean;
  /** Waiting for the enable/disable answer. */
  toggling: boolean;
  onToggle: (disabled: boolean) => void;
  onRotate: () => void;
  onEdit: () => void;
  onRevoke: () => void;
  /** What the confirmation says stops working. */
  revokeMessage: string;
  rotateLabel: string;
}

/** A live credential's actions: the enable switch, then rotate, edit and revoke in a menu. */
export function CredentialActions({
  name,
  disabled,
  toggling,
  onToggle,
  onRotate,
  onEdit,
  onRevoke,
  revokeMessage,
  rotateLabel,
}: CredentialActionsProps) {
  // The label says the state the switch is in, never the one it would set.
  const state = disabled ? 'Disabled' : 'Enabled';
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <Switch
        size="sm"
        label={state}
        aria-label={`${name} ${state.toLowerCase()}`}
        checked={!disabled}
        disabled={toggling}
        onChange={(event) => onToggle(!event.currentTarget.checked)}
      />
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${name}`}>
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconRefresh size={16} />} onClick={onRotate}>
            {rotateLabel}
          </Menu.Item>
          <Menu.Item leftSection={<IconPencil size={16} />} onClick={onEdit}>
            Edit name and rate limit
          </Menu.Item>
          <Menu.Divider />
          <RevokeItem name={name} onRevoke={onRevoke} revokeMessage={revokeMessage} />
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

/**
 * A credential in its rotation overlap: it stops by itself, so it can only be stopped sooner.
 * No switch (enabling it again would not undo the rotation) and no second rotation.
 */
export function OutgoingCredentialActions({
  name,
  onRevoke,
  revokeMessage,
}: Pick<CredentialActionsProps, 'name' | 'onRevoke' | 'revokeMessage'>) {
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${name}`}>
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <RevokeItem name={name} onRevoke={onRevoke} revokeMessage={revokeMessage} />
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

function RevokeItem({
  name,
  onRevoke,
  revokeMessage,
}: Pick<CredentialActionsProps, 'name' | 'onRevoke' | 'revokeMessage'>) {
  return (
    <Menu.Item
      color="red"
      leftSection={<IconTrash size={16} />}
      onClick={() =>
        confirmDestructive({
          title: `Revoke “${name}”?`,
          message: `${revokeMessage} This cannot be undone.`,
          confirmLabel: 'Revoke',
          onConfirm: onRevoke,
        })
      }
    >
      Revoke
    </Menu.Item>
  );
}
