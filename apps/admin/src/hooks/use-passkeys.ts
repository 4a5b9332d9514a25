import { useQuery } from '@tanstack/react-query';
import { useApi } from './use-auth';

/** Query keys of passkey lists: the caller's own, and a user's as an admin sees them. */
export const passkeyKeys = {
  mine: ['passkeys'] as const,
  ofUser: (userId: string) => ['user', userId, 'passkeys'] as const,
};

export function useMyPasskeys() {
  const api = useApi();
  return useQuery({ queryKey: passkeyKeys.mine, queryFn: () => api.passkeys.list() });
}

export function useUserPasskeys(userId: string) {
  const api = useApi();
  return useQuery({
    queryKey: passkeyKeys.ofUser(userId),
    queryFn: () => api.users.listPasskeys(userId),
  });
}
