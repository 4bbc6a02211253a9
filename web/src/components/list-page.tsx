/**
 * The frame of a list page: permission gate ("No access" without read), the page header (title, one line,
 * primary action at right), a toolbar with the search box and any filters, then the list itself.
 *   <ListPage resource="user" title="Users" description="…" actions={newButton}
 *     search={{ label: 'Search users', value: q, onChange: (q) => navigate({ to: '.', search: { q } }) }}>
 *     <DataTable … />
 *   </ListPage>
 */
import type { ReactNode } from 'react';
import { Search } from 'lucide-react';
import type { Resource } from '../auth/permissions';
import { RequirePermission } from '../auth/require-permission';
import { PageHeader } from './ui/page-header';
import { Input } from './ui/input';
import { cn } from '../lib/cn';

export interface ListSearchBox {
  /** The input's accessible name, e.g. "Search users". */
  label: string;
  placeholder?: string;
  /** The search in the URL (the input is uncontrolled so typing stays smooth). */
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  className?: string;
}

export function SearchBox({ label, placeholder = 'Search by name…', value, onChange, className }: ListSearchBox) {
  return (
    <div className={cn('relative w-full max-w-xs', className)}>
      <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
      <Input aria-label={label} placeholder={placeholder} className="pl-8" defaultValue={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)} />
    </div>
  );
}

export function ListPage(props: {
  resource: Resource;
  title: string;
  description: ReactNode;
  actions?: ReactNode;
  search?: ListSearchBox;
  /** More toolbar content after the search box (filters, a count). */
  toolbar?: ReactNode;
  children: ReactNode;
}) {
  const hasToolbar = props.search || props.toolbar;
  return (
    <RequirePermission resource={props.resource} action="read" page>
      <PageHeader title={props.title} description={props.description} actions={props.actions} />
      {hasToolbar && (
        <div className="mb-4 flex flex-wrap items-center gap-2">
          {props.search && <SearchBox {...props.search} />}
          {props.toolbar}
        </div>
      )}
      {props.children}
    </RequirePermission>
  );
}
