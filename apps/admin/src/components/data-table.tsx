import { Box, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { TableSkeleton } from './table-skeleton';

/** Below this width a list is drawn as cards: Mantine's `sm` breakpoint (768 px). */
export const PHONE_QUERY = '(max-width: 48em)';

export function usePhone(): boolean {
  // Read at once, not after a first desktop render: a phone never flashes a table.
  return useMediaQuery(PHONE_QUERY, undefined, { getInitialValueInEffect: false });
}

export interface Column<T> {
  key: string;
  /** The table heading, and the label of the fact on a card. */
  header: string;
  cell: (row: T) => ReactNode;
  /** On a phone: the card's title, a labelled fact (default), or left out. */
  card?: 'title' | 'fact' | 'hidden';
  align?: 'left' | 'right';
}

export interface DataTableProps<T> {
  /** undefined while loading. */
  rows: T[] | undefined;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** Buttons of one row: the last cell on a desktop, the card's foot on a phone. */
  actions?: (row: T) => ReactNode;
  rowTestId?: string;
  /** The table scrolls sideways below this width instead of squeezing its cells. */
  minWidth?: number;
  loadingRows?: number;
  verticalSpacing?: 'xs' | 'sm';
  /** The accessible name of the table (and of the card list). */
  label: string;
}

/**
 * One list, two layouts: a table on a desktop; on a phone a card per row, with every column
 * as a labelled fact, so nothing is hidden or cut.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  empty,
  actions,
  rowTestId,
  minWidth = 640,
  loadingRows,
  verticalSpacing = 'sm',
  label,
}: DataTableProps<T>) {
  const phone = usePhone();
  if (!rows) return <TableSkeleton rows={loadingRows} />;
  if (rows.length === 0) return <>{empty}</>;
  if (phone) return <CardList {...{ rows, columns, rowKey, actions, rowTestId, label }} />;
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table verticalSpacing={verticalSpacing} highlightOnHover aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.key} ta={column.align}>
                {column.header}
              </Table.Th>
            ))}
            {actions && (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} data-testid={rowTestId}>
              {columns.map((column) => (
                <Table.Td key={column.key} ta={column.align}>
                  {column.cell(row)}
                </Table.Td>
              ))}
              {actions && <Table.Td ta="right">{actions(row)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function CardList<T>({
  rows,
  columns,
  rowKey,
  actions,
  rowTestId,
  label,
}: Pick<DataTableProps<T>, 'columns' | 'rowKey' | 'actions' | 'rowTestId' | 'label'> & {
  rows: T[];
}) {
  const title = columns.find((column) => column.card === 'title') ?? columns[0];
  const facts = columns.filter((column) => column !== title && (column.card ?? 'fact') === 'fact');
  // Inside the page's own card: rows split by lines, not boxes in a box.
  return (
    <Stack gap={0} role="list" aria-label={label}>
      {rows.map((row, index) => {
        const foot = actions?.(row);
        return (
          <Box
            key={rowKey(row)}
            role="listitem"
            data-testid={rowTestId}
            py="sm"
            style={
              index > 0 ? { borderTop: '1px solid var(--mantine-color-default-border)' } : undefined
            }
          >
            <Stack gap={6}>
              {title && <div>{title.cell(row)}</div>}
              {facts.map((column) => (
                <Group key={column.key} gap="xs" wrap="nowrap" align="flex-start">
                  <Text size="xs" c="dimmed" w={92} style={{ flexShrink: 0 }} pt={2}>
                    {column.header}
                  </Text>
                  <div style={{ minWidth: 0, flex: 1 }}>{column.cell(row)}</div>
                </Group>
              ))}
              {foot && <Group justify="flex-end">{foot}</Group>}
            </Stack>
          </Box>
        );
      })}
    </Stack>
  );
}
