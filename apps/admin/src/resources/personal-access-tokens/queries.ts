import { useQuery } from '@tanstack/react-query';
import type {
  CreatePersonalAccessTokenInput,
  CredentialState,
  PersonalAccessToken,
  PersonalAccessTokenCreated,
} from '@latchkey/contracts';
import { useAction, type ActionOptions } from '../../hooks/use-action';
import { useApi, useCurrentUser } from '../../hooks/use-auth';
import type { CredentialRotation, CredentialUpdate } from '../credential-lifecycle';

/**
 * Every PAT list, the caller's own and an admin's view of a user's, keyed by the owner's id: the
 * same tokens are one cache entry whichever page shows them, and one invalidation refreshes all.
 */
export const personalAccessTokenKeys = {
  all: ['personal-access-tokens'] as const,
  list: (userId: string, state: CredentialState) =>
    ['personal-access-tokens', userId, state] as const,
};

type Extra<TInput, TResult> = Omit<ActionOptions<TInput, TResult>, 'run' | 'invalidates'>;

type TokenUpdate = CredentialUpdate<PersonalAccessToken>;
type TokenRotation = CredentialRotation<PersonalAccessToken>;

/** The caller's own tokens go through /personal-access-tokens; another user's through /users. */
function useTokenRoutes(userId: string) {
  const api = useApi();
  const self = useCurrentUser().id === userId;
  const own = api.personalAccessTokens;
  return {
    list: (state: CredentialState) =>
      self ? own.list({ state }) : api.users.listPersonalAccessTokens(userId, { state }),
    update: ({ credential: token, changes }: TokenUpdate) =>
      self
        ? own.update(token.id, changes)
        : api.users.updatePersonalAccessToken(userId, token.id, changes),
    rotate: ({ credential: token, overlapSeconds }: TokenRotation) =>
      self
        ? own.rotate(token.id, { overlapSeconds })
        : api.users.rotatePersonalAccessToken(userId, token.id, { overlapSeconds }),
    revoke: (token: PersonalAccessToken) =>
      self ? own.revoke(token.id) : api.users.revokePersonalAccessToken(userId, token.id),
  };
}

export function usePersonalAccessTokens(userId: string, state: CredentialState) {
  const routes = useTokenRoutes(userId);
  return useQuery({
    queryKey: personalAccessTokenKeys.list(userId, state),
    queryFn: () => routes.list(state),
  });
}

export function useCreatePersonalAccessToken(
  options: Extra<CreatePersonalAccessTokenInput, PersonalAccessTokenCreated>,
) {
  const api = useApi();
  return useAction({
    ...options,
    run: (input: CreatePersonalAccessTokenInput) => api.personalAccessTokens.create(input),
    invalidates: [personalAccessTokenKeys.all],
  });
}

export function useUpdatePersonalAccessToken(
  userId: string,
  options: Extra<TokenUpdate, PersonalAccessToken>,
) {
  const routes = useTokenRoutes(userId);
  return useAction({ ...options, run: routes.update, invalidates: [personalAccessTokenKeys.all] });
}

export function useRotatePersonalAccessToken(
  userId: string,
  options: Extra<TokenRotation, PersonalAccessTokenCreated>,
) {
  const routes = useTokenRoutes(userId);
  return useAction({ ...options, run: routes.rotate, invalidates: [personalAccessTokenKeys.all] });
}

export function useRevokePersonalAccessToken(
  userId: string,
  options: Extra<PersonalAccessToken, void>,
) {
  const routes = useTokenRoutes(userId);
  return useAction({ ...options, run: routes.revoke, invalidates: [personalAccessTokenKeys.all] });
}
