import { useContext, useSyncExternalStore } from 'react';
import { AuthContext, type AuthContextValue } from '../app/auth/auth-context';
import type { SessionState } from '../app/auth/refresh-coordinator';

function useAuthContext(): AuthContextValue {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an <AuthProvider> above it');
  return auth;
}

/** The typed API client, authenticated with the current session. */
export function useApi() {
  return useAuthContext().api;
}

export function useCoordinator() {
  return useAuthContext().coordinator;
}

export function useSessionState(): SessionState {
  const { coordinator } = useAuthContext();
  return useSyncExternalStore(coordinator.subscribe, coordinator.getState);
}

/** The signed-in user; only for components under the authenticated layout. */
export function useCurrentUser() {
  const state = useSessionState();
  if (state.status !== 'signed-in') throw new Error('useCurrentUser needs a signed-in session');
  return state.session.user;
}
