/** `/api/v1/modules/...` (pyDBAPI's routes): groups of endpoints under a URL prefix. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { IdParams, Id, MessageBody, Nullable, Page, Paged, created, ok } from './schemas.ts';

const Fields = {
  path_prefix: Type.Optional(Type.String({ maxLength: 255 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  sort_order: Type.Optional(Type.Integer()),
  is_active: Type.Optional(Type.Boolean()),
};
const Create = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), ...Fields });
const Update = Type.Object({ id: Id, name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), ...Fields });
const List = Type.Object({ ...Page, name__ilike: Type.Optional(Type.String({ maxLength: 255 })), is_active: Type.Optional(Type.Boolean()) });

const ModuleOut = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    /** URL prefix without slashes; `""` serves at the root. */
    path_prefix: Type.String(),
    description: Nullable(Type.String()),
    sort_order: Type.Integer(),
    is_active: Type.Boolean(),
    endpoint_count: Type.Integer(),
    has_spec: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Module' },
);

export function moduleRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const perm = (action: 'read' | 'create' | 'update' | 'delete', objectParam?: string) => ({
    permission: { resource: 'module' as const, action, ...(objectParam ? { objectParam } : {}) },
  });
  const live = () => services.gateway.refresh();

  r.post('/modules/list', { config: perm('read'), schema: { operationId: 'listModules', body: List, response: ok(Paged(ModuleOut)) } }, async (request) => services.modules.list(request.body));
  r.post('/modules/create', { config: perm('create'), schema: { operationId: 'createModule', body: Create, response: created(ModuleOut) } }, async (request, reply) => {
    const created = await services.modules.create(request.body);
    reply.status(201);
    return created;
  });
  r.post('/modules/update', { config: perm('update'), schema: { operationId: 'updateModule', body: Update, response: ok(ModuleOut) } }, async (request) => {
    const { id, ...patch } = request.body;
    const updated = await services.modules.update(id, patch);
    await live();
    return updated;
  });
  r.delete('/modules/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteModule', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    await services.modules.delete(request.params.id);
    await live();
    return { message: 'Module deleted' };
  });
  r.get('/modules/:id', { config: perm('read', 'id'), schema: { operationId: 'getModule', params: IdParams, response: ok(ModuleOut) } }, async (request) =>
    services.modules.get(request.params.id),
  );
}
