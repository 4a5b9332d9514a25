import { Card, Group, Modal, Stack } from '@mantine/core';
import { useMemo, useState, type ReactNode } from 'react';
import { useNow } from '../hooks/use-now';
import type { CredentialRotation, CredentialUpdate } from '../resources/credential-lifecycle';
import { CredentialActions, OutgoingCredentialActions } from './credential-actions';
import {
  isInactive,
  isOutgoing,
  successorIds,
  SuccessorsContext,
  type CredentialRow,
} from './credential-columns';
import { CredentialSettingsForm } from './credential-settings-form';
import { CredentialStateTabs, type ShownState } from './credential-state-tabs';
import { DataTable, usePhone, type Column } from './data-table';
import { ProblemAlert } from './problem-alert';
import { RotateDialog } from './rotate-dialog';

interface CallOptions {
  onSuccess?: () => void;
  onError?: (error: unknown) => void;
}

/** The part of a react-query mutation the list drives. */
export interface Mutation<TInput> {
  mutate: (input: TInput, options?: CallOptions) => void;
  isPending: boolean;
  variables: TInput | undefined;
  error: unknown;
  reset: () => void;
}

/** The lifecycle actions of one credential kind, and how its dialogs talk about it. */
export interface CredentialLifecycle<T> {
  toggle: Mutation<CredentialUpdate<T>>;
  edit: Mutation<CredentialUpdate<T>>;
  rotate: Mutation<CredentialRotation<T>>;
  revoke: Mutation<T>;
  /** The rotate item of the menu: "Rotate", "Rotate secret". */
  rotateLabel: string;
  /** What a rotation replaces: "token", "secret". */
  rotates: string;
  /** What a rotation keeps, said in its dialog. */
  keeps: string;
  /** What the revoke confirmation says stops working. */
  revokeMessage: string;
}

export interface CredentialListProps<T extends CredentialRow> {
  label: string;
  state: ShownState;
  onStateChange: (state: ShownState) => void;
  /** undefined while loading. */
  rows: T[] | undefined;
  error: unknown;
  columns: Column<T>[];
  rowTestId: string;
  /** Beside the Active/Inactive tabs: the create button. */
  toolbar?: ReactNode;
  empty: { active: ReactNode; inactive: ReactNode };
  /** Without it the list is read-only. */
  lifecycle?: CredentialLifecycle<T> | undefined;
}

/**
 * One list for every credential kind: Active and Inactive tabs, the DataTable, and for each live
 * row the enable switch, rotate (with the overlap dialog), edit and revoke.
 */
export function CredentialList<T extends CredentialRow>({
  label,
  state,
  onStateChange,
  rows,
  error,
  columns,
  rowTestId,
  toolbar,
  empty,
  lifecycle,
}: CredentialListProps<T>) {
  const phone = usePhone();
  const [rotating, setRotating] = useState<T | null>(null);
  const [editing, setEditing] = useState<T | null>(null);
  const now = useNow();
  const successors = useMemo(() => successorIds(rows ?? [], now), [rows, now]);
  const actions = lifecycle && {
    actions: (row: T) => {
      if (isInactive(row, now)) return null;
      if (isOutgoing(row, now))
        return (
          <OutgoingCredentialActions
            name={row.name}
            onRevoke={() => lifecycle.revoke.mutate(row)}
            revokeMessage={lifecycle.revokeMessage}
          />
        );
      return (
        <CredentialActions
          name={row.name}
          disabled={row.disabled}
          toggling={
            lifecycle.toggle.isPending && lifecycle.toggle.variables?.credential.id === row.id
          }
          onToggle={(disabled) =>
            lifecycle.toggle.mutate({ credential: row, changes: { disabled } })
          }
          onRotate={() => setRotating(row)}
          onEdit={() => {
            lifecycle.edit.reset();
            setEditing(row);
          }}
          onRevoke={() => lifecycle.revoke.mutate(row)}
          rotateLabel={lifecycle.rotateLabel}
          revokeMessage={lifecycle.revokeMessage}
        />
      );
    },
  };
  return (
    <Stack>
      <Group justify="space-between">
        <CredentialStateTabs value={state} onChange={onStateChange} label={`Which ${label}`} />
        {toolbar}
      </Group>
      <ProblemAlert error={error} />
      <Card withBorder padding="md">
        <SuccessorsContext value={successors}>
          <DataTable
            label={label}
            rows={rows}
            columns={columns}
            rowKey={(row) => row.id}
            rowTestId={rowTestId}
            minWidth={860}
            empty={empty[state]}
            {...actions}
          />
        </SuccessorsContext>
      </Card>
      {lifecycle && (
        <>
          <RotateDialog
            name={rotating?.name ?? null}
            what={lifecycle.rotates}
            keeps={lifecycle.keeps}
            busy={lifecycle.rotate.isPending}
            error={lifecycle.rotate.error}
            onClose={() => setRotating(null)}
            onRotate={(overlapSeconds) =>
              rotating &&
              lifecycle.rotate.mutate(
                { credential: rotating, overlapSeconds },
                { onSuccess: () => setRotating(null) },
              )
            }
          />
          <Modal
            opened={editing !== null}
            onClose={() => setEditing(null)}
            title={`Edit “${editing?.name ?? ''}”`}
            fullScreen={phone}
          >
            {editing && (
              <CredentialSettingsForm<CredentialUpdate<T>>
                initial={{ name: editing.name, rateLimit: editing.rateLimit }}
                save={{
                  ...lifecycle.edit,
                  mutate: (input, options) =>
                    lifecycle.edit.mutate(input, { ...options, onSuccess: () => setEditing(null) }),
                }}
                toInput={(changes) => ({ credential: editing, changes })}
              />
            )}
          </Modal>
        </>
      )}
    </Stack>
  );
}
