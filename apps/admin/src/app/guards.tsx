import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useSessionState } from '../hooks/use-auth';
import { ForbiddenPage } from '../pages/NotFound';

const PasswordChangePage = lazy(async () => ({
  default: (await import('../pages/PasswordChange')).PasswordChangePage,
}));

/** Pages behind a session: wait for the first refresh, else go to /login and come back after. */
export function RequireSession() {
  const state = useSessionState();
  const location = useLocation();
  if (state.status === 'unknown')
    return (
      <Center h="100dvh">
        <Loader aria-label="Loading your session" />
      </Center>
    );
  if (state.status === 'signed-out') {
    const next = `${location.pathname}${location.search}`;
    const search = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
    return <Navigate to={`/login${search}`} replace />;
  }
  // The server refuses everything but the password change to this session: ask for it first.
  if (state.session.passwordChangeRequired)
    return (
      <Suspense fallback={<Loader aria-label="Loading" />}>
        <PasswordChangePage />
      </Suspense>
    );
  return <Outlet />;
}

export function RequireAdmin() {
  const state = useSessionState();
  if (state.status === 'signed-in' && state.session.user.roles.includes('admin')) return <Outlet />;
  return <ForbiddenPage />;
}

/** The home page: the overview for an admin, their own personal access tokens for anyone else. */
export function HomeRedirect() {
  const state = useSessionState();
  const admin = state.status === 'signed-in' && state.session.user.roles.includes('admin');
  return <Navigate to={admin ? '/admin/overview' : '/tokens'} replace />;
}
