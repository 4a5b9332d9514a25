import { Button, Group, Stack, TextInput } from '@mantine/core';
import {
  rateLimitSchema,
  tokenNameSchema,
  type RateLimit,
  type UpdateCredentialInput,
} from '@latchkey/contracts';
import { z } from 'zod';
import { useZodForm } from '../hooks/use-zod-form';
import { ProblemAlert } from './problem-alert';
import { RateLimitField, rateLimitErrors } from './rate-limit-field';

const settingsSchema = z.object({ name: tokenNameSchema, rateLimit: rateLimitSchema.nullable() });

export interface CredentialSettings extends Record<string, unknown> {
  name: string;
  rateLimit: RateLimit | null;
}

export interface CredentialSettingsFormProps<TInput> {
  initial: CredentialSettings;
  save: {
    mutate: (input: TInput, options: { onError: (error: unknown) => void }) => void;
    isPending: boolean;
    error: unknown;
  };
  /** The mutation's input from what changed (the PATCH sends only that). */
  toInput: (changes: UpdateCredentialInput) => TInput;
}

/** The name and rate limit of a PAT or an API key, saved with one PATCH. */
export function CredentialSettingsForm<TInput>({
  initial,
  save,
  toInput,
}: CredentialSettingsFormProps<TInput>) {
  const form = useZodForm<CredentialSettings>(settingsSchema, { initialValues: initial });
  return (
    <form
      noValidate
      onSubmit={form.submitTo(save, ({ name, rateLimit }) =>
        toInput({
          ...(form.isDirty('name') ? { name } : {}),
          ...(form.isDirty('rateLimit') ? { rateLimit } : {}),
        }),
      )}
    >
      <Stack>
        <ProblemAlert error={save.error} />
        <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
        <RateLimitField
          value={form.values.rateLimit}
          onChange={(rateLimit) => form.setFieldValue('rateLimit', rateLimit)}
          errors={rateLimitErrors(form.errors)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
