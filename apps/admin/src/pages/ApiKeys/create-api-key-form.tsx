import { Button, Group, Stack, TextInput } from '@mantine/core';
import {
  createApiKeySchema,
  scopesForRoles,
  type ApiKeyCreated,
  type RateLimit,
  type Scope,
  type User,
} from '@latchkey/contracts';
import { ProblemAlert } from '../../components/problem-alert';
import { RateLimitField, rateLimitErrors } from '../../components/rate-limit-field';
import { ScopePicker } from '../../components/scope-picker';
import { useZodForm } from '../../hooks/use-zod-form';
import { useCreateApiKey } from '../../resources/api-keys/queries';

interface ApiKeyValues extends Record<string, unknown> {
  name: string;
  scopes: Scope[];
  rateLimit: RateLimit | null;
}

export function CreateApiKeyForm({
  user,
  onCreated,
}: {
  user: Pick<User, 'id' | 'login' | 'roles'>;
  onCreated: (key: ApiKeyCreated) => void;
}) {
  const form = useZodForm<ApiKeyValues>(createApiKeySchema, {
    initialValues: { name: '', scopes: [], rateLimit: null },
  });
  const create = useCreateApiKey(user.id, {
    success: (key) => `API key “${key.name}” created`,
    toastErrors: false,
    onSuccess: onCreated,
  });
  return (
    <form noValidate onSubmit={form.submitTo(create)}>
      <Stack>
        <ProblemAlert error={create.error} />
        <TextInput
          label="Name"
          description="Which machine or service uses it, e.g. “billing worker”"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <ScopePicker
          value={form.values.scopes}
          onChange={(scopes) => form.setFieldValue('scopes', scopes)}
          allowed={scopesForRoles(user.roles)}
          holder={user.login}
          error={form.errors.scopes as string | undefined}
        />
        <RateLimitField
          value={form.values.rateLimit}
          onChange={(rateLimit) => form.setFieldValue('rateLimit', rateLimit)}
          errors={rateLimitErrors(form.errors)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Generate API key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
