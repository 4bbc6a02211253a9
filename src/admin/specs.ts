/** `/api/v1/specs/...`: import (create or replace), list, view and delete table-API specs; each is a module. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { installSpec } from '../openapi/install.ts';

const Import = Type.Object({
  module: Type.String({ minLength: 1, maxLength: 64 }),
  prefix: Type.Optional(Type.String({ maxLength: 255 })),
  content: Type.String({ minLength: 1 }),
  filename: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 1024 })])),
  access: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')])),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function specRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const perm = (action: 'read' | 'create' | 'delete') => ({ permission: { resource: 'module' as const, action } });
  const deps = { datasources: services.datasources, modules: services.modules, maxLimit: services.config.maxResponseRows };
  const routesOf = (module: string) =>
    services.gateway.snapshot.routes
      .filter((route) => route.module === module)
      .map((route) => ({ method: route.method, path: route.path, summary: route.summary }));

  r.post(
    '/specs/import',
    { config: perm('create'), schema: { body: Import }, bodyLimit: 16 * 1024 * 1024 },
    async (request, reply) => {
      const result = await installSpec(deps, request.body);
      // Answer once the new routes are live here; other instances follow through the catalog notifier.
      await services.gateway.refresh();
      reply.status(201);
      return result;
    },
  );

  r.post('/specs/list', { config: perm('read') }, async () => {
    const data = await services.modules.listSpecs();
    return { data, total: data.length };
  });

  r.get('/specs/:id', { config: perm('read'), schema: { params: IdParams } }, async (request) => {
    const spec = await services.modules.getSpec(request.params.id);
    const broken = services.gateway.snapshot.broken.find((b) => b.module === spec.module);
    return { ...spec, routes: routesOf(spec.module), error: broken?.reason ?? null };
  });

  r.delete('/specs/delete/:id', { config: perm('delete'), schema: { params: IdParams } }, async (request) => {
    await services.modules.deleteSpec(request.params.id);
    await services.gateway.refresh();
    return { message: 'Spec and its module deleted' };
  });
}
