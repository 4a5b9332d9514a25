import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import {
  rateLimitSchema,
  scopesForRoles,
  tokenNameSchema,
  type PersonalAccessTokenCreated,
  type RateLimit,
  type Scope,
} from '@latchkey/contracts';
import { z } from 'zod';
import {
  EXPIRY_PRESETS,
  expiresAtFor,
  expiryFieldsSchema,
  type ExpiryChoice,
} from '../../components/expiry';
import { ProblemAlert } from '../../components/problem-alert';
import { RateLimitField, rateLimitErrors } from '../../components/rate-limit-field';
import { ScopePicker } from '../../components/scope-picker';
import { useCurrentUser } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';
import { useCreatePersonalAccessToken } from '../../resources/personal-access-tokens/queries';

const createFormSchema = expiryFieldsSchema.and(
  z.object({
    name: tokenNameSchema,
    scopes: z.array(z.string()).min(1, 'Pick at least one scope'),
    rateLimit: rateLimitSchema.nullable(),
  }),
);

interface CreateFormValues extends Record<string, unknown> {
  name: string;
  scopes: Scope[];
  expiry: ExpiryChoice;
  customDate: string;
  rateLimit: RateLimit | null;
}

export function CreateTokenForm({
  onCreated,
}: {
  onCreated: (token: PersonalAccessTokenCreated) => void;
}) {
  const user = useCurrentUser();
  const form = useZodForm<CreateFormValues>(createFormSchema, {
    initialValues: { name: '', scopes: [], expiry: '30', customDate: '', rateLimit: null },
  });
  const create = useCreatePersonalAccessToken({
    success: (token) => `Token “${token.name}” created`,
    toastErrors: false,
    onSuccess: onCreated,
  });
  return (
    <form
      noValidate
      onSubmit={form.submitTo(create, ({ name, scopes, expiry, customDate, rateLimit }) => ({
        name,
        scopes,
        expiresAt: expiresAtFor(expiry, customDate),
        rateLimit,
      }))}
    >
      <Stack>
        <ProblemAlert error={create.error} />
        <TextInput
          label="Name"
          description="What is this token for? e.g. “CI deploys”"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Group grow align="flex-start">
          <Select
            label="Expiration"
            data={EXPIRY_PRESETS.map((preset) => ({ ...preset }))}
            allowDeselect={false}
            {...form.getInputProps('expiry')}
          />
          {form.values.expiry === 'custom' && (
            <TextInput label="Expires on" type="date" {...form.getInputProps('customDate')} />
          )}
        </Group>
        {form.values.expiry === 'never' && (
          <Text size="xs" c="orange">
            A token without expiry works until you revoke it. Prefer a date.
          </Text>
        )}
        <ScopePicker
          value={form.values.scopes}
          onChange={(scopes) => form.setFieldValue('scopes', scopes)}
          allowed={scopesForRoles(user.roles)}
          error={form.errors.scopes as string | undefined}
        />
        <RateLimitField
          value={form.values.rateLimit}
          onChange={(rateLimit) => form.setFieldValue('rateLimit', rateLimit)}
          errors={rateLimitErrors(form.errors)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Generate token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
