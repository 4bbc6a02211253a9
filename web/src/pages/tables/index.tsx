/**
 * Table APIs: the imported specs (one module each) with their entity and operation counts and access; import a
 * document (upload or paste), generate one from a connection, replace or delete a spec.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { FileCog, FileUp, RefreshCw, Search, Table2, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { qk } from '../../lib/query-keys';
import { formatRelative } from '../../lib/format';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { Button } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { EmptyState } from '../../components/ui/empty-state';
import { TableCell } from '../../components/ui/table';
import { ACTIONS_COLUMN, DataTable } from '../../components/data-table';
import { ListPage } from '../../components/list-page';
import { RowActions } from '../../components/row-actions';
import { useDeleteAction } from '../../components/use-delete-action';
import { Dialog, DialogContent } from '../../components/ui/dialog';
import { ImportSpecForm, type ImportDefaults } from './import-form';
import { GenerateSpecDialog } from './generate-dialog';

type Spec = components['schemas']['Spec'];
const route = getRouteApi('/app/tables');

export default function TablesPage() {
  const { q } = route.useSearch();
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const can = useCan();
  const [importing, setImporting] = useState<{ defaults?: ImportDefaults; replacing?: boolean } | null>(null);
  const [generating, setGenerating] = useState(false);

  const list = useQuery({ queryKey: qk.specs.list(), queryFn: () => unwrap(api.POST('/api/v1/specs/list')) });

  const remove = useDeleteAction({
    mutationFn: (spec: Spec) => unwrap(api.DELETE('/api/v1/specs/delete/{id}', { params: { path: { id: spec.id } } })),
    invalidate: [qk.specs.all, qk.modules.all],
    confirm: (spec) => ({
      title: `Delete "${spec.module}"?`,
      description: `Its ${spec.operation_count} routes under /${spec.path_prefix} stop answering at once. The database is not touched.`,
    }),
    success: (spec) => `Table API "${spec.module}" deleted`,
  });

  const replace = async (spec: Spec) => {
    const detail = await queryClient.fetchQuery({
      queryKey: qk.specs.detail(spec.id),
      queryFn: () => unwrap(api.GET('/api/v1/specs/{id}', { params: { path: { id: spec.id } } })),
    });
    setImporting({
      replacing: true,
      defaults: { module: spec.module, prefix: spec.path_prefix, access: spec.access_type, content: detail.content, filename: spec.filename },
    });
  };

  const actions = (
    <RequirePermission resource="module" action="create">
      {can('datasource', 'execute') && (
        <Button variant="outline" onClick={() => setGenerating(true)}>
          <FileCog aria-hidden />
          Generate from a connection
        </Button>
      )}
      <Button onClick={() => setImporting({})}>
        <FileUp aria-hidden />
        Import spec
      </Button>
    </RequirePermission>
  );

  const needle = q?.toLowerCase() ?? '';
  const rows = (list.data?.data ?? []).filter((s) => !needle || s.module.toLowerCase().includes(needle) || s.path_prefix.toLowerCase().includes(needle));

  return (
    <ListPage
      resource="module"
      title="Table APIs"
      description="REST routes generated from annotated OpenAPI documents: list, read, create, update and delete rows."
      actions={actions}
      search={
        (list.data?.data.length ?? 0) > 0
          ? {
              label: 'Search table APIs',
              placeholder: 'Search by module or prefix…',
              value: q,
              onChange: (v) => void navigate({ to: '.', search: { q: v }, replace: true }),
            }
          : undefined
      }
    >
      <DataTable
        query={list}
        rows={list.data ? rows : undefined}
        errorTitle="Could not load the table APIs"
        columns={[
          { header: 'Module' },
          { header: 'Prefix' },
          { header: 'Entities', className: 'text-right' },
          { header: 'Operations', className: 'text-right' },
          { header: 'Access' },
          { header: 'Updated' },
          ACTIONS_COLUMN,
        ]}
        rowKey={(spec) => spec.id}
        empty={
          list.data?.data.length ? (
            <EmptyState icon={Search} title="No table API matches" description={`Nothing is named like “${q}”.`} />
          ) : (
            <EmptyState
              icon={Table2}
              title="No table APIs yet"
              description="Import an annotated OpenAPI document, or generate one from a connection's tables."
              action={<div className="flex gap-2">{actions}</div>}
            />
          )
        }
        renderRow={(spec) => (
          <>
            <TableCell>
              <Link to="/tables/$id" params={{ id: spec.id }} className="font-medium hover:underline">
                {spec.module}
              </Link>
              {spec.filename && <div className="text-xs text-muted-foreground">{spec.filename}</div>}
            </TableCell>
            <TableCell className="font-mono text-xs">/{spec.path_prefix}</TableCell>
            <TableCell className="text-right tabular-nums">{spec.entity_count}</TableCell>
            <TableCell className="text-right tabular-nums">{spec.operation_count}</TableCell>
            <TableCell>
              <Badge variant={spec.access_type === 'public' ? 'warning' : 'secondary'}>{spec.access_type === 'public' ? 'Public' : 'Private'}</Badge>
            </TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatRelative(spec.updated_at)}</TableCell>
            <TableCell>
              <RowActions
                name={spec.module}
                actions={[
                  { label: 'Open', icon: Table2, onSelect: () => void navigate({ to: '/tables/$id', params: { id: spec.id } }) },
                  { label: 'Replace', icon: RefreshCw, onSelect: () => void replace(spec), show: can('module', 'create') },
                  { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove.ask(spec), show: can('module', 'delete') },
                ]}
              />
            </TableCell>
          </>
        )}
      />

      <Dialog open={importing !== null} onOpenChange={(o) => !o && setImporting(null)}>
        {importing && (
          <DialogContent
            title={importing.replacing ? `Replace "${importing.defaults?.module}"` : 'Import a spec'}
            description="An OpenAPI 3.1 document whose component schemas carry x-am-database annotations; every annotated schema becomes a table API."
            className="max-w-3xl"
          >
            <ImportSpecForm
              defaults={importing.defaults}
              replacing={importing.replacing}
              onCancel={() => setImporting(null)}
              onImported={(spec) => {
                setImporting(null);
                void navigate({ to: '/tables/$id', params: { id: spec.id } });
              }}
            />
          </DialogContent>
        )}
      </Dialog>
      <GenerateSpecDialog open={generating} onClose={() => setGenerating(false)} />
    </ListPage>
  );
}
