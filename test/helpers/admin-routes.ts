/** Admin routes on a bare Fastify app (no guard, no services): the error handling and the routes alone. */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandling } from '../../src/http/errors.ts';
import type { RoutePermission } from '../../src/auth/permissions.ts';

export interface DeclaredRoute {
  method: string;
  url: string;
  permission: RoutePermission | undefined;
}

/**
 * A ready app with the routes `register` adds under /api/v1; every route they declare (HEAD aside) is pushed
 * to `declared` with its permission.
 */
export async function bareAdminApp(declared: DeclaredRoute[], register: (api: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorHandling(app);
  await app.register(
    async (api) => {
      api.addHook('onRoute', (route) => {
        const permission = (route.config as { permission?: RoutePermission } | undefined)?.permission;
        for (const method of [route.method].flat()) if (method !== 'HEAD') declared.push({ method, url: route.url, permission });
      });
      register(api);
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  return app;
}
