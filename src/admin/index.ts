/** The admin API under /api/v1: the guard, then each area's routes. */
import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Services } from '../services.ts';
import { installGuard, type AdminRoute } from './guard.ts';
import { loginRoutes } from './login.ts';
import { meRoutes } from './me.ts';
import { userRoutes } from './users.ts';
import { roleRoutes } from './roles.ts';
import { datasourceRoutes } from './datasources.ts';
import { generateSpecRoute } from './generate-spec.ts';
import { specRoutes } from './specs.ts';
import { moduleRoutes } from './modules.ts';
import { endpointRoutes } from './endpoints.ts';
import { macroRoutes } from './macros.ts';
import { clientRoutes } from './clients.ts';
import { groupRoutes } from './groups.ts';
import { firewallRoutes } from './firewall.ts';
import { accessLogRoutes } from './access-logs.ts';
import { overviewRoutes } from './overview.ts';
import { registerOpenApi } from './openapi.ts';

export async function adminApi(app: FastifyInstance, opts: { services: Services; routes: AdminRoute[] }): Promise<void> {
  const { services } = opts;
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'rate_limited',
      message: `Too many attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });
  installGuard(app, services, opts.routes);
  await registerOpenApi(app);
  loginRoutes(app, services);
  meRoutes(app, services);
  userRoutes(app, services);
  roleRoutes(app, services);
  datasourceRoutes(app, services);
  generateSpecRoute(app, services);
  specRoutes(app, services);
  moduleRoutes(app, services);
  endpointRoutes(app, services);
  macroRoutes(app, services);
  // Clients, grants and firewall rules change who may call, not the routes: only those are reloaded.
  const refresh = () => services.gateway.refresh('guards');
  clientRoutes(app, { clients: services.clients, groups: services.groups, refresh });
  groupRoutes(app, { clients: services.clients, groups: services.groups, refresh });
  firewallRoutes(app, { firewall: services.firewall, refresh });
  accessLogRoutes(app, services);
  overviewRoutes(app, { accessLogs: services.accessLogs, recentCommits: (n) => services.endpoints.recentCommits(n) });
}
