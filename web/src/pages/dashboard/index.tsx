/**
 * Dashboard: catalog counts, gateway traffic for a period (requests, success rate, latency), requests by day,
 * status classes, top paths, recent requests and recent commits — the `/api/v1/overview/*` figures.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Activity, Boxes, Database, FileCode2, GitCommitHorizontal, KeyRound, UsersRound } from 'lucide-react';
import { api, unwrap } from '../../api/client';
import { qk } from '../../lib/query-keys';
import { formatMs, formatNumber, formatRelative } from '../../lib/format';
import { useMe } from '../../auth/use-me';
import { RequirePermission } from '../../auth/require-permission';
import { PageHeader } from '../../components/ui/page-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Select } from '../../components/ui/select';
import { Label } from '../../components/ui/label';
import { Skeleton } from '../../components/ui/skeleton';
import { EmptyState, ErrorState } from '../../components/ui/empty-state';
import { Badge } from '../../components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { BarChart, type DayBar } from './bar-chart';

interface Stats {
  datasources: number | null;
  modules: number | null;
  endpoints: number | null;
  clients: number | null;
  groups: number | null;
  days: number;
  requests: { total: number; success: number; fail: number; avg_duration_ms: number; distinct_clients: number };
}
interface Breakdown {
  classes: Record<'2xx' | '3xx' | '4xx' | '5xx' | 'other', number>;
}
interface PathCount {
  path: string;
  count: number;
  fail: number;
  avg_duration_ms: number;
}
interface Access {
  id: string;
  created_at: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  client_name: string | null;
}
interface Commit {
  id: string;
  api_assignment_id: string;
  endpoint: string;
  module: string;
  version: number;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
}

const PERIODS = [
  { value: '1', label: 'Last 24 hours' },
  { value: '7', label: 'Last 7 days' },
  { value: '14', label: 'Last 14 days' },
  { value: '30', label: 'Last 30 days' },
];

function useOverview<T>(part: string, params: object, fetcher: () => Promise<unknown>) {
  return useQuery({ queryKey: qk.overview.part(part, params), queryFn: async () => (await fetcher()) as T });
}

export default function DashboardPage() {
  const { data: me } = useMe();
  const [days, setDays] = useState(7);
  const chartDays = Math.max(days, 7);
  const stats = useOverview<Stats>('stats', { days }, () => unwrap(api.GET('/api/v1/overview/stats', { params: { query: { days } } })));
  const byDay = useOverview<DayBar[]>('by-day', { days: chartDays }, () =>
    unwrap(api.GET('/api/v1/overview/requests-by-day', { params: { query: { days: chartDays } } })),
  );
  const breakdown = useOverview<Breakdown>('status', { days }, () =>
    unwrap(api.GET('/api/v1/overview/status-breakdown', { params: { query: { days } } })),
  );
  const topPaths = useOverview<PathCount[]>('top-paths', { days }, () =>
    unwrap(api.GET('/api/v1/overview/top-paths', { params: { query: { days, limit: 8 } } })),
  );
  const recent = useOverview<Access[]>('recent', {}, () => unwrap(api.GET('/api/v1/overview/recent-access', { params: { query: { limit: 8 } } })));
  const commits = useOverview<Commit[]>('commits', {}, () =>
    unwrap(api.GET('/api/v1/overview/recent-commits', { params: { query: { limit: 6 } } })),
  );

  const s = stats.data;
  const successRate = s && s.requests.total > 0 ? `${((s.requests.success / s.requests.total) * 100).toFixed(1)}%` : '—';

  return (
    <RequirePermission resource="overview" action="read" page>
      <PageHeader
        title="Dashboard"
        description={`Welcome${me ? `, ${me.full_name || me.username}` : ''}. Your catalog and gateway traffic at a glance.`}
        actions={
          <div className="flex items-center gap-2">
            <Label htmlFor="period" className="text-muted-foreground">
              Period
            </Label>
            <Select id="period" className="w-40" value={String(days)} onChange={(e) => setDays(Number(e.target.value))} options={PERIODS} />
          </div>
        }
      />

      {stats.isError ? (
        <ErrorState error={stats.error} onRetry={() => void stats.refetch()} title="Could not load the dashboard" />
      ) : (
        <>
          <section aria-label="Catalog" className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
            <Figure label="Connections" value={s?.datasources} icon={Database} to="/connections" />
            <Figure label="Modules" value={s?.modules} icon={Boxes} to="/dev/modules" />
            <Figure label="Endpoints" value={s?.endpoints} icon={FileCode2} to="/dev/endpoints" />
            <Figure label="Clients" value={s?.clients} icon={KeyRound} to="/system/clients" />
            <Figure label="Groups" value={s?.groups} icon={UsersRound} to="/system/groups" />
          </section>
          <section aria-label="Traffic" className="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
            <Figure label="Requests" value={s?.requests.total} />
            <Figure label="Success rate" text={s ? successRate : undefined} />
            <Figure label="Average latency" text={s ? formatMs(s.requests.avg_duration_ms) : undefined} />
            <Figure label="Active clients" value={s?.requests.distinct_clients} />
          </section>
        </>
      )}

      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Requests by day</CardTitle>
            <CardDescription>Successful requests, failures in red (UTC days).</CardDescription>
          </CardHeader>
          <CardContent>
            {byDay.isPending ? (
              <Skeleton className="h-44 w-full" />
            ) : byDay.isError ? (
              <ErrorState error={byDay.error} onRetry={() => void byDay.refetch()} />
            ) : (
              <BarChart days={byDay.data} />
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Status codes</CardTitle>
            <CardDescription>Responses by status class.</CardDescription>
          </CardHeader>
          <CardContent>
            {breakdown.isPending ? <Skeleton className="h-40 w-full" /> : breakdown.isError ? <ErrorState error={breakdown.error} /> : <StatusBars classes={breakdown.data.classes} />}
          </CardContent>
        </Card>

        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Recent requests</CardTitle>
            <CardDescription>The latest calls through the gateway.</CardDescription>
          </CardHeader>
          <CardContent>
            {recent.isPending ? (
              <Skeleton className="h-40 w-full" />
            ) : recent.isError ? (
              <ErrorState error={recent.error} />
            ) : recent.data.length === 0 ? (
              <EmptyState
                icon={Activity}
                title="No traffic yet"
                description="Publish an endpoint and call it; requests show up here."
                action={
                  <Link to="/dev/endpoints" className="text-sm font-medium text-primary hover:underline">
                    Go to endpoints
                  </Link>
                }
              />
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>When</TableHead>
                    <TableHead>Request</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead className="text-right">Time</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {recent.data.map((r) => (
                    <TableRow key={r.id}>
                      <TableCell className="whitespace-nowrap text-muted-foreground">{formatRelative(r.created_at)}</TableCell>
                      <TableCell className="font-mono text-xs">
                        {r.method} {r.path}
                      </TableCell>
                      <TableCell>
                        <Badge variant={r.status < 400 ? 'success' : r.status < 500 ? 'warning' : 'destructive'}>{r.status}</Badge>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{formatMs(r.duration_ms)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Top paths</CardTitle>
            <CardDescription>Most called in the period.</CardDescription>
          </CardHeader>
          <CardContent>
            {topPaths.isPending ? (
              <Skeleton className="h-40 w-full" />
            ) : topPaths.isError ? (
              <ErrorState error={topPaths.error} />
            ) : topPaths.data.length === 0 ? (
              <p className="py-6 text-center text-sm text-muted-foreground">No requests in this period.</p>
            ) : (
              <ol className="space-y-2" aria-label="Top paths">
                {topPaths.data.map((p) => (
                  <li key={p.path} className="flex items-center justify-between gap-2 text-sm">
                    <span className="truncate font-mono text-xs" title={p.path}>
                      {p.path}
                    </span>
                    <span className="shrink-0 tabular-nums text-muted-foreground">
                      {formatNumber(p.count)}
                      {p.fail > 0 && <span className="ml-1 text-destructive">({formatNumber(p.fail)} failed)</span>}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </CardContent>
        </Card>

        <Card className="lg:col-span-3">
          <CardHeader>
            <CardTitle>Recent commits</CardTitle>
            <CardDescription>New endpoint versions across all modules.</CardDescription>
          </CardHeader>
          <CardContent>
            {commits.isPending ? (
              <Skeleton className="h-24 w-full" />
            ) : commits.isError ? (
              <ErrorState error={commits.error} />
            ) : commits.data.length === 0 ? (
              <p className="py-6 text-center text-sm text-muted-foreground">No versions committed yet.</p>
            ) : (
              <ul className="divide-y" aria-label="Recent commits">
                {commits.data.map((c) => (
                  <li key={c.id} className="flex items-center gap-3 py-2 text-sm">
                    <GitCommitHorizontal className="size-4 shrink-0 text-muted-foreground" />
                    <Link to="/dev/endpoints/$id" params={{ id: c.api_assignment_id }} className="font-medium hover:underline">
                      {c.module}/{c.endpoint}
                    </Link>
                    <Badge variant="secondary">v{c.version}</Badge>
                    <span className="min-w-0 flex-1 truncate text-muted-foreground">{c.commit_message || 'No message'}</span>
                    <span className="shrink-0 text-xs text-muted-foreground">
                      {c.committed_by ? `${c.committed_by}, ` : ''}
                      {formatRelative(c.committed_at)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>
    </RequirePermission>
  );
}

function Figure(props: { label: string; value?: number | null; text?: string; icon?: typeof Database; to?: string }) {
  const shown = props.text ?? (props.value === undefined ? undefined : formatNumber(props.value));
  const body = (
    <Card className="h-full p-4 transition-colors">
      <div className="flex items-center justify-between text-xs font-medium text-muted-foreground">
        <span>{props.label}</span>
        {props.icon && <props.icon className="size-4" />}
      </div>
      <div className="mt-2 text-2xl font-semibold tabular-nums" aria-label={props.label}>
        {shown === undefined ? <Skeleton className="h-7 w-14" /> : shown}
      </div>
    </Card>
  );
  return props.to ? (
    <Link to={props.to} className="block rounded-lg hover:[&>section]:border-primary/50">
      {body}
    </Link>
  ) : (
    body
  );
}

const CLASS_STYLE: Record<string, string> = {
  '2xx': 'bg-success',
  '3xx': 'bg-chart',
  '4xx': 'bg-warning',
  '5xx': 'bg-destructive',
  other: 'bg-muted-foreground',
};

function StatusBars({ classes }: { classes: Breakdown['classes'] }) {
  const entries = Object.entries(classes) as [keyof Breakdown['classes'], number][];
  const total = entries.reduce((n, [, v]) => n + v, 0);
  if (total === 0) return <p className="py-6 text-center text-sm text-muted-foreground">No requests in this period.</p>;
  return (
    <ul className="space-y-3" aria-label="Status codes">
      {entries
        .filter(([, v]) => v > 0)
        .map(([name, v]) => (
          <li key={name} className="space-y-1">
            <div className="flex justify-between text-sm">
              <span className="font-medium">{name}</span>
              <span className="tabular-nums text-muted-foreground">
                {formatNumber(v)} · {((v / total) * 100).toFixed(1)}%
              </span>
            </div>
            <div className="h-2 rounded-full bg-muted">
              <div className={`h-2 rounded-full ${CLASS_STYLE[name]}`} style={{ width: `${Math.max(2, (v / total) * 100)}%` }} />
            </div>
          </li>
        ))}
    </ul>
  );
}
