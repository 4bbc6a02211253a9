/**
 * `/api/v1/overview/...`: the dashboard's figures, as pyDBAPI's overview. Periods are `days` back from now
 * (default 7); requests by day counts whole UTC days, today included.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AccessLogRepository } from '../catalog/access-logs.ts';
import type { RecentCommit } from '../catalog/endpoints.ts';
import { Nullable, ok } from './schemas.ts';
import { AccessLogOut } from './access-logs.ts';
import { RecentCommitOut } from './endpoint-schemas.ts';

const DAY_MS = 86_400_000;
const Days = (fallback: number) => Type.Integer({ minimum: 1, maximum: 3650, default: fallback });
const Limit = (fallback: number) => Type.Integer({ minimum: 1, maximum: 100, default: fallback });

const Count = Nullable(Type.Integer());
const Since = Nullable(Type.String());
const Stats = Type.Object(
  {
    /** Catalog objects; null where the table does not exist. */
    datasources: Count,
    modules: Count,
    endpoints: Count,
    clients: Count,
    groups: Count,
    days: Type.Integer(),
    requests: Type.Object(
      {
        since: Since,
        total: Type.Integer(),
        success: Type.Integer(),
        fail: Type.Integer(),
        avg_duration_ms: Type.Number(),
        distinct_clients: Type.Integer(),
      },
      { title: 'AccessStats' },
    ),
  },
  { title: 'OverviewStats' },
);
const DayCount = Type.Object(
  { date: Type.String({ description: 'YYYY-MM-DD (UTC)' }), count: Type.Integer(), success: Type.Integer(), fail: Type.Integer() },
  { title: 'DayCount' },
);
const PathCount = Type.Object(
  { path: Type.String(), count: Type.Integer(), fail: Type.Integer(), avg_duration_ms: Type.Number() },
  { title: 'PathCount' },
);
const StatusBreakdown = Type.Object(
  {
    since: Since,
    classes: Type.Object({
      '2xx': Type.Integer(),
      '3xx': Type.Integer(),
      '4xx': Type.Integer(),
      '5xx': Type.Integer(),
      other: Type.Integer(),
    }),
    statuses: Type.Array(Type.Object({ status: Type.Integer(), count: Type.Integer() })),
  },
  { title: 'StatusBreakdown' },
);

const permission = { resource: 'overview' as const, action: 'read' as const };
const since = (days: number): Date => new Date(Date.now() - days * DAY_MS);

export function overviewRoutes(
  app: FastifyInstance,
  deps: { accessLogs: AccessLogRepository; recentCommits(limit: number): Promise<RecentCommit[]> },
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const logs = deps.accessLogs;

  r.get(
    '/overview/stats',
    { config: { permission }, schema: { operationId: 'getOverviewStats', querystring: Type.Object({ days: Days(7) }), response: ok(Stats) } },
    async (request) => {
      const [requests, counts] = await Promise.all([logs.stats(since(request.query.days)), logs.catalogCounts()]);
      return { ...counts, days: request.query.days, requests };
    },
  );

  r.get(
    '/overview/requests-by-day',
    { config: { permission }, schema: { operationId: 'getRequestsByDay', querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 366, default: 14 }) }), response: ok(Type.Array(DayCount)) } },
    async (request) => logs.requestsByDay(request.query.days),
  );

  r.get(
    '/overview/top-paths',
    { config: { permission }, schema: { operationId: 'getTopPaths', querystring: Type.Object({ limit: Limit(10), days: Days(7) }), response: ok(Type.Array(PathCount)) } },
    async (request) => logs.topPaths(request.query.limit, since(request.query.days)),
  );

  r.get(
    '/overview/status-breakdown',
    { config: { permission }, schema: { operationId: 'getStatusBreakdown', querystring: Type.Object({ days: Days(7) }), response: ok(StatusBreakdown) } },
    async (request) => logs.statusBreakdown(since(request.query.days)),
  );

  r.get(
    '/overview/recent-access',
    { config: { permission }, schema: { operationId: 'getRecentAccess', querystring: Type.Object({ limit: Limit(20) }), response: ok(Type.Array(AccessLogOut)) } },
    async (request) => logs.recent(request.query.limit),
  );

  r.get(
    '/overview/recent-commits',
    { config: { permission }, schema: { operationId: 'getRecentCommits', querystring: Type.Object({ limit: Limit(10) }), response: ok(Type.Array(RecentCommitOut)) } },
    async (request) => deps.recentCommits(request.query.limit),
  );
}
