/** `/api/v1/modules/...` (pyDBAPI's routes): groups of endpoints under a URL prefix. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { IdParams, Id, Nullable, Page } from './schemas.ts';

const Fields = {
  path_prefix: Type.Optional(Type.String({ maxLength: 255 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  sort_order: Type.Optional(Type.Integer()),
  is_active: Type.Optional(Type.Boolean()),
};
const Create = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), ...Fields });
const Update = Type.Object({ id: Id, name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), ...Fields });
const List = Type.Object({ ...Page, name__ilike: Type.Optional(Type.String({ maxLength: 255 })), is_active: Type.Optional(Type.Boolean()) });

export function moduleRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const perm = (action: 'read' | 'create' | 'update' | 'delete', objectParam?: string) => ({
    permission: { resource: 'module' as const, action, ...(objectParam ? { objectParam } : {}) },
  });
  const live = () => services.gateway.refresh();

  r.post('/modules/list', { config: perm('read'), schema: { body: List } }, async (request) => services.modules.list(request.body));
  r.post('/modules/create', { config: perm('create'), schema: { body: Create } }, async (request, reply) => {
    const created = await services.modules.create(request.body);
    reply.status(201);
    return created;
  });
  r.post('/modules/update', { config: perm('update'), schema: { body: Update } }, async (request) => {
    const { id, ...patch } = request.body;
    const updated = await services.modules.update(id, patch);
    await live();
    return updated;
  });
  r.delete('/modules/delete/:id', { config: perm('delete', 'id'), schema: { params: IdParams } }, async (request) => {
    await services.modules.delete(request.params.id);
    await live();
    return { message: 'Module deleted' };
  });
  r.get('/modules/:id', { config: perm('read', 'id'), schema: { params: IdParams } }, async (request) =>
    services.modules.get(request.params.id),
  );
}
