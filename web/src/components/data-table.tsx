/**
 * The table every list page shows, with the states around it: a loading skeleton while the query is pending,
 * the error with "Try again", the page's empty state when there are no rows, else the header row and one row
 * per item (plus an optional footer such as a <Pager>). Pages keep their own cells; this keeps the states alike.
 *   <DataTable query={list} rows={list.data?.data} columns={[{ header: 'Name' }, ACTIONS_COLUMN]}
 *     rowKey={(u) => u.id} empty={<EmptyState … />} renderRow={(u) => <><TableCell>{u.name}</TableCell>…</>} />
 */
import type { ComponentProps, ReactNode } from 'react';
import { Table, TableBody, TableHead, TableHeader, TableRow } from './ui/table';
import { TableSkeleton } from './ui/skeleton';
import { ErrorState } from './ui/empty-state';

export interface Column {
  header: ReactNode;
  className?: string;
}

/** The last, unlabelled column holding a row's actions menu (named "Actions" for screen readers). */
export const ACTIONS_COLUMN: Column = { header: <span className="sr-only">Actions</span>, className: 'w-12' };

/** The part of a TanStack query the table reads. */
export interface QueryState {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

export function DataTable<T>(props: {
  query: QueryState;
  /** The rows to show once loaded (already filtered). */
  rows: readonly T[] | undefined;
  columns: readonly Column[];
  rowKey: (row: T) => string;
  renderRow: (row: T) => ReactNode;
  rowClassName?: (row: T) => string | undefined;
  /** More attributes for a row (a clickable row's `onClick`, `tabIndex`, `aria-label`). */
  rowProps?: (row: T) => Omit<ComponentProps<'tr'>, 'key' | 'className' | 'children'>;
  /** Shown when the query succeeded with no rows: what the list is and how to add the first item. */
  empty: ReactNode;
  errorTitle?: string;
  'aria-label'?: string;
  footer?: ReactNode;
}) {
  const { query, rows, columns } = props;
  if (query.isPending) return <TableSkeleton columns={Math.max(2, columns.length - 1)} />;
  if (query.isError || !rows) return <ErrorState error={query.error} title={props.errorTitle} onRetry={() => void query.refetch()} />;
  if (rows.length === 0) return <>{props.empty}</>;
  return (
    <>
      <Table aria-label={props['aria-label']}>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            {columns.map((c, i) => (
              <TableHead key={i} className={c.className}>
                {c.header}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={props.rowKey(row)} className={props.rowClassName?.(row)} {...props.rowProps?.(row)}>
              {props.renderRow(row)}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {props.footer}
    </>
  );
}
