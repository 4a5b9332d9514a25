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
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <Switch
        size="sm"
        label="Enabled"
        aria-label={`${name} enabled`}
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
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
