/**
 * Endpoints (API assignments): the managed SQL and script endpoints, filtered by module, method, engine,
 * access and published state (kept in the URL), each opening the editor. "New endpoint" opens the editor on
 * an unsaved draft (`/dev/endpoints/new`).
 */
import { getRouteApi, Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { FilterX, Pencil, Plus, Trash2, Waypoints } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { Pager } from '../../components/ui/pager';
import { Select } from '../../components/ui/select';
import { TableCell } from '../../components/ui/table';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import { HTTP_METHODS, methodVariant, useAllModules, type EndpointSummary, type HttpMethod } from './shared';

const route = getRouteApi('/app/dev/endpoints');
const PAGE_SIZE = 50;

/** The list's choice filters, each kept in the URL under its key. */
const CHOICE_FILTERS = [
  { key: 'engine', label: 'Engine', width: 'w-32', placeholder: 'Any engine', options: [{ value: 'sql', label: 'SQL' }, { value: 'script', label: 'Script' }] },
  { key: 'access', label: 'Access', width: 'w-32', placeholder: 'Any access', options: [{ value: 'public', label: 'Public' }, { value: 'private', label: 'Private' }] },
  { key: 'published', label: 'Published', width: 'w-36', placeholder: 'Any state', options: [{ value: 'yes', label: 'Published' }, { value: 'no', label: 'Not published' }] },
] as const;

export default function EndpointsPage() {
  const search = route.useSearch();
  const { q, page = 1, module, method, engine, access, published } = search;
  const navigate = route.useNavigate();
  const can = useCan();
  const modules = useAllModules();
  const filtered = !!(q || module || method || engine || access || published);

  const setFilter = (patch: Partial<typeof search>) => void navigate({ to: '.', search: { ...search, ...patch, page: undefined }, replace: true });
  const clearFilters = () => void navigate({ to: '.', search: {} });

  const list = useQuery({
    queryKey: qk.endpoints.list({ q, page, module, method, engine, access, published }),
    queryFn: () =>
      unwrap(
        api.POST('/api/v1/api-assignments/list', {
          body: {
            page,
            page_size: PAGE_SIZE,
            ...(q ? { name__ilike: `%${q}%` } : {}),
            ...(module ? { module_id: module } : {}),
            ...(method ? { http_method: method as HttpMethod } : {}),
            ...(engine === 'sql' || engine === 'script' ? { execute_engine: engine } : {}),
            ...(access === 'public' || access === 'private' ? { access_type: access } : {}),
            ...(published ? { is_published: published === 'yes' } : {}),
          },
        }),
      ),
  });

  const remove = useDeleteAction({
    mutationFn: (e: EndpointSummary) => unwrap(api.DELETE('/api/v1/api-assignments/delete/{id}', { params: { path: { id: e.id } } })),
    invalidate: [qk.endpoints.all, qk.modules.all],
    confirm: (e) => ({
      title: `Delete endpoint "${e.name}"?`,
      description: `${e.http_method} ${e.full_path} stops answering and its versions are deleted. This cannot be undone.`,
    }),
    success: 'Endpoint deleted',
  });

  const newButton = (
    <RequirePermission resource="api_assignment" action="create">
      <Button asChild>
        <Link to="/dev/endpoints/$id" params={{ id: 'new' }} search={{ tab: undefined }}>
          <Plus aria-hidden />
          New endpoint
        </Link>
      </Button>
    </RequirePermission>
  );

  const filters = (
    <>
      <Select
        aria-label="Module"
        className="w-40"
        value={module ?? ''}
        placeholder="All modules"
        options={(modules.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
        onChange={(e) => setFilter({ module: e.target.value || undefined })}
      />
      <Select aria-label="Method" className="w-32" value={method ?? ''} placeholder="Any method" options={HTTP_METHODS.map((m) => ({ value: m, label: m }))} onChange={(e) => setFilter({ method: e.target.value || undefined })} />
      {CHOICE_FILTERS.map((f) => (
        <Select
          key={f.key}
          aria-label={f.label}
          className={f.width}
          value={{ engine, access, published }[f.key] ?? ''}
          placeholder={f.placeholder}
          options={f.options}
          onChange={(e) => setFilter({ [f.key]: e.target.value || undefined })}
        />
      ))}
      {filtered && (
        <Button variant="ghost" size="sm" onClick={clearFilters}>
          <FilterX aria-hidden />
          Clear filters
        </Button>
      )}
      {list.data && list.data.total > 0 && (
        <span className="ml-auto text-sm text-muted-foreground">
          {list.data.total} endpoint{list.data.total === 1 ? '' : 's'}
        </span>
      )}
    </>
  );

  return (
    <ListPage
      resource="api_assignment"
      title="Endpoints"
      description="SQL and script endpoints: edit a draft, commit versions, publish one."
      actions={newButton}
      search={{ label: 'Search endpoints', value: q, onChange: (v) => setFilter({ q: v }), className: 'w-56' }}
      toolbar={filters}
    >
      <DataTable
        query={list}
        rows={list.data?.data}
        columns={[
          { header: 'Name' },
          { header: 'Route' },
          { header: 'Module' },
          { header: 'Engine' },
          { header: 'Access' },
          { header: 'Status' },
          { header: 'Updated' },
          ACTIONS_COLUMN,
        ]}
        rowKey={(e) => e.id}
        empty={
          filtered ? (
            <EmptyState
              icon={FilterX}
              title="No endpoint matches these filters"
              action={
                <Button variant="outline" onClick={clearFilters}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={Waypoints}
              title="No endpoints yet"
              description="An endpoint turns an SQL template or a script into an HTTP route. Create a module first, then the endpoint."
              action={newButton}
            />
          )
        }
        renderRow={(e) => (
          <>
            <TableCell>
              <Link to="/dev/endpoints/$id" params={{ id: e.id }} search={{ tab: undefined }} className="font-medium hover:underline">
                {e.name}
              </Link>
            </TableCell>
            <TableCell>
              <span className="inline-flex items-center gap-2">
                <Badge variant={methodVariant(e.http_method)} className="font-mono">
                  {e.http_method}
                </Badge>
                <span className="font-mono text-xs">{e.full_path}</span>
              </span>
            </TableCell>
            <TableCell>{e.module}</TableCell>
            <TableCell>
              <Badge variant="outline">{e.execute_engine === 'sql' ? 'SQL' : 'Script'}</Badge>
            </TableCell>
            <TableCell className="capitalize">{e.access_type}</TableCell>
            <TableCell>{e.is_published ? <Badge variant="success">Published v{e.published_version}</Badge> : <Badge variant="secondary">Draft</Badge>}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatRelative(e.updated_at)}</TableCell>
            <TableCell>
              <RowActions
                name={e.name}
                actions={[
                  { label: 'Open', icon: Pencil, onSelect: () => void navigate({ to: '/dev/endpoints/$id', params: { id: e.id }, search: { tab: undefined } }) },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(e), show: can('api_assignment', 'delete') },
                ]}
              />
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { ...search, page: p } })} />}
      />
    </ListPage>
  );
}
