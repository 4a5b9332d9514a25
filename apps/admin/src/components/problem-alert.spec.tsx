import { Button, MantineProvider, TextInput } from '@mantine/core';
import { QueryClient, QueryClientProvider, useMutation } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from '@latchkey/api-client';
import { totpEnableSchema } from '@latchkey/contracts';
import { useZodForm } from '../hooks/use-zod-form';
import { ProblemAlert } from './problem-alert';

/** What POST /auth/mfa/totp/enable answers for a wrong code. */
const wrongCode = () =>
  new ApiError(400, {
    type: 'urn:latchkey:problem:validation_failed',
    title: 'Bad Request',
    status: 400,
    detail: 'The code is not valid.',
    code: 'validation_failed',
    errors: [{ field: 'code', message: 'The code is not valid' }],
  });

function CodeForm({ fail }: { fail: () => ApiError }) {
  const form = useZodForm(totpEnableSchema, { initialValues: { code: '' } });
  const enable = useMutation({ mutationFn: (_code: string) => Promise.reject(fail()) });
  return (
    <form noValidate onSubmit={form.submitTo(enable, ({ code }) => code)}>
      <ProblemAlert error={enable.error} />
      <TextInput label="Code from the app" {...form.getInputProps('code')} />
      <Button type="submit">Turn on</Button>
    </form>
  );
}

function renderForm(fail: () => ApiError) {
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient()}>
        <CodeForm fail={fail} />
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe('ProblemAlert in a form', () => {
  it('says a wrong code once: under the input, not again in an alert', async () => {
    const user = userEvent.setup();
    renderForm(wrongCode);
    await user.type(screen.getByLabelText('Code from the app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));

    expect(await screen.findByText('The code is not valid')).toBeTruthy();
    expect(screen.queryAllByText(/The code is not valid/)).toHaveLength(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('still shows what no input of the form can show', async () => {
    const user = userEvent.setup();
    renderForm(
      () =>
        new ApiError(400, {
          type: 'urn:latchkey:problem:validation_failed',
          title: 'Bad Request',
          status: 400,
          detail: 'The request is not valid.',
          code: 'validation_failed',
          errors: [{ field: 'mfa_token', message: 'The step has expired' }],
        }),
    );
    await user.type(screen.getByLabelText('Code from the app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The request is not valid.');
    expect(alert.textContent).toContain('The step has expired');
  });
});
