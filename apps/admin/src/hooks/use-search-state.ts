import { useSearchParams } from 'react-router';

export type SearchChanges = Record<string, string | null | undefined>;

/**
 * A page's filters kept in the URL's search params, so a reload, the back button and a shared
 * link show the same list. Changing a filter other than `page` starts again at page one.
 */
export function useSearchState() {
  const [params, setParams] = useSearchParams();
  const update = (changes: SearchChanges) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [name, value] of Object.entries(changes)) {
          if (value === null || value === undefined || value === '') next.delete(name);
          else next.set(name, value);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  return { params, update };
}

/** The value when it is one of the allowed ones, else undefined. */
export function oneOf<T extends string>(
  allowed: readonly T[],
  value: string | null,
): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

/** A page number from the URL: a positive integer, else 1. */
export function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}
