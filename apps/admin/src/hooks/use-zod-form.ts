import { useForm, type UseFormInput } from '@mantine/form';
import { ApiError } from '@latchkey/api-client';
import { markShownInFields } from '../components/problem-alert';
import type { z } from 'zod';

type Values = Record<string, unknown>;

/** Mantine form errors from the same zod schema the API validates with. */
export function zodErrors(schema: z.ZodType, values: unknown): Record<string, string> {
  const result = schema.safeParse(values);
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.join('.') || 'form'] ??= issue.message;
  return errors;
}

/**
 * A Mantine form validated by a contract schema. `applyServerErrors` puts the API's
 * validation_failed field messages under the matching inputs and says whether it placed any;
 * `submitTo` wires a mutation to the form with it.
 */
export function useZodForm<T extends Values>(
  schema: z.ZodType,
  options: Omit<UseFormInput<T>, 'validate'>,
) {
  const form = useForm<T>({ ...options, validate: (values) => zodErrors(schema, values) });
  const applyServerErrors = (error: unknown): boolean => {
    if (!(error instanceof ApiError)) return false;
    const fields = Object.entries(error.fieldErrors()).filter(([field]) => field in form.values);
    if (fields.length === 0) return false;
    markShownInFields(
      error,
      fields.map(([field]) => field),
    );
    form.setErrors(Object.fromEntries(fields));
    return true;
  };
  /**
   * The form's submit handler for a mutation: valid values (mapped by `toInput`) go to the
   * mutation, and the API's field messages come back under the inputs.
   */
  const submitTo = <TInput = T>(
    mutation: { mutate: (input: TInput, options: { onError: (error: unknown) => void }) => void },
    toInput: (values: T) => TInput = (values) => values as unknown as TInput,
  ) => form.onSubmit((values) => mutation.mutate(toInput(values), { onError: applyServerErrors }));
  return Object.assign(form, { applyServerErrors, submitTo });
}
