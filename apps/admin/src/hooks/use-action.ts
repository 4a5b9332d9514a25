import {
  useMutation,
  useQueryClient,
  type MutateOptions,
  type QueryKey,
} from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { problemMessage } from '../components/problem-alert';
import { isReauthenticationRequired, offerStepUp } from '../components/reauth-prompt';

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

/**
 * A mutation with the toasts people expect: green after it worked, red with the API's detail.
 * When the API wants the person to prove it is them again (step-up), the action's ProblemAlert
 * asks for it in place and the action runs again after.
 */
export function useAction<TInput = void, TResult = void>(options: ActionOptions<TInput, TResult>) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
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
      // The action's ProblemAlert asks for the proof in place: no toast.
      if (isReauthenticationRequired(error) || options.toastErrors === false) return;
      notifications.show({
        color: 'red',
        title: 'That did not work',
        message: problemMessage(error),
      });
    },
  });
  // A call refused for want of a recent proof is offered again, with its own options, once the
  // person has given it.
  const mutate = (input: TInput, callOptions?: MutateOptions<TResult, Error, TInput>) =>
    mutation.mutate(input, {
      ...callOptions,
      onError: (error, ...rest) => {
        if (isReauthenticationRequired(error)) offerStepUp(error, () => mutate(input, callOptions));
        callOptions?.onError?.(error, ...rest);
      },
    });
  return { ...mutation, mutate };
}
