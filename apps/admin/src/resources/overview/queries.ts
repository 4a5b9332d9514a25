import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { OverviewRange } from '@latchkey/contracts';
import { useApi } from '../../hooks/use-auth';

export const overviewKeys = {
  all: ['overview'] as const,
  range: (range: OverviewRange) => ['overview', range] as const,
};

/** The admin home's activity and counts; the previous range stays on screen while the next loads. */
export function useOverview(range: OverviewRange) {
  const api = useApi();
  return useQuery({
    queryKey: overviewKeys.range(range),
    queryFn: () => api.overview.get(range),
    placeholderData: keepPreviousData,
  });
}
