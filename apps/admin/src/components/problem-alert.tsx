import { Alert, List } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { ApiError } from '@latchkey/api-client';

/** What to tell a person about a failed call: the problem+json detail when there is one. */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const issues = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertCircle size={18} />}
      title={title ?? (error instanceof ApiError ? error.problem.title : 'Error')}
      role="alert"
    >
      {problemMessage(error)}
      {issues.length > 0 && (
        <List size="sm" mt={4}>
          {issues.map((issue) => (
            <List.Item key={`${issue.field}:${issue.message}`}>{issue.message}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
