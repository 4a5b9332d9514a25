import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { problemMessage } from '../components/problem-alert';

export interface ActionOptions<TInput, TResult> {
  run: (input: TInput) => Promise<TResult>;
  /** Toast after success; a function gets the result. */
  success?: string | ((result: TResult, input: TInput) => string);
  /** Queries to refetch after success. */
  invalidates?: QueryKey[];
  onSuccess?: (result: TResult, input: TInput) => void;
  /** When false the caller shows the error itself (a form); otherwise a red toast does. */
  toastErrors?: boolean;
}

/** A mutation with the toasts people expect: green after it worked, red with the API's detail. */
export function useAction<TInput = void, TResult = void>(options: ActionOptions<TInput, TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: options.run,
    onSuccess: async (result, input) => {
      await Promise.all(
        (options.invalidates ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
      if (options.success)
        notifications.show({
          color: 'green',
          message:
            typeof options.success === 'function'
              ? options.success(result, input)
              : options.success,
        });
      options.onSuccess?.(result, input);
    },
    onError: (error) => {
      if (options.toastErrors === false) return;
      notifications.show({
        color: 'red',
        title: 'That did not work',
        message: problemMessage(error),
      });
    },
  });
}
