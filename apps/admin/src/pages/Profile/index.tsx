import {
  Badge,
  Button,
  Card,
  Grid,
  Group,
  PasswordInput,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { changePasswordSchema, passwordSchema, updateMeSchema, type Me } from '@latchkey/contracts';
import { z } from 'zod';
import { DateText } from '../../components/date-text';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { useAction } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';
import { useZodForm } from '../../hooks/use-zod-form';

const profileFormSchema = updateMeSchema.required();

function ProfileForm({ me }: { me: Me }) {
  const api = useApi();
  const form = useZodForm(profileFormSchema, {
    initialValues: { displayName: me.displayName, email: me.email },
  });
  const save = useAction({
    run: (values: typeof form.values) => api.me.update(values),
    success: 'Profile saved',
    invalidates: [['me']],
    toastErrors: false,
    onSuccess: (user) => form.resetDirty({ displayName: user.displayName, email: user.email }),
  });
  return (
    <form noValidate onSubmit={form.submitTo(save)}>
      <Stack>
        <ProblemAlert error={save.error} />
        <TextInput label="Name" autoComplete="name" {...form.getInputProps('displayName')} />
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          {...form.getInputProps('email')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            Save profile
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const passwordFormSchema = changePasswordSchema
  .extend({
    currentPassword: z.string().min(1, 'Enter your current password'),
    newPassword: passwordSchema(),
    confirmPassword: z.string(),
  })
  .refine((values) => values.newPassword === values.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The two new passwords differ',
  });

function PasswordForm() {
  const api = useApi();
  const form = useZodForm(passwordFormSchema, {
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
  });
  const change = useAction({
    run: ({ currentPassword, newPassword }: typeof form.values) =>
      api.me.changePassword({ currentPassword, newPassword }),
    success: 'Password changed. Your other sessions were signed out.',
    invalidates: [['sessions']],
    toastErrors: false,
    onSuccess: () => form.reset(),
  });
  return (
    <form noValidate onSubmit={form.submitTo(change)}>
      <Stack>
        <ProblemAlert error={change.error} />
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          {...form.getInputProps('currentPassword')}
        />
        <PasswordInput
          label="New password"
          description="At least 12 characters. A long phrase is easiest to remember."
          autoComplete="new-password"
          {...form.getInputProps('newPassword')}
        />
        <PasswordInput
          label="Repeat the new password"
          autoComplete="new-password"
          {...form.getInputProps('confirmPassword')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ProfilePage() {
  const api = useApi();
  const me = useQuery({ queryKey: ['me'], queryFn: () => api.me.get() });
  return (
    <>
      <PageHeader title="My profile" description="Your name and email, and your password." />
      <ProblemAlert error={me.error} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder padding="lg">
            <Title order={3} size="h4" mb="md">
              Profile
            </Title>
            {me.data ? (
              <Stack>
                <Group gap="xs">
                  <Text size="sm" c="dimmed">
                    Login
                  </Text>
                  <Text size="sm" ff="monospace">
                    {me.data.login}
                  </Text>
                  {me.data.roles.map((role) => (
                    <Badge key={role} variant="light" size="sm">
                      {role}
                    </Badge>
                  ))}
                </Group>
                <Text size="sm" c="dimmed">
                  Member since <DateText value={me.data.createdAt} />
                </Text>
                <ProfileForm me={me.data} />
              </Stack>
            ) : (
              <Stack>
                <Skeleton height={20} width="60%" />
                <Skeleton height={36} />
                <Skeleton height={36} />
              </Stack>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder padding="lg">
            <Title order={3} size="h4" mb="md">
              Password
            </Title>
            <PasswordForm />
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}
