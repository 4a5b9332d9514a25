import { Alert, List } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { ApiError } from '@latchkey/api-client';
import { isReauthenticationRequired, ReauthPrompt, stepUpRetry } from './reauth-prompt';

/** Fields whose server messages a form already shows under its inputs, per failed call. */
const shownInFields = new WeakMap<ApiError, Set<string>>();

/** A form placed these fields' messages under its inputs: the alert will not repeat them. */
export function markShownInFields(error: ApiError, fields: Iterable<string>): void {
  shownInFields.set(error, new Set(fields));
}

/** What to tell a person about a failed call: the problem+json detail when there is one. */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/**
 * A failed call, said once: the detail and the field messages a form does not already show
 * under its inputs (nothing at all when the form shows every one of them). A call refused until
 * the person proves it is them again shows the step-up prompt instead, and runs again after it.
 */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const retry = isReauthenticationRequired(error) ? stepUpRetry(error) : undefined;
  if (isReauthenticationRequired(error) && retry) {
    return <ReauthPrompt error={error} onProved={retry} />;
  }
  const placed = error instanceof ApiError ? shownInFields.get(error) : undefined;
  const issues = (error instanceof ApiError ? (error.problem.errors ?? []) : []).filter(
    (issue) => !placed?.has(issue.field),
  );
  if (placed && issues.length === 0) return null;
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
