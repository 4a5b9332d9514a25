import {
  Alert,
  Button,
  Card,
  Code,
  CopyButton,
  Flex,
  Group,
  Paper,
  Stack,
  Text,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export interface SecretRevealProps {
  /** What the secret is, e.g. "Personal access token". */
  label: string;
  value: string;
  /** Extra sentence under the warning (what stops working, where to put it). */
  note?: string;
}

/** "Personal access token" reads "personal access token" mid-sentence; "API secret" stays. */
function inSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? `${label[0]?.toLowerCase()}${label.slice(1)}` : label;
}

/** A secret shown once: the warning, the value in full, and a copy button. */
export function SecretReveal({ label, value, note }: SecretRevealProps) {
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Alert
          color="yellow"
          variant="light"
          icon={<IconAlertTriangle size={18} />}
          title="Copy it now"
        >
          This {inSentence(label)} is shown only once. Latchkey keeps only a hash of it: if you lose
          it, you will have to create a new one.
          {note ? ` ${note}` : ''}
        </Alert>
        <Text size="sm" fw={500} id={`secret-${label}`}>
          {label}
        </Text>
        <Flex
          gap="xs"
          direction={{ base: 'column', sm: 'row' }}
          align={{ base: 'stretch', sm: 'flex-start' }}
        >
          <Code
            block
            aria-labelledby={`secret-${label}`}
            data-testid="secret-value"
            style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          >
            {value}
          </Code>
          <CopyButton value={value} timeout={4000}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? 'filled' : 'light'}
                color={copied ? 'teal' : undefined}
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                onClick={copy}
                aria-label={copied ? `${label} copied` : `Copy ${inSentence(label)}`}
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Flex>
      </Stack>
    </Paper>
  );
}

/** A just-made secret on the page, above its list, until the person says they are done. */
export function NewSecretCard({
  title,
  onDone,
  children,
}: {
  title: string;
  onDone: () => void;
  children: ReactNode;
}) {
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Text fw={600}>{title}</Text>
        <Button size="xs" variant="subtle" onClick={onDone}>
          Done
        </Button>
      </Group>
      {children}
    </Card>
  );
}
