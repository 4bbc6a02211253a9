/**
 * API Repository: every route the gateway serves right now (published SQL/script endpoints and table routes,
 * from the live `/openapi.json`), grouped by module and searchable, each with method, full path, access and
 * parameters, and a Try it panel (`?op=GET%20/music/album/{id}` opens it directly).
 */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { BookOpen, ChevronRight, ExternalLink, Library, Play, Search } from 'lucide-react';
import { PageHeader } from '../../components/ui/page-header';
import { Input } from '../../components/ui/input';
import { Button } from '../../components/ui/button';
import { Badge } from '../../components/ui/badge';
import { Card } from '../../components/ui/card';
import { TableSkeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { Dialog, DialogContent } from '../../components/ui/dialog';
import { MethodBadge } from '../../components/method-badge';
import { groupByModule, operationsOf, type Operation } from './catalogue';
import { TryIt } from './try-it';

const route = getRouteApi('/app/repository');

async function fetchDocument(): Promise<unknown> {
  const res = await fetch('/openapi.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`The gateway answered ${res.status} for /openapi.json`);
  return res.json();
}

export default function RepositoryPage() {
  const { q, op: openKey } = route.useSearch();
  const navigate = useNavigate();
  const doc = useQuery({ queryKey: ['repository', 'openapi'], queryFn: fetchDocument });
  const operations = useMemo(() => (doc.data ? operationsOf(doc.data) : []), [doc.data]);
  const groups = useMemo(() => groupByModule(operations, q), [operations, q]);
  const open = operations.find((o) => o.key === openKey) ?? null;

  const setOpen = (key: string | undefined) => void navigate({ to: '/repository', search: (s) => ({ ...s, op: key }), replace: true });

  return (
    <>
      <PageHeader
        title="API Repository"
        description="Everything the gateway serves right now, by module: published endpoints and table routes. Try any of them live."
        actions={
          <Button variant="outline" asChild>
            <a href="/docs" target="_blank" rel="noreferrer">
              <BookOpen />
              OpenAPI docs
              <ExternalLink className="size-3" />
            </a>
          </Button>
        }
      />

      <div className="mb-4 flex items-center gap-3">
        <div className="relative w-full max-w-sm">
          <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <Input
            aria-label="Search APIs"
            placeholder="Search by module, path or summary…"
            className="pl-8"
            defaultValue={q ?? ''}
            onChange={(e) => void navigate({ to: '/repository', search: (s) => ({ ...s, q: e.target.value || undefined }), replace: true })}
          />
        </div>
        {doc.data !== undefined && (
          <span className="text-sm text-muted-foreground">
            {operations.length} routes in {groupByModule(operations).length} modules
          </span>
        )}
      </div>

      {doc.isPending ? (
        <TableSkeleton columns={4} rows={8} />
      ) : doc.isError ? (
        <ErrorState error={doc.error} onRetry={() => void doc.refetch()} title="Could not load the published APIs" />
      ) : operations.length === 0 ? (
        <EmptyState
          icon={Library}
          title="Nothing is published yet"
          description="Publish an SQL or script endpoint, or import a table API; its routes appear here."
          action={
            <div className="flex gap-2">
              <Button variant="outline" asChild>
                <Link to="/dev/endpoints">Endpoints</Link>
              </Button>
              <Button asChild>
                <Link to="/tables">Table APIs</Link>
              </Button>
            </div>
          }
        />
      ) : groups.length === 0 ? (
        <EmptyState icon={Search} title="No API matches" description={`No route mentions "${q}".`} />
      ) : (
        <div className="space-y-6">
          {groups.map((g) => (
            <section key={g.module} aria-label={`Module ${g.module}`}>
              <h2 className="mb-2 flex items-center gap-2 text-sm font-semibold">
                {g.module}
                <Badge variant="secondary">{g.operations.length}</Badge>
              </h2>
              <Card className="divide-y overflow-hidden p-0">
                {g.operations.map((op) => (
                  <OperationRow key={op.key} op={op} onTry={() => setOpen(op.key)} />
                ))}
              </Card>
            </section>
          ))}
        </div>
      )}

      <Dialog open={!!open} onOpenChange={(o) => !o && setOpen(undefined)}>
        {open && (
          <DialogContent title={`Try ${open.method} ${open.path}`} description={open.summary || undefined} className="max-w-3xl">
            <TryIt key={open.key} op={open} />
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}

function OperationRow({ op, onTry }: { op: Operation; onTry: () => void }) {
  return (
    <details className="group" data-testid="operation">
      <summary className="flex cursor-pointer list-none items-center gap-3 px-4 py-2.5 hover:bg-muted/50 [&::-webkit-details-marker]:hidden">
        <ChevronRight className="size-4 shrink-0 text-muted-foreground transition-transform group-open:rotate-90" aria-hidden />
        <MethodBadge method={op.method} />
        <span className="min-w-0 truncate font-mono text-sm">{op.path}</span>
        <span className="hidden min-w-0 flex-1 truncate text-sm text-muted-foreground md:block">{op.summary}</span>
        <Badge className="ml-auto md:ml-0" variant={op.access === 'private' ? 'secondary' : 'warning'}>
          {op.access === 'private' ? 'Private' : 'Public'}
        </Badge>
        <Button
          size="sm"
          variant="outline"
          aria-label={`Try ${op.method} ${op.path}`}
          onClick={(e) => {
            e.preventDefault();
            onTry();
          }}
        >
          <Play />
          Try it
        </Button>
      </summary>
      <div className="space-y-3 bg-muted/20 px-4 py-3 pl-11">
        {op.description && <p className="text-sm text-muted-foreground">{op.description}</p>}
        {op.params.length === 0 ? (
          <p className="text-sm text-muted-foreground">No parameters{op.body === 'json' ? '; takes a JSON body' : ''}.</p>
        ) : (
          <Table aria-label={`Parameters of ${op.method} ${op.path}`}>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>In</TableHead>
                <TableHead>Type</TableHead>
                <TableHead>Required</TableHead>
                <TableHead>Description</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {op.params.map((p) => (
                <TableRow key={`${p.in}:${p.name}`}>
                  <TableCell className="font-mono text-xs">{p.name}</TableCell>
                  <TableCell className="text-xs">{p.in}</TableCell>
                  <TableCell className="font-mono text-xs">{p.type}</TableCell>
                  <TableCell className="text-xs">{p.required ? <Badge variant="outline">required</Badge> : <span className="text-muted-foreground">optional</span>}</TableCell>
                  <TableCell className="max-w-md text-xs text-muted-foreground">{p.description ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
    </details>
  );
}
