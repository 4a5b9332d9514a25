import { useQuery } from '@tanstack/react-query';
import type {
  ApiKey,
  ApiKeyCreated,
  ApiKeySecret,
  CreateApiKeyInput,
  CredentialState,
} from '@latchkey/contracts';
import { useAction, type ActionOptions } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';
import type { CredentialRotation, CredentialUpdate } from '../credential-lifecycle';

/**
 * API key lists keyed by the owner's id (never `me`): "My API keys" and an admin's view of the
 * same user share one cache entry.
 */
export const apiKeyKeys = {
  all: ['api-keys'] as const,
  list: (userId: string, state: CredentialState) => ['api-keys', userId, state] as const,
};

type Extra<TInput, TResult> = Omit<ActionOptions<TInput, TResult>, 'run' | 'invalidates'>;

type ApiKeyUpdate = CredentialUpdate<ApiKey>;
type SecretRotation = CredentialRotation<ApiKey>;

export function useApiKeys(userId: string, state: CredentialState) {
  const api = useApi();
  return useQuery({
    queryKey: apiKeyKeys.list(userId, state),
    queryFn: () => api.apiKeys.list(userId, { state }),
  });
}

export function useCreateApiKey(userId: string, options: Extra<CreateApiKeyInput, ApiKeyCreated>) {
  const api = useApi();
  return useAction({
    ...options,
    run: (input: CreateApiKeyInput) => api.apiKeys.create(userId, input),
    invalidates: [apiKeyKeys.all],
  });
}

export function useUpdateApiKey(options: Extra<ApiKeyUpdate, ApiKey>) {
  const api = useApi();
  return useAction({
    ...options,
    run: ({ credential: key, changes }: ApiKeyUpdate) => api.apiKeys.update(key.id, changes),
    invalidates: [apiKeyKeys.all],
  });
}

export function useRotateApiKeySecret(options: Extra<SecretRotation, ApiKeySecret>) {
  const api = useApi();
  return useAction({
    ...options,
    run: ({ credential: key, overlapSeconds }: SecretRotation) =>
      api.apiKeys.rotateSecret(key.id, { overlapSeconds }),
    invalidates: [apiKeyKeys.all],
  });
}

export function useRevokeApiKey(options: Extra<ApiKey, void>) {
  const api = useApi();
  return useAction({
    ...options,
    run: (key: ApiKey) => api.apiKeys.revoke(key.id),
    invalidates: [apiKeyKeys.all],
  });
}
