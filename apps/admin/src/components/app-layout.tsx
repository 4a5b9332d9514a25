import {
  ActionIcon,
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  Tooltip,
  UnstyledButton,
  VisuallyHidden,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import {
  IconApi,
  IconChartBar,
  IconDeviceDesktop,
  IconFileText,
  IconKey,
  IconLock,
  IconLogout,
  IconMoon,
  IconShieldLock,
  IconShieldX,
  IconSun,
  IconTicket,
  IconUser,
  IconUsers,
  IconWritingSign,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { MouseEvent, ReactNode } from 'react';
import { NavLink as RouterNavLink, Outlet, useNavigate } from 'react-router';
import { useApi, useCoordinator, useCurrentUser } from '../hooks/use-auth';
import { Logo } from './logo';

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
}

const ACCOUNT: NavItem[] = [
  { to: '/profile', label: 'My profile', icon: <IconUser size={18} /> },
  { to: '/security', label: 'Security', icon: <IconShieldLock size={18} /> },
  { to: '/sessions', label: 'My sessions', icon: <IconDeviceDesktop size={18} /> },
];
const CREDENTIALS: NavItem[] = [
  { to: '/tokens', label: 'Personal access tokens', icon: <IconTicket size={18} /> },
  { to: '/api-token', label: 'Account API token', icon: <IconApi size={18} /> },
  { to: '/api-keys', label: 'My API keys', icon: <IconKey size={18} /> },
  { to: '/report-leak', label: 'Report a leaked credential', icon: <IconShieldX size={18} /> },
];
const ADMIN: NavItem[] = [
  { to: '/admin/overview', label: 'Overview', icon: <IconChartBar size={18} /> },
  { to: '/admin/users', label: 'Users', icon: <IconUsers size={18} /> },
  { to: '/admin/audit', label: 'Audit log', icon: <IconFileText size={18} /> },
  { to: '/admin/signing-keys', label: 'Signing keys', icon: <IconWritingSign size={18} /> },
];

function NavSection({
  title,
  items,
  onNavigate,
}: {
  title: string;
  items: NavItem[];
  onNavigate: () => void;
}) {
  return (
    <>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mt="md" mb={4}>
        {title}
      </Text>
      {items.map((item) => (
        <NavLink
          key={item.to}
          component={RouterNavLink}
          to={item.to}
          label={item.label}
          leftSection={item.icon}
          onClick={onNavigate}
        />
      ))}
    </>
  );
}

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        onClick={() => setColorScheme(next)}
      >
        {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

/** Moves focus to the page itself, past the header and the navigation. */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const user = useCurrentUser();
  const api = useApi();
  const coordinator = useCoordinator();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const logout = async () => {
    // The session may already be gone server-side; the user still leaves.
    await api.auth.logout().catch(() => undefined);
    coordinator.signOut('logout');
    queryClient.clear();
    await navigate('/login');
  };

  // Toasts and confirm dialogs belong to the signed-in pages: here, they stay out of the
  // first load (the login page uses neither).
  return (
    <ModalsProvider>
      <Notifications position="bottom-right" />
      <a href="#main" className="skip-link" onClick={skipToContent}>
        Skip to content
      </a>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Menu"
              />
              <Logo />
            </Group>
            <Group gap="xs" wrap="nowrap">
              <ColorSchemeToggle />
              <Menu position="bottom-end" width={220}>
                <Menu.Target>
                  {/* Named by its content, so the name holds what the eye reads (WCAG 2.5.3). */}
                  <UnstyledButton>
                    <Group gap={8} wrap="nowrap">
                      <Avatar radius="xl" size={32} color="indigo" aria-hidden>
                        {(user.displayName || user.login).slice(0, 2).toUpperCase()}
                      </Avatar>
                      <VisuallyHidden>Account menu of</VisuallyHidden>
                      <Text size="sm" fw={500} visibleFrom="sm">
                        {user.login}
                      </Text>
                      <VisuallyHidden hiddenFrom="sm">{user.login}</VisuallyHidden>
                    </Group>
                  </UnstyledButton>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>
                    Signed in as {user.login}
                    {user.roles.includes('admin') ? ' (admin)' : ''}
                  </Menu.Label>
                  <Menu.Item
                    leftSection={<IconUser size={16} />}
                    onClick={() => void navigate('/profile')}
                  >
                    My profile
                  </Menu.Item>
                  <Menu.Item
                    leftSection={<IconLock size={16} />}
                    onClick={() => void navigate('/security')}
                  >
                    Security
                  </Menu.Item>
                  <Menu.Divider />
                  <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void logout()}>
                    Log out
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Main">
          <ScrollArea>
            {/* An admin's home is the overview: their section comes first. */}
            {user.roles.includes('admin') && (
              <NavSection title="Administration" items={ADMIN} onNavigate={close} />
            )}
            <NavSection title="Account" items={ACCOUNT} onNavigate={close} />
            <NavSection title="Credentials" items={CREDENTIALS} onNavigate={close} />
          </ScrollArea>
        </AppShell.Navbar>
        <AppShell.Main id="main" tabIndex={-1}>
          <div style={{ maxWidth: 1080, margin: '0 auto' }}>
            <Outlet />
          </div>
        </AppShell.Main>
      </AppShell>
    </ModalsProvider>
  );
}
