import { useQuery } from '@tanstack/react-query';
import type { SigningKey } from '@latchkey/contracts';
import { useAction, type ActionOptions } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';

export const signingKeyKeys = { all: ['signing-keys'] as const };

export function useSigningKeys() {
  const api = useApi();
  return useQuery({ queryKey: signingKeyKeys.all, queryFn: () => api.signingKeys.list() });
}

export function useRotateSigningKey(
  options: Omit<ActionOptions<void, SigningKey>, 'run' | 'invalidates'>,
) {
  const api = useApi();
  return useAction({
    ...options,
    run: () => api.signingKeys.rotate(),
    invalidates: [signingKeyKeys.all],
  });
}
