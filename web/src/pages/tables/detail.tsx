/**
 * One table API: why it cannot be served (when it cannot), its entities (columns, key, 1:1 / 1:N relations
 * read from the document), its live routes with a link to try each, and the document itself; replace or delete.
 */
import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { ArrowLeft, KeyRound, Play, RefreshCw, Route as RouteIcon, Table2, Trash2 } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { qk } from '../../lib/query-keys';
import { formatDateTime } from '../../lib/format';
import { RequirePermission } from '../../auth/require-permission';
import { PageHeader } from '../../components/ui/page-header';
import { Button } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { Alert } from '../../components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Skeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';
import { Dialog, DialogContent } from '../../components/ui/dialog';
import { useConfirm } from '../../components/ui/alert-dialog';
import { toast } from '../../components/ui/toast';
import { MethodBadge } from '../../components/method-badge';
import { specEntities, type SpecEntity } from './spec-model';
import { ImportSpecForm } from './import-form';

const route = getRouteApi('/app/tables/$id');

export default function TableDetailPage() {
  const { id } = route.useParams();
  const { tab = 'entities' } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const [replacing, setReplacing] = useState(false);

  const spec = useQuery({ queryKey: qk.specs.detail(id), queryFn: () => unwrap(api.GET('/api/v1/specs/{id}', { params: { path: { id } } })) });
  const parsed = useMemo(() => {
    if (!spec.data) return null;
    try {
      return { entities: specEntities(spec.data.content), error: null };
    } catch (err) {
      return { entities: [] as SpecEntity[], error: errorMessage(err) };
    }
  }, [spec.data]);

  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/specs/delete/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk.specs.all });
      void queryClient.invalidateQueries({ queryKey: qk.modules.all });
      toast.success(`Table API "${spec.data?.module}" deleted`);
      void navigate({ to: '/tables' });
    },
    onError: (error) => toast.error(error),
  });

  if (spec.isPending) {
    return (
      <div role="status" aria-busy="true" aria-label="Loading" className="space-y-4">
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-4 w-96" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (spec.isError) return <ErrorState error={spec.error} onRetry={() => void spec.refetch()} title="Could not load this table API" />;

  const s = spec.data;
  const askDelete = async () => {
    if (
      await confirm({
        title: `Delete "${s.module}"?`,
        description: `Its ${s.routes.length} routes under /${s.path_prefix} stop answering at once. The database is not touched.`,
        confirmLabel: 'Delete',
        destructive: true,
      })
    )
      remove.mutate();
  };

  return (
    <RequirePermission resource="module" action="read" page>
      <Link to="/tables" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" />
        Table APIs
      </Link>
      <PageHeader
        title={s.module}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono">/{s.path_prefix}</span>
            <Badge variant={s.access_type === 'public' ? 'warning' : 'secondary'}>{s.access_type === 'public' ? 'Public' : 'Private'}</Badge>
            {s.error ? <Badge variant="destructive">Not served</Badge> : <Badge variant="success">Live</Badge>}
            <span>
              {s.entity_count} entities · {s.routes.length} routes{s.operation_count > 0 ? ` · ${s.operation_count} custom operations` : ''} · updated {formatDateTime(s.updated_at)}
            </span>
          </span>
        }
        actions={
          <>
            <RequirePermission resource="module" action="create">
              <Button variant="outline" onClick={() => setReplacing(true)}>
                <RefreshCw />
                Replace
              </Button>
            </RequirePermission>
            <RequirePermission resource="module" action="delete">
              <Button variant="destructive" onClick={() => void askDelete()} loading={remove.isPending}>
                <Trash2 />
                Delete
              </Button>
            </RequirePermission>
          </>
        }
      />

      {s.error && (
        <Alert variant="destructive" title="This spec cannot be served" className="mb-4">
          {s.error}
        </Alert>
      )}

      <Tabs value={tab} onValueChange={(t) => void navigate({ to: '/tables/$id', params: { id }, search: { tab: t }, replace: true })}>
        <TabsList>
          <TabsTrigger value="entities">Entities ({parsed?.entities.length ?? 0})</TabsTrigger>
          <TabsTrigger value="routes">Routes ({s.routes.length})</TabsTrigger>
          <TabsTrigger value="document">Document</TabsTrigger>
        </TabsList>

        <TabsContent value="entities" className="mt-4 space-y-4">
          {parsed?.error && <Alert variant="warning" title="The document could not be read here">{parsed.error}</Alert>}
          {parsed && parsed.entities.length === 0 && !parsed.error ? (
            <EmptyState icon={Table2} title="No entities" description="No component schema of this document has an x-am-database annotation." />
          ) : (
            <div className="grid gap-4 xl:grid-cols-2">
              {parsed?.entities.map((e) => <EntityCard key={e.name} entity={e} />)}
            </div>
          )}
        </TabsContent>

        <TabsContent value="routes" className="mt-4">
          {s.routes.length === 0 ? (
            <EmptyState icon={RouteIcon} title="No live routes" description={s.error ? 'Fix the problem above and replace the spec.' : 'This spec declares no operations.'} />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="w-24">Method</TableHead>
                  <TableHead>Path</TableHead>
                  <TableHead>Summary</TableHead>
                  <TableHead className="w-0">
                    <span className="sr-only">Try</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {s.routes.map((r) => (
                  <TableRow key={`${r.method} ${r.path}`}>
                    <TableCell>
                      <MethodBadge method={r.method} />
                    </TableCell>
                    <TableCell className="font-mono text-xs">{r.path}</TableCell>
                    <TableCell className="text-muted-foreground">{r.summary}</TableCell>
                    <TableCell>
                      <Button variant="ghost" size="sm" asChild>
                        <Link to="/repository" search={{ q: s.module, op: `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}` }} aria-label={`Try ${r.method} ${r.path}`}>
                          <Play />
                          Try
                        </Link>
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </TabsContent>

        <TabsContent value="document" className="mt-4">
          <Card>
            <CardHeader>
              <CardTitle>{s.filename ?? 'Document'}</CardTitle>
              <CardDescription>The document as imported. Use Replace to change it.</CardDescription>
            </CardHeader>
            <CardContent>
              <pre aria-label="Spec document" className="max-h-[36rem] overflow-auto rounded-md bg-muted p-3 font-mono text-xs leading-relaxed">
                {s.content}
              </pre>
            </CardContent>
          </Card>
        </TabsContent>
      </Tabs>

      <Dialog open={replacing} onOpenChange={setReplacing}>
        {replacing && (
          <DialogContent title={`Replace "${s.module}"`} description="The new document replaces this one; its routes change as soon as it is imported." className="max-w-3xl">
            <ImportSpecForm
              replacing
              defaults={{ module: s.module, prefix: s.path_prefix, access: s.access_type, content: s.content, filename: s.filename }}
              onCancel={() => setReplacing(false)}
              onImported={() => {
                setReplacing(false);
                void queryClient.invalidateQueries({ queryKey: qk.specs.detail(id) });
              }}
            />
          </DialogContent>
        )}
      </Dialog>
    </RequirePermission>
  );
}

function EntityCard({ entity }: { entity: SpecEntity }) {
  return (
    <Card aria-label={`Entity ${entity.name}`}>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Table2 className="size-4 text-muted-foreground" />
          {entity.name}
        </CardTitle>
        <CardDescription>
          Table <span className="font-mono">{entity.table}</span> in <span className="font-mono">{entity.database}</span>
          {entity.key.length > 0 && (
            <>
              {' '}
              · key <span className="font-mono">{entity.key.join(', ')}</span>
            </>
          )}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Property</TableHead>
              <TableHead>Type</TableHead>
              <TableHead>Column</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {entity.properties.map((p) => (
              <TableRow key={p.name}>
                <TableCell className="font-mono text-xs">
                  <span className="inline-flex items-center gap-1.5">
                    {p.primaryKey && <KeyRound className="size-3.5 text-warning" aria-label="Primary key" />}
                    {p.name}
                    {p.required && (
                      <span className="text-destructive" title="required">
                        *
                      </span>
                    )}
                  </span>
                </TableCell>
                <TableCell className="text-xs">
                  {p.type}
                  {p.readOnly && <span className="ml-1 text-muted-foreground">(read-only)</span>}
                </TableCell>
                <TableCell className="font-mono text-xs text-muted-foreground">{p.columnType ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {entity.relations.length > 0 && (
          <div>
            <h3 className="mb-1.5 text-xs font-medium uppercase tracking-wide text-muted-foreground">Relations</h3>
            <ul className="space-y-1 text-xs">
              {entity.relations.map((r) => (
                <li key={r.name} className="flex flex-wrap items-center gap-2">
                  <Badge variant="outline">{r.kind}</Badge>
                  <span className="font-mono text-xs">{r.name}</span>
                  <span className="text-muted-foreground">→ {r.target}</span>
                  {r.via && <span className="font-mono text-xs text-muted-foreground">({r.via})</span>}
                </li>
              ))}
            </ul>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
