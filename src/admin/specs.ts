/** `/api/v1/specs/...`: import (create or replace), list, view and delete table-API specs; each is a module. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { installSpec } from '../openapi/install.ts';
import { MessageBody, Nullable, StringEnum, created, ok } from './schemas.ts';

const Import = Type.Object({
  module: Type.String({ minLength: 1, maxLength: 64 }),
  prefix: Type.Optional(Type.String({ maxLength: 255 })),
  content: Type.String({ minLength: 1 }),
  filename: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 1024 })])),
  access: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')])),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const SpecOut = Type.Object(
  {
    id: Type.String(),
    module_id: Type.String(),
    /** The module's name. */
    module: Type.String(),
    path_prefix: Type.String(),
    filename: Nullable(Type.String()),
    access_type: StringEnum(['public', 'private']),
    entity_count: Type.Integer(),
    operation_count: Type.Integer(),
    is_active: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Spec' },
);
/** A route the spec serves. */
const SpecRoute = Type.Object({ method: Type.String(), path: Type.String(), summary: Type.String() }, { title: 'SpecRoute' });
const SpecImported = Type.Object({ ...SpecOut.properties, routes: Type.Array(SpecRoute) }, { title: 'SpecImportResult' });
const SpecList = Type.Object({ data: Type.Array(SpecOut), total: Type.Integer() }, { title: 'SpecList' });
const SpecDetail = Type.Object(
  {
    ...SpecOut.properties,
    /** The document as imported (YAML or JSON text). */
    content: Type.String(),
    routes: Type.Array(SpecRoute),
    /** Why the spec's routes are not served, when they are not. */
    error: Nullable(Type.String()),
  },
  { title: 'SpecDetail' },
);

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
    { config: perm('create'), schema: { operationId: 'importSpec', body: Import, response: created(SpecImported) }, bodyLimit: 16 * 1024 * 1024 },
    async (request, reply) => {
      const result = await installSpec(deps, request.body);
      // Answer once the new routes are live here; other instances follow through the catalog notifier.
      await services.gateway.refresh();
      reply.status(201);
      return result;
    },
  );

  r.post('/specs/list', { config: perm('read'), schema: { operationId: 'listSpecs', response: ok(SpecList) } }, async () => {
    const data = await services.modules.listSpecs();
    return { data, total: data.length };
  });

  r.get('/specs/:id', { config: perm('read'), schema: { operationId: 'getSpec', params: IdParams, response: ok(SpecDetail) } }, async (request) => {
    const spec = await services.modules.getSpec(request.params.id);
    const broken = services.gateway.snapshot.broken.find((b) => b.module === spec.module);
    return { ...spec, routes: routesOf(spec.module), error: broken?.reason ?? null };
  });

  r.delete('/specs/delete/:id', { config: perm('delete'), schema: { operationId: 'deleteSpec', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    await services.modules.deleteSpec(request.params.id);
    await services.gateway.refresh();
    return { message: 'Spec and its module deleted' };
  });
}
