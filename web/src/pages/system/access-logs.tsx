/**
 * Access logs: every gateway outcome, filtered by client, path, status, method and time range, newest first;
 * a row opens the full record (request id, parameters, redacted headers, body when recorded).
 */
import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { RefreshCw, ScrollText, X } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { RequirePermission } from '../../auth/require-permission';
import { useCan } from '../../auth/use-me';
import { qk } from '../../lib/query-keys';
import { formatDateTime, formatMs } from '../../lib/format';
import { PageHeader } from '../../components/ui/page-header';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Select } from '../../components/ui/select';
import { Badge } from '../../components/ui/badge';
import { FormField } from '../../components/ui/form-field';
import { Pager } from '../../components/ui/pager';
import { Skeleton } from '../../components/ui/skeleton';
import { CopyButton } from '../../components/ui/copy-button';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';
import { TableCell } from '../../components/ui/table';
import { DataTable } from '../../components/data-table';
import { useAllClients } from './lookups';

const route = getRouteApi('/app/system/access-logs');
const PAGE_SIZE = 50;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface Filters {
  client_id: string;
  path: string;
  status: '' | 'success' | 'fail';
  status_code: string;
  method: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { client_id: '', path: '', status: '', status_code: '', method: '', from: '', to: '' };

/** `datetime-local` text (the user's zone) → ISO UTC. */
const localToIso = (v: string): string | undefined => {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function statusVariant(status: number): 'success' | 'warning' | 'destructive' | 'secondary' {
  if (status >= 500) return 'destructive';
  if (status >= 400) return 'warning';
  if (status >= 200 && status < 400) return 'success';
  return 'secondary';
}

export default function AccessLogsPage() {
  const { page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const clients = useAllClients(can('client', 'read'));
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [open, setOpen] = useState<string | null>(null);
  const typed = useDebounced({ path: filters.path, status_code: filters.status_code }, 300);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    if (page !== 1) void navigate({ to: '.', search: { page: undefined }, replace: true });
  };

  const code = Number(typed.status_code);
  const body = {
    page,
    page_size: PAGE_SIZE,
    ...(filters.client_id ? { client_id: filters.client_id } : {}),
    ...(typed.path.trim() ? { path: typed.path.trim() } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(Number.isInteger(code) && code >= 100 && code <= 599 ? { status_code: code } : {}),
    ...(filters.method ? { method: filters.method } : {}),
    ...(localToIso(filters.from) ? { from: localToIso(filters.from) } : {}),
    ...(localToIso(filters.to) ? { to: localToIso(filters.to) } : {}),
  };
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  const list = useQuery({
    queryKey: qk.accessLogs.list(body),
    queryFn: () => unwrap(api.POST('/api/v1/access-logs/list', { body })),
    placeholderData: keepPreviousData,
  });

  return (
    <RequirePermission resource="access_log" action="read" page>
      <PageHeader
        title="Access logs"
        description="Every call the gateway answered: who called what, the outcome and how long it took."
        actions={
          <Button variant="outline" onClick={() => void list.refetch()} loading={list.isFetching && !list.isPending}>
            <RefreshCw aria-hidden />
            Refresh
          </Button>
        }
      />
      <section aria-label="Filters" className="mb-4 grid gap-3 rounded-lg border bg-card p-3 sm:grid-cols-2 lg:grid-cols-4">
        <FormField label="Client">
          <Select
            value={filters.client_id}
            onChange={(e) => set('client_id', e.target.value)}
            placeholder="Any client"
            options={(clients.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
        </FormField>
        <FormField label="Path contains">
          <Input value={filters.path} onChange={(e) => set('path', e.target.value)} placeholder="/chinook/" />
        </FormField>
        <FormField label="Status">
          <Select
            value={filters.status}
            onChange={(e) => set('status', e.target.value as Filters['status'])}
            placeholder="Any status"
            options={[
              { value: 'success', label: 'Success (< 400)' },
              { value: 'fail', label: 'Failed (≥ 400)' },
            ]}
          />
        </FormField>
        <FormField label="Status code">
          <Input inputMode="numeric" value={filters.status_code} onChange={(e) => set('status_code', e.target.value)} placeholder="e.g. 404" />
        </FormField>
        <FormField label="Method">
          <Select value={filters.method} onChange={(e) => set('method', e.target.value)} placeholder="Any method" options={METHODS.map((m) => ({ value: m, label: m }))} />
        </FormField>
        <FormField label="From">
          <Input type="datetime-local" value={filters.from} onChange={(e) => set('from', e.target.value)} />
        </FormField>
        <FormField label="To">
          <Input type="datetime-local" value={filters.to} onChange={(e) => set('to', e.target.value)} />
        </FormField>
      </section>
      {filtered && (
        <div className="mb-3 flex justify-end">
          <Button variant="ghost" size="sm" onClick={() => setFilters(NO_FILTERS)}>
            <X aria-hidden />
            Clear filters
          </Button>
        </div>
      )}
      <DataTable
        aria-label="Access log"
        query={list}
        rows={list.data?.data}
        columns={[
          { header: 'Time' },
          { header: 'Method' },
          { header: 'Path' },
          { header: 'Status' },
          { header: 'Duration', className: 'text-right' },
          { header: 'Client' },
          { header: 'IP' },
        ]}
        rowKey={(r) => r.id}
        rowClassName={() => 'cursor-pointer focus-visible:bg-muted focus-visible:outline-none'}
        rowProps={(r) => ({
          tabIndex: 0,
          'aria-label': `${r.method} ${r.path} ${r.status}`,
          onClick: () => setOpen(r.id),
          onKeyDown: (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              setOpen(r.id);
            }
          },
        })}
        empty={
          <EmptyState
            icon={ScrollText}
            title={filtered ? 'No calls match these filters' : 'No gateway calls recorded yet'}
            description={
              filtered ? 'Widen the time range or clear a filter.' : 'Calls to published endpoints appear here a second or so after they are answered.'
            }
            action={
              filtered ? (
                <Button variant="outline" onClick={() => setFilters(NO_FILTERS)}>
                  Clear filters
                </Button>
              ) : undefined
            }
          />
        }
        renderRow={(r) => (
          <>
            <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(r.created_at)}</TableCell>
            <TableCell>
              <code className="font-mono text-xs font-semibold">{r.method}</code>
            </TableCell>
            <TableCell className="max-w-sm truncate">
              <code className="font-mono text-xs">{r.path}</code>
            </TableCell>
            <TableCell>
              <Badge variant={statusVariant(r.status)}>{r.status}</Badge>
            </TableCell>
            <TableCell className="text-right tabular-nums text-muted-foreground">{formatMs(r.duration_ms)}</TableCell>
            <TableCell className="text-muted-foreground">{r.client_name ?? 'Anonymous'}</TableCell>
            <TableCell className="font-mono text-xs text-muted-foreground">{r.ip}</TableCell>
          </>
        )}
        footer={<Pager page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} onPage={(p) => void navigate({ to: '.', search: { page: p } })} />}
      />
      {open && <RecordDialog id={open} onClose={() => setOpen(null)} />}
    </RequirePermission>
  );
}

function RecordDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const rec = useQuery({
    queryKey: qk.accessLogs.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/access-logs/{id}', { params: { path: { id } } })),
  });
  const r = rec.data;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent title="Access record" description={r ? `${r.method} ${r.path}` : 'Loading…'} className="max-w-3xl">
        {rec.isPending ? (
          <div className="space-y-2" role="status" aria-label="Loading">
            <Skeleton className="h-32 w-full" />
            <Skeleton className="h-24 w-full" />
          </div>
        ) : rec.isError ? (
          <ErrorState error={rec.error} onRetry={() => void rec.refetch()} />
        ) : (
          <div className="space-y-4 text-sm">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2" aria-label="Record">
              <Item label="Time">{formatDateTime(rec.data.created_at)}</Item>
              <Item label="Status">
                <Badge variant={statusVariant(rec.data.status)}>{rec.data.status}</Badge>
                {rec.data.error_code && <code className="ml-2 text-xs text-muted-foreground">{rec.data.error_code}</code>}
              </Item>
              <Item label="Duration">{formatMs(rec.data.duration_ms)}</Item>
              <Item label="Request ID">
                <span className="inline-flex items-center gap-2">
                  <code className="text-xs">{rec.data.request_id}</code>
                  <CopyButton value={rec.data.request_id} label="Copy request ID" className="size-7" />
                </span>
              </Item>
              <Item label="Method and path">
                <code className="text-xs">
                  {rec.data.method} {rec.data.path}
                </code>
              </Item>
              <Item label="Endpoint">
                {rec.data.endpoint_name ?? rec.data.endpoint_id ?? '—'}
                {rec.data.endpoint_version !== null && <span className="text-muted-foreground"> · v{rec.data.endpoint_version}</span>}
              </Item>
              <Item label="Module">{rec.data.module_name ?? rec.data.module_id ?? '—'}</Item>
              <Item label="Client">{rec.data.client_name ?? 'Anonymous'}</Item>
              <Item label="IP">
                <code className="text-xs">{rec.data.ip}</code>
              </Item>
            </dl>
            <Block title="Parameters" text={JSON.stringify(rec.data.params ?? null, null, 2)} />
            <Block
              title="Headers"
              text={Object.entries(rec.data.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n')}
              empty="No headers recorded."
            />
            <Block title="Body" text={rec.data.body ?? ''} empty="No body recorded (body logging is off, or the request had none)." />
          </div>
        )}
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>
            Close
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-all">{children}</dd>
    </>
  );
}

function Block({ title, text, empty }: { title: string; text: string; empty?: string }) {
  return (
    <section aria-label={title}>
      <h3 className="mb-1.5 text-sm font-semibold">{title}</h3>
      {text ? (
        <pre className="max-h-56 overflow-auto rounded-md border bg-muted/50 p-3 font-mono text-xs">{text}</pre>
      ) : (
        <p className="text-muted-foreground">{empty}</p>
      )}
    </section>
  );
}
