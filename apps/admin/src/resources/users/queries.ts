import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ListUsersParams } from '@latchkey/api-client';
import type {
  CreateUserInput,
  ResetPasswordInput,
  UpdateUserInput,
  User,
} from '@latchkey/contracts';
import { useAction, type ActionOptions } from '../../hooks/use-action';
import { useApi } from '../../hooks/use-auth';

/** Every users query starts with 'users', so one invalidation refreshes each page that shows one. */
export const userKeys = {
  all: ['users'] as const,
  list: (params: ListUsersParams) => ['users', 'list', params] as const,
  detail: (id: string) => ['users', 'detail', id] as const,
  sessions: (id: string) => ['users', 'detail', id, 'sessions'] as const,
};

type Extra<TInput, TResult> = Omit<ActionOptions<TInput, TResult>, 'run' | 'invalidates'>;

export function useUsers(params: ListUsersParams) {
  const api = useApi();
  return useQuery({
    queryKey: userKeys.list(params),
    queryFn: () => api.users.list(params),
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: string, { enabled = true }: { enabled?: boolean } = {}) {
  const api = useApi();
  return useQuery({ queryKey: userKeys.detail(id), queryFn: () => api.users.get(id), enabled });
}

export function useCreateUser(options: Extra<CreateUserInput, User>) {
  const api = useApi();
  return useAction({
    ...options,
    run: (input: CreateUserInput) => api.users.create(input),
    invalidates: [userKeys.all],
  });
}

export function useUpdateUser<TInput extends UpdateUserInput>(
  id: string,
  options: Extra<TInput, User>,
) {
  const api = useApi();
  return useAction({
    ...options,
    run: (input: TInput) => api.users.update(id, input),
    invalidates: [userKeys.all],
  });
}

export function useResetPassword(id: string, options: Extra<ResetPasswordInput, void>) {
  const api = useApi();
  return useAction({
    ...options,
    run: (input: ResetPasswordInput) => api.users.resetPassword(id, input),
    invalidates: [userKeys.detail(id)],
  });
}
