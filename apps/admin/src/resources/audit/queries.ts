import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ListAuditEventsParams } from '@latchkey/api-client';
import { useApi } from '../../hooks/use-auth';

export const auditKeys = {
  all: ['audit-events'] as const,
  list: (params: ListAuditEventsParams) => ['audit-events', params] as const,
};

export function useAuditEvents(params: ListAuditEventsParams) {
  const api = useApi();
  return useQuery({
    queryKey: auditKeys.list(params),
    queryFn: () => api.audit.list(params),
    placeholderData: keepPreviousData,
  });
}
