import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from '../components/app-layout';
import { ApiKeysPage } from '../pages/ApiKeys';
import { ApiTokenPage } from '../pages/ApiToken';
import { AuditLogPage } from '../pages/AuditLog';
import { LoginPage } from '../pages/Login';
import { NotFoundPage } from '../pages/NotFound';
import { PersonalAccessTokensPage } from '../pages/PersonalAccessTokens';
import { ProfilePage } from '../pages/Profile';
import { SecurityPage } from '../pages/Security';
import { SessionsPage } from '../pages/Sessions';
import { SigningKeysPage } from '../pages/SigningKeys';
import { UserDetailPage } from '../pages/UserDetail';
import { UsersPage } from '../pages/Users';
import { RequireAdmin, RequireSession } from './guards';

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    {
      element: <RequireSession />,
      children: [
        {
          element: <AppLayout />,
          children: [
            { index: true, element: <Navigate to="/tokens" replace /> },
            { path: 'profile', element: <ProfilePage /> },
            { path: 'security', element: <SecurityPage /> },
            { path: 'sessions', element: <SessionsPage /> },
            { path: 'tokens', element: <PersonalAccessTokensPage /> },
            { path: 'api-token', element: <ApiTokenPage /> },
            { path: 'api-keys', element: <ApiKeysPage /> },
            {
              path: 'admin',
              element: <RequireAdmin />,
              children: [
                { index: true, element: <Navigate to="/admin/users" replace /> },
                { path: 'users', element: <UsersPage /> },
                { path: 'users/:userId', element: <UserDetailPage /> },
                { path: 'audit', element: <AuditLogPage /> },
                { path: 'signing-keys', element: <SigningKeysPage /> },
              ],
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
