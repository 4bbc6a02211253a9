/**
 * Connections: the data sources Portico serves APIs from. List (search in `?q=`), create/edit in a dialog with
 * a test before saving, "Test" on a saved connection (result shown above the list), generate a table-API spec
 * from one, delete with confirmation.
 */
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Database, FileCog, Pencil, PlugZap, Plus, Search, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { Button } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { EmptyState } from '../../components/ui/empty-state';
import { Pager } from '../../components/ui/pager';
import { TableCell } from '../../components/ui/table';
import { toast } from '../../components/ui/toast';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import { ConnectionDialog, TYPE_LABELS, type DataSource } from './connection-dialog';
import { TestResult, type ConnectionTest } from './test-result';
import { GenerateSpecDialog } from '../tables/generate-dialog';

const route = getRouteApi('/app/connections');
const PAGE_SIZE = 50;

export default function ConnectionsPage() {
  const { q, page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
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

  const remove = useDeleteAction({
    mutationFn: (ds: DataSource) => unwrap(api.DELETE('/api/v1/datasources/delete/{id}', { params: { path: { id: ds.id } } })),
    invalidate: [qk.connections.all, qk.overview.all],
    confirm: (ds) => ({
      title: `Delete "${ds.name}"?`,
      description: 'Portico closes its connections and forgets its settings and password. Endpoints and specs that use it must be changed first.',
    }),
    success: (ds) => `Connection "${ds.name}" deleted`,
    onDeleted: (ds) => setLastTest((t) => (t?.name === ds.name ? null : t)),
  });

  const newButton = (
    <RequirePermission resource="datasource" action="create">
      <Button onClick={() => setEditing('new')}>
        <Plus aria-hidden />
        New connection
      </Button>
    </RequirePermission>
  );

  const total = list.data?.total ?? 0;

  return (
    <ListPage
      resource="datasource"
      title="Connections"
      description="The databases Portico serves APIs from."
      actions={newButton}
      search={{ label: 'Search connections', value: q, onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }) }}
      toolbar={total > 0 && <span className="text-sm text-muted-foreground">{total === 1 ? '1 connection' : `${total} connections`}</span>}
    >
      {lastTest && (
        <div className="mb-4">
          <TestResult result={lastTest.result} name={lastTest.name} />
        </div>
      )}

      <DataTable
        query={list}
        rows={list.data?.data}
        errorTitle="Could not load the connections"
        columns={[{ header: 'Name' }, { header: 'Type' }, { header: 'Host' }, { header: 'Database' }, { header: 'Status' }, { header: 'Updated' }, { ...ACTIONS_COLUMN, className: 'w-0' }]}
        rowKey={(ds) => ds.id}
        empty={
          q ? (
            <EmptyState icon={Search} title="No connection matches" description={`Nothing is named like “${q}”.`} />
          ) : (
            <EmptyState
              icon={Database}
              title="No connections yet"
              description="Add a PostgreSQL, MySQL or SQLite database; endpoints and table APIs then read from it."
              action={newButton}
            />
          )
        }
        renderRow={(ds) => (
          <>
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
            <TableCell>{ds.is_active ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Inactive</Badge>}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatRelative(ds.updated_at)}</TableCell>
            <TableCell>
              <div className="flex items-center justify-end gap-1">
                {can('datasource', 'execute') && (
                  <Button variant="outline" size="sm" loading={test.isPending && test.variables?.id === ds.id} onClick={() => test.mutate(ds)} aria-label={`Test ${ds.name}`}>
                    <PlugZap aria-hidden />
                    Test
                  </Button>
                )}
                <RowActions
                  name={ds.name}
                  actions={[
                    { label: 'Edit', icon: Pencil, onSelect: () => setEditing(ds), show: can('datasource', 'update') },
                    { label: 'Generate table API', icon: FileCog, onSelect: () => setGenerating(ds), show: can('datasource', 'execute') && can('module', 'create') },
                    { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(ds), show: can('datasource', 'delete') },
                  ]}
                />
              </div>
            </TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={total} onPage={(p) => void navigate({ to: '.', search: { q, page: p } })} />}
      />

      <ConnectionDialog
        open={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        dataSource={editing && editing !== 'new' ? editing : undefined}
      />
      <GenerateSpecDialog dataSource={generating} onClose={() => setGenerating(null)} />
    </ListPage>
  );
}
