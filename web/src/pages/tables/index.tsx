/**
 * Table APIs: the imported specs (one module each) with their entity and operation counts and access; import a
 * document (upload or paste), generate one from a connection, replace or delete a spec.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { FileCog, FileUp, MoreHorizontal, RefreshCw, Search, Table2, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
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
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '../../components/ui/dropdown-menu';
import { Dialog, DialogContent } from '../../components/ui/dialog';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { ImportSpecForm, type ImportDefaults } from './import-form';
import { GenerateSpecDialog } from './generate-dialog';

type Spec = components['schemas']['Spec'];
const route = getRouteApi('/app/tables');

export default function TablesPage() {
  const { q } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const can = useCan();
  const [importing, setImporting] = useState<{ defaults?: ImportDefaults; replacing?: boolean } | null>(null);
  const [generating, setGenerating] = useState(false);

  const list = useQuery({ queryKey: qk.specs.list(), queryFn: () => unwrap(api.POST('/api/v1/specs/list')) });

  const remove = useMutation({
    mutationFn: (spec: Spec) => unwrap(api.DELETE('/api/v1/specs/delete/{id}', { params: { path: { id: spec.id } } })),
    onSuccess: (_r, spec) => {
      void queryClient.invalidateQueries({ queryKey: qk.specs.all });
      void queryClient.invalidateQueries({ queryKey: qk.modules.all });
      toast.success(`Table API "${spec.module}" deleted`);
    },
    onError: (error) => toast.error(error),
  });

  const askDelete = async (spec: Spec) => {
    if (
      await confirm({
        title: `Delete "${spec.module}"?`,
        description: `Its ${spec.operation_count} routes under /${spec.path_prefix} stop answering at once. The database is not touched.`,
        confirmLabel: 'Delete',
        destructive: true,
      })
    )
      remove.mutate(spec);
  };

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
          <FileCog />
          Generate from a connection
        </Button>
      )}
      <Button onClick={() => setImporting({})}>
        <FileUp />
        Import spec
      </Button>
    </RequirePermission>
  );

  const needle = q?.toLowerCase() ?? '';
  const rows = (list.data?.data ?? []).filter((s) => !needle || s.module.toLowerCase().includes(needle) || s.path_prefix.toLowerCase().includes(needle));

  return (
    <RequirePermission resource="module" action="read" page>
      <PageHeader
        title="Table APIs"
        description="REST routes generated from annotated OpenAPI documents: list, read, create, update and delete rows."
        actions={actions}
      />

      {(list.data?.data.length ?? 0) > 0 && (
        <div className="relative mb-4 w-full max-w-xs">
          <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <Input
            aria-label="Search table APIs"
            placeholder="Search by module or prefix…"
            className="pl-8"
            defaultValue={q ?? ''}
            onChange={(e) => void navigate({ to: '/tables', search: { q: e.target.value || undefined }, replace: true })}
          />
        </div>
      )}

      {list.isPending ? (
        <TableSkeleton columns={6} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="Could not load the table APIs" />
      ) : list.data.data.length === 0 ? (
        <EmptyState
          icon={Table2}
          title="No table APIs yet"
          description="Import an annotated OpenAPI document, or generate one from a connection's tables."
          action={<div className="flex gap-2">{actions}</div>}
        />
      ) : rows.length === 0 ? (
        <EmptyState icon={Search} title="No table API matches" description={`Nothing is named like "${q}".`} />
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Module</TableHead>
              <TableHead>Prefix</TableHead>
              <TableHead className="text-right">Entities</TableHead>
              <TableHead className="text-right">Operations</TableHead>
              <TableHead>Access</TableHead>
              <TableHead>Updated</TableHead>
              <TableHead className="w-0">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((spec) => (
              <TableRow key={spec.id}>
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
                  <DropdownMenu>
                    <DropdownMenuTrigger asChild>
                      <Button variant="ghost" size="icon" aria-label="Actions">
                        <MoreHorizontal />
                      </Button>
                    </DropdownMenuTrigger>
                    <DropdownMenuContent>
                      <DropdownMenuItem asChild>
                        <Link to="/tables/$id" params={{ id: spec.id }}>
                          <Table2 />
                          Open
                        </Link>
                      </DropdownMenuItem>
                      {can('module', 'create') && (
                        <DropdownMenuItem onSelect={() => void replace(spec)}>
                          <RefreshCw />
                          Replace
                        </DropdownMenuItem>
                      )}
                      {can('module', 'delete') && (
                        <>
                          <DropdownMenuSeparator />
                          <DropdownMenuItem destructive onSelect={() => void askDelete(spec)}>
                            <Trash2 />
                            Delete
                          </DropdownMenuItem>
                        </>
                      )}
                    </DropdownMenuContent>
                  </DropdownMenu>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

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
    </RequirePermission>
  );
}
