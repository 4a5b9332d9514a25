import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { LoginPage } from '../pages/Login';
import { NotFoundPage } from '../pages/NotFound';
import { HomeRedirect, RequireAdmin, RequireSession } from './guards';

/**
 * A page loaded with its own chunk the first time it is opened, so the first load carries only
 * the shell, the login page and the router (each page's code splits off by route).
 */
function page<TModule>(load: () => Promise<TModule>, name: keyof TModule) {
  const Page = lazy(async () => ({ default: (await load())[name] as ComponentType }));
  return (
    <Suspense
      fallback={
        <Center py="xl">
          <Loader aria-label="Loading the page" />
        </Center>
      }
    >
      <Page />
    </Suspense>
  );
}

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    {
      path: '/report-leak',
      element: page(() => import('../pages/ReportLeak'), 'ReportLeakPage'),
    },
    {
      element: <RequireSession />,
      children: [
        {
          // The signed-in shell too: the login page, the first one a visitor sees, needs none of it.
          element: page(() => import('../components/app-layout'), 'AppLayout'),
          children: [
            { index: true, element: <HomeRedirect /> },
            { path: 'profile', element: page(() => import('../pages/Profile'), 'ProfilePage') },
            { path: 'security', element: page(() => import('../pages/Security'), 'SecurityPage') },
            { path: 'sessions', element: page(() => import('../pages/Sessions'), 'SessionsPage') },
            {
              path: 'tokens',
              element: page(
                () => import('../pages/PersonalAccessTokens'),
                'PersonalAccessTokensPage',
              ),
            },
            { path: 'api-token', element: page(() => import('../pages/ApiToken'), 'ApiTokenPage') },
            { path: 'api-keys', element: page(() => import('../pages/ApiKeys'), 'ApiKeysPage') },
            {
              path: 'admin',
              element: <RequireAdmin />,
              children: [
                { index: true, element: <Navigate to="/admin/users" replace /> },
                {
                  path: 'overview',
                  element: page(() => import('../pages/Overview'), 'OverviewPage'),
                },
                { path: 'users', element: page(() => import('../pages/Users'), 'UsersPage') },
                {
                  path: 'users/:userId',
                  element: page(() => import('../pages/UserDetail'), 'UserDetailPage'),
                },
                { path: 'audit', element: page(() => import('../pages/AuditLog'), 'AuditLogPage') },
                {
                  path: 'signing-keys',
                  element: page(() => import('../pages/SigningKeys'), 'SigningKeysPage'),
                },
              ],
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
