/**
 * Builds the Fastify app from plugins. No listening here and no module state: tests build as many apps as
 * they like with `buildApp(services)` and `app.inject`.
 */
import crypto from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Services } from './services.ts';
import { registerErrorHandling } from './http/errors.ts';
import { registerHealth, type ReadinessCheck } from './http/health.ts';
import formBody from '@fastify/formbody';
import { adminApi } from './admin/index.ts';
import { gatewayPlugin } from './gateway/index.ts';
import { docsPlugin } from './http/docs.ts';
import { uiPlugin } from './http/ui.ts';
import { tokenRoutes } from './gateway/token-route.ts';
import type { AdminRoute } from './admin/guard.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every admin route with the permission it declares (for the authorization tests and docs). */
    adminRoutes: AdminRoute[];
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    // The id a caller sends is kept when it is harmless, so logs on both sides line up.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    // TRUSTED_PROXY_COUNT hops in front of us may set X-Forwarded-For; by default none, and then
    // `request.ip` is the socket's address without parsing any header.
    // (Fastify reads a bare number as "trust nothing", hence the function.)
    trustProxy: config.trustedProxyCount > 0 ? (_address: string, hop: number) => hop < config.trustedProxyCount : false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  // Callback style: every request passes here, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerErrorHandling(app);
  await app.register(formBody);

  const checks: ReadinessCheck[] = [{ name: 'catalog', check: () => services.catalog.ping() }];
  const redis = services.redis;
  if (redis) checks.push({ name: 'redis', check: async () => void (await redis.ping()) });
  registerHealth(app, checks);

  const adminRoutes: AdminRoute[] = [];
  app.decorate('adminRoutes', adminRoutes);
  await app.register(adminApi, { prefix: '/api/v1', services, routes: adminRoutes });
  await app.register(docsPlugin, { services });
  await app.register(uiPlugin, {});
  await app.register(tokenRoutes, { catalog: services.catalog, tokens: services.tokens, rateLimitPerMinute: config.loginRateLimitPerMinute });
  await app.register(gatewayPlugin, { services });

  app.addHook('onClose', async () => services.close());
  return app;
}
