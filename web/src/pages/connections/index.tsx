/**
 * Connections: the data sources Portico serves APIs from. List (search in `?q=`), create/edit in a dialog with
 * a test before saving, "Test" on a saved connection (result shown above the list), generate a table-API spec
 * from one, delete with confirmation.
 */
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { Database, FileCog, MoreHorizontal, Pencil, PlugZap, Plus, Search, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { PageHeader } from '../../components/ui/page-header';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Badge } from '../../components/ui/badge';
import { TableSkeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../../components/ui/dropdown-menu';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { ConnectionDialog, TYPE_LABELS, type DataSource } from './connection-dialog';
import { TestResult, type ConnectionTest } from './test-result';
import { GenerateSpecDialog } from '../tables/generate-dialog';

const route = getRouteApi('/app/connections');
const PAGE_SIZE = 50;

export default function ConnectionsPage() {
  const { q, page = 1 } = route.useSearch();
  // route.useNavigate() is typed against the root route; name the route instead.
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const can = useCan();
  const [editing, setEditing] = useState<DataSource | 'new' | null>(null);
  const [generating, setGenerating] = useState<DataSource | null>(null);
  const [lastTest, setLastTest] = useState<{ name: string; result: ConnectionTest } | null>(null);

  const list = useQuery({
    queryKey: qk.connections.list({ page, q }),
    queryFn: () => unwrap(api.POST('/api/v1/datasources/list', { body: { page, page_size: PAGE_SIZE, ...(q ? { name__ilike: q } : {}) } })),
    placeholderData: keepPreviousData,
  });

  const test = useMutation({
    mutationFn: (ds: DataSource) => unwrap(api.POST('/api/v1/datasources/test/{id}', { params: { path: { id: ds.id } } })),
    onMutate: () => setLastTest(null),
    onSuccess: (result, ds) => setLastTest({ name: ds.name, result }),
    onError: (error) => toast.error(error),
  });

  const remove = useMutation({
    mutationFn: (ds: DataSource) => unwrap(api.DELETE('/api/v1/datasources/delete/{id}', { params: { path: { id: ds.id } } })),
    onSuccess: (_r, ds) => {
      void queryClient.invalidateQueries({ queryKey: qk.connections.all });
      void queryClient.invalidateQueries({ queryKey: qk.overview.all });
      if (lastTest?.name === ds.name) setLastTest(null);
      toast.success(`Connection "${ds.name}" deleted`);
    },
    onError: (error) => toast.error(error),
  });

  const askDelete = async (ds: DataSource) => {
    const yes = await confirm({
      title: `Delete "${ds.name}"?`,
      description: 'Portico closes its connections and forgets its settings and password. Endpoints and specs that use it must be changed first.',
      confirmLabel: 'Delete',
      destructive: true,
    });
    if (yes) remove.mutate(ds);
  };

  const newButton = (
    <RequirePermission resource="datasource" action="create">
      <Button onClick={() => setEditing('new')}>
        <Plus />
        New connection
      </Button>
    </RequirePermission>
  );

  const rows = list.data?.data ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <RequirePermission resource="datasource" action="read" page>
      <PageHeader title="Connections" description="The databases Portico serves APIs from." actions={newButton} />

      <div className="mb-4 flex items-center gap-2">
        <div className="relative w-full max-w-xs">
          <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <Input
            aria-label="Search connections"
            placeholder="Search by name…"
            className="pl-8"
            defaultValue={q ?? ''}
            onChange={(e) => void navigate({ to: '/connections', search: { q: e.target.value || undefined, page: undefined }, replace: true })}
          />
        </div>
        {total > 0 && <span className="text-sm text-muted-foreground">{total === 1 ? '1 connection' : `${total} connections`}</span>}
      </div>

      {lastTest && (
        <div className="mb-4">
          <TestResult result={lastTest.result} name={lastTest.name} />
        </div>
      )}

      {list.isPending ? (
        <TableSkeleton columns={6} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="Could not load the connections" />
      ) : rows.length === 0 ? (
        q ? (
          <EmptyState icon={Search} title="No connection matches" description={`Nothing is named like "${q}".`} />
        ) : (
          <EmptyState
            icon={Database}
            title="No connections yet"
            description="Add a PostgreSQL, MySQL or SQLite database; endpoints and table APIs then read from it."
            action={newButton}
          />
        )
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead>Type</TableHead>
              <TableHead>Host</TableHead>
              <TableHead>Database</TableHead>
              <TableHead>Status</TableHead>
              <TableHead>Updated</TableHead>
              <TableHead className="w-0">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((ds) => (
              <TableRow key={ds.id}>
                <TableCell>
                  <div className="font-medium">{ds.name}</div>
                  {ds.description && <div className="max-w-xs truncate text-xs text-muted-foreground">{ds.description}</div>}
                </TableCell>
                <TableCell>
                  <Badge variant="secondary">{TYPE_LABELS[ds.product_type]}</Badge>
                </TableCell>
                <TableCell className="font-mono text-xs">
                  {ds.product_type === 'sqlite' ? <span className="text-muted-foreground">—</span> : `${ds.host ?? ''}${ds.port ? `:${ds.port}` : ''}`}
                </TableCell>
                <TableCell className="max-w-56 truncate font-mono text-xs" title={ds.database}>
                  {ds.database}
                </TableCell>
                <TableCell>{ds.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="outline">Inactive</Badge>}</TableCell>
                <TableCell className="whitespace-nowrap text-muted-foreground">{formatRelative(ds.updated_at)}</TableCell>
                <TableCell>
                  <div className="flex items-center justify-end gap-1">
                    {can('datasource', 'execute') && (
                      <Button
                        variant="outline"
                        size="sm"
                        loading={test.isPending && test.variables?.id === ds.id}
                        onClick={() => test.mutate(ds)}
                        aria-label={`Test ${ds.name}`}
                      >
                        <PlugZap />
                        Test
                      </Button>
                    )}
                    <DropdownMenu>
                      <DropdownMenuTrigger asChild>
                        <Button variant="ghost" size="icon" aria-label="Actions">
                          <MoreHorizontal />
                        </Button>
                      </DropdownMenuTrigger>
                      <DropdownMenuContent>
                        {can('datasource', 'update') && (
                          <DropdownMenuItem onSelect={() => setEditing(ds)}>
                            <Pencil />
                            Edit
                          </DropdownMenuItem>
                        )}
                        {can('datasource', 'execute') && can('module', 'create') && (
                          <DropdownMenuItem onSelect={() => setGenerating(ds)}>
                            <FileCog />
                            Generate table API
                          </DropdownMenuItem>
                        )}
                        {can('datasource', 'delete') && (
                          <>
                            <DropdownMenuSeparator />
                            <DropdownMenuItem destructive onSelect={() => void askDelete(ds)}>
                              <Trash2 />
                              Delete
                            </DropdownMenuItem>
                          </>
                        )}
                      </DropdownMenuContent>
                    </DropdownMenu>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      {pages > 1 && (
        <nav aria-label="Pages" className="mt-4 flex items-center justify-end gap-2 text-sm">
          <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => void navigate({ to: '/connections', search: { q, page: page - 1 > 1 ? page - 1 : undefined } })}>
            Previous
          </Button>
          <span className="text-muted-foreground">
            Page {page} of {pages}
          </span>
          <Button variant="outline" size="sm" disabled={page >= pages} onClick={() => void navigate({ to: '/connections', search: { q, page: page + 1 } })}>
            Next
          </Button>
        </nav>
      )}

      <ConnectionDialog
        open={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        dataSource={editing && editing !== 'new' ? editing : undefined}
      />
      <GenerateSpecDialog dataSource={generating} onClose={() => setGenerating(null)} />
    </RequirePermission>
  );
}
