import {
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { updateMeSchema, type Me } from '@latchkey/contracts';
import { ChangePasswordForm } from '../../components/change-password-form';
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
            <ChangePasswordForm />
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}
