import { useQuery } from '@tanstack/react-query';
import type { RevokedSessions, Session } from '@latchkey/contracts';
import { useAction, type ActionOptions } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';
import { userKeys } from '../users/queries';

/** The caller's own sessions; a user's sessions (admin) live under userKeys.sessions. */
export const sessionKeys = {
  mine: ['sessions'] as const,
};

type Extra<TInput, TResult> = Omit<ActionOptions<TInput, TResult>, 'run' | 'invalidates'>;

export function useMySessions() {
  const api = useApi();
  return useQuery({ queryKey: sessionKeys.mine, queryFn: () => api.sessions.list() });
}

export function useRevokeMySession(options: Extra<Session, void>) {
  const api = useApi();
  return useAction({
    ...options,
    run: (session: Session) => api.sessions.revoke(session.id),
    invalidates: [sessionKeys.mine],
  });
}

export function useRevokeOtherSessions(options: Extra<void, RevokedSessions>) {
  const api = useApi();
  return useAction({
    ...options,
    run: () => api.sessions.revokeOthers(),
    invalidates: [sessionKeys.mine],
  });
}

export function useUserSessions(userId: string) {
  const api = useApi();
  return useQuery({
    queryKey: userKeys.sessions(userId),
    queryFn: () => api.users.listSessions(userId),
  });
}

export function useRevokeUserSession(userId: string, options: Extra<Session, void>) {
  const api = useApi();
  return useAction({
    ...options,
    run: (session: Session) => api.users.revokeSession(userId, session.id),
    invalidates: [userKeys.sessions(userId)],
  });
}
