/**
 * `/api/v1/overview/...`: the dashboard's figures, as pyDBAPI's overview. Periods are `days` back from now
 * (default 7); requests by day counts whole UTC days, today included.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AccessLogRepository } from '../catalog/access-logs.ts';

const DAY_MS = 86_400_000;
const Days = (fallback: number) => Type.Integer({ minimum: 1, maximum: 3650, default: fallback });
const Limit = (fallback: number) => Type.Integer({ minimum: 1, maximum: 100, default: fallback });

const permission = { resource: 'overview' as const, action: 'read' as const };
const since = (days: number): Date => new Date(Date.now() - days * DAY_MS);

export function overviewRoutes(
  app: FastifyInstance,
  deps: { accessLogs: AccessLogRepository; recentCommits(limit: number): Promise<unknown[]> },
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const logs = deps.accessLogs;

  r.get(
    '/overview/stats',
    { config: { permission }, schema: { querystring: Type.Object({ days: Days(7) }) } },
    async (request) => {
      const [requests, counts] = await Promise.all([logs.stats(since(request.query.days)), logs.catalogCounts()]);
      return { ...counts, days: request.query.days, requests };
    },
  );

  r.get(
    '/overview/requests-by-day',
    { config: { permission }, schema: { querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 366, default: 14 }) }) } },
    async (request) => logs.requestsByDay(request.query.days),
  );

  r.get(
    '/overview/top-paths',
    { config: { permission }, schema: { querystring: Type.Object({ limit: Limit(10), days: Days(7) }) } },
    async (request) => logs.topPaths(request.query.limit, since(request.query.days)),
  );

  r.get(
    '/overview/status-breakdown',
    { config: { permission }, schema: { querystring: Type.Object({ days: Days(7) }) } },
    async (request) => logs.statusBreakdown(since(request.query.days)),
  );

  r.get(
    '/overview/recent-access',
    { config: { permission }, schema: { querystring: Type.Object({ limit: Limit(20) }) } },
    async (request) => logs.recent(request.query.limit),
  );

  r.get(
    '/overview/recent-commits',
    { config: { permission }, schema: { querystring: Type.Object({ limit: Limit(10) }) } },
    async (request) => deps.recentCommits(request.query.limit),
  );
}
