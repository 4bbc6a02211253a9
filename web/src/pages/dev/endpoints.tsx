/**
 * Endpoints (API assignments): the managed SQL and script endpoints, filtered by module, method, engine,
 * access and published state (kept in the URL), each opening the editor. "New endpoint" opens the editor on
 * an unsaved draft (`/dev/endpoints/new`).
 */
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FilterX, MoreHorizontal, Pencil, Plus, Search, Trash2, Waypoints } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '../../components/ui/dropdown-menu';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Input } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { Select } from '../../components/ui/select';
import { TableSkeleton } from '../../components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { HTTP_METHODS, methodVariant, useAllModules, type EndpointSummary, type HttpMethod } from './shared';

const route = getRouteApi('/app/dev/endpoints');
const PAGE_SIZE = 50;

export default function EndpointsPage() {
  const search = route.useSearch();
  const { q, page = 1, module, method, engine, access, published } = search;
  const navigate = route.useNavigate();
  const go = useNavigate();
  const can = useCan();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const modules = useAllModules();
  const filtered = !!(q || module || method || engine || access || published);

  const setFilter = (patch: Partial<typeof search>) => void navigate({ to: '/dev/endpoints', search: { ...search, ...patch, page: undefined }, replace: true });

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

  const del = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-assignments/delete/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk.endpoints.all });
      void queryClient.invalidateQueries({ queryKey: qk.modules.all });
      toast.success('Endpoint deleted');
    },
    onError: (e) => toast.error(e),
  });
  const remove = async (e: EndpointSummary) => {
    if (
      await confirm({
        title: `Delete endpoint "${e.name}"?`,
        description: `${e.http_method} ${e.full_path} stops answering and its versions are deleted. This cannot be undone.`,
        confirmLabel: 'Delete',
        destructive: true,
      })
    )
      del.mutate(e.id);
  };

  const newButton = (
    <RequirePermission resource="api_assignment" action="create">
      <Button asChild>
        <Link to="/dev/endpoints/$id" params={{ id: 'new' }} search={{ tab: undefined }}>
          <Plus />
          New endpoint
        </Link>
      </Button>
    </RequirePermission>
  );

  return (
    <RequirePermission resource="api_assignment" action="read" page>
      <PageHeader title="Endpoints" description="SQL and script endpoints: edit a draft, commit versions, publish one." actions={newButton} />
      <div className="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label="Filter endpoints">
        <div className="relative w-56">
          <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" />
          <Input aria-label="Search endpoints" placeholder="Search by name…" className="pl-8" defaultValue={q ?? ''} onChange={(e) => setFilter({ q: e.target.value || undefined })} />
        </div>
        <Select
          aria-label="Module"
          className="w-40"
          value={module ?? ''}
          placeholder="All modules"
          options={(modules.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
          onChange={(e) => setFilter({ module: e.target.value || undefined })}
        />
        <Select aria-label="Method" className="w-32" value={method ?? ''} placeholder="Any method" options={HTTP_METHODS.map((m) => ({ value: m, label: m }))} onChange={(e) => setFilter({ method: e.target.value || undefined })} />
        <Select
          aria-label="Engine"
          className="w-32"
          value={engine ?? ''}
          placeholder="Any engine"
          options={[
            { value: 'sql', label: 'SQL' },
            { value: 'script', label: 'Script' },
          ]}
          onChange={(e) => setFilter({ engine: e.target.value || undefined })}
        />
        <Select
          aria-label="Access"
          className="w-32"
          value={access ?? ''}
          placeholder="Any access"
          options={[
            { value: 'public', label: 'Public' },
            { value: 'private', label: 'Private' },
          ]}
          onChange={(e) => setFilter({ access: e.target.value || undefined })}
        />
        <Select
          aria-label="Published"
          className="w-36"
          value={published ?? ''}
          placeholder="Any state"
          options={[
            { value: 'yes', label: 'Published' },
            { value: 'no', label: 'Not published' },
          ]}
          onChange={(e) => setFilter({ published: e.target.value || undefined })}
        />
        {filtered && (
          <Button variant="ghost" size="sm" onClick={() => void navigate({ to: '/dev/endpoints', search: {} })}>
            <FilterX />
            Clear filters
          </Button>
        )}
      </div>
      {list.isPending ? (
        <TableSkeleton columns={6} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        filtered ? (
          <EmptyState icon={FilterX} title="No endpoint matches these filters" action={<Button variant="outline" onClick={() => void navigate({ to: '/dev/endpoints', search: {} })}>Clear filters</Button>} />
        ) : (
          <EmptyState
            icon={Waypoints}
            title="No endpoints yet"
            description="An endpoint turns an SQL template or a script into an HTTP route. Create a module first, then the endpoint."
            action={newButton}
          />
        )
      ) : (
        <div className="rounded-lg border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Route</TableHead>
                <TableHead>Module</TableHead>
                <TableHead>Engine</TableHead>
                <TableHead>Access</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Updated</TableHead>
                <TableHead className="w-10">
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.data.map((e) => (
                <TableRow key={e.id}>
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
                  <TableCell>
                    {e.is_published ? <Badge variant="success">Published v{e.published_version}</Badge> : <Badge variant="secondary">Draft</Badge>}
                  </TableCell>
                  <TableCell className="text-muted-foreground">{formatRelative(e.updated_at)}</TableCell>
                  <TableCell>
                    <DropdownMenu>
                      <DropdownMenuTrigger asChild>
                        <Button variant="ghost" size="icon" aria-label="Actions">
                          <MoreHorizontal />
                        </Button>
                      </DropdownMenuTrigger>
                      <DropdownMenuContent>
                        <DropdownMenuItem onSelect={() => void go({ to: '/dev/endpoints/$id', params: { id: e.id }, search: { tab: undefined } })}>
                          <Pencil />
                          Open
                        </DropdownMenuItem>
                        {can('api_assignment', 'delete') && (
                          <DropdownMenuItem className="text-destructive" onSelect={() => void remove(e)}>
                            <Trash2 />
                            Delete
                          </DropdownMenuItem>
                        )}
                      </DropdownMenuContent>
                    </DropdownMenu>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <div className="flex items-center justify-between border-t px-4 py-2 text-sm text-muted-foreground">
            <span>
              {list.data.total} endpoint{list.data.total === 1 ? '' : 's'}
            </span>
            {list.data.total > PAGE_SIZE && (
              <div className="flex gap-2">
                <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => void navigate({ to: '/dev/endpoints', search: { ...search, page: page - 1 } })}>
                  Previous
                </Button>
                <Button variant="outline" size="sm" disabled={page * PAGE_SIZE >= list.data.total} onClick={() => void navigate({ to: '/dev/endpoints', search: { ...search, page: page + 1 } })}>
                  Next
                </Button>
              </div>
            )}
          </div>
        </div>
      )}
    </RequirePermission>
  );
}
