import { Skeleton, Stack } from '@mantine/core';

/** Placeholder rows while a list loads. */
export function TableSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} height={36} radius="sm" />
      ))}
    </Stack>
  );
}
