import { type ReactNode, useEffect, useState } from 'react';
import { createApiClient } from '@latchkey/api-client';
import { AuthContext, type AuthContextValue } from './auth-context';
import { RefreshCoordinator } from './refresh-coordinator';

/** One API client and one refresh coordinator for the whole tab; the token stays in memory. */
export function createAuth(): AuthContextValue {
  const coordinator: RefreshCoordinator = new RefreshCoordinator({
    refresh: () => api.auth.refresh(),
    locks: typeof navigator !== 'undefined' ? navigator.locks : undefined,
    channel:
      typeof BroadcastChannel !== 'undefined'
        ? new BroadcastChannel('latchkey-session')
        : undefined,
    marker: typeof localStorage !== 'undefined' ? localStorage : undefined,
  });
  const api = createApiClient({
    credentials: 'same-origin',
    token: () => coordinator.accessToken,
    // Only a request that carried a token may be retried with a refreshed one.
    onUnauthorized: () =>
      coordinator.accessToken
        ? coordinator.refresh().then(
            () => true,
            () => false,
          )
        : false,
  });
  return { api, coordinator };
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [auth] = useState(createAuth);
  useEffect(() => {
    void auth.coordinator.restore();
  }, [auth]);
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
