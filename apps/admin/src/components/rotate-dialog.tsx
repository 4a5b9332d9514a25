import { Button, Group, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { MAX_OVERLAP_SECONDS } from '@latchkey/contracts';
import { ProblemAlert } from './problem-alert';

/** How long the old secret keeps working beside the new one (the API allows up to 7 days). */
export const OVERLAP_CHOICES = [
  { seconds: 0, label: 'None' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: MAX_OVERLAP_SECONDS, label: '7 days' },
] as const;

/** "The old token stops working at once." or "… keeps working for 1 day beside the new one." */
export function describeOverlap(what: string, seconds: number): string {
  const choice = OVERLAP_CHOICES.find((candidate) => candidate.seconds === seconds);
  if (!choice || seconds === 0) return `The old ${what} stops working at once.`;
  return `The old ${what} keeps working for ${choice.label} beside the new one, then stops.`;
}

export interface RotateDialogProps {
  /** The credential being rotated; the dialog is closed while null. */
  name: string | null;
  /** What gets replaced: "token", "secret". */
  what: string;
  /** What stays the same, said before the choice. */
  keeps: string;
  busy: boolean;
  /** Why the last rotation failed (or the step-up prompt it needs), shown in the dialog. */
  error?: unknown;
  onClose: () => void;
  onRotate: (overlapSeconds: number) => void;
}

/** Asks how long the old secret may overlap with the new one, then rotates. */
export function RotateDialog({
  name,
  what,
  keeps,
  busy,
  error,
  onClose,
  onRotate,
}: RotateDialogProps) {
  const [overlap, setOverlap] = useState('0');
  const seconds = Number(overlap);
  return (
    <Modal
      opened={name !== null}
      onClose={onClose}
      title={`Rotate “${name ?? ''}”`}
      centered
      onExitTransitionEnd={() => setOverlap('0')}
    >
      <Stack>
        <Text size="sm">
          A new {what} is made and shown once. {keeps}
        </Text>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="overlap-label">
            Overlap: the old {what} keeps working for
          </Text>
          <SegmentedControl
            aria-labelledby="overlap-label"
            fullWidth
            value={overlap}
            onChange={setOverlap}
            data={OVERLAP_CHOICES.map((choice) => ({
              value: String(choice.seconds),
              label: choice.label,
            }))}
          />
          <Text size="xs" c={seconds === 0 ? 'orange' : 'dimmed'} role="status">
            {describeOverlap(what, seconds)}
          </Text>
        </Stack>
        <ProblemAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={busy} onClick={() => onRotate(seconds)}>
            Rotate {what}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
