/** `/api/v1/groups/...` (pyDBAPI's routes): groups of gateway clients with their grants and members. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ClientAdminDeps } from './clients.ts';
import { Id, IdParams, MessageBody, Nullable, Page, Paged, created, ok } from './schemas.ts';

const Ids = Type.Array(Id, { maxItems: 10_000 });
const Fields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  is_active: Type.Optional(Type.Boolean()),
  api_assignment_ids: Type.Optional(Ids),
  module_ids: Type.Optional(Ids),
  client_ids: Type.Optional(Ids),
};
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Create = Type.Object({ name: Name, ...Fields });
const Update = Type.Object({ id: Id, name: Type.Optional(Name), ...Fields });
const List = Type.Object({
  ...Page,
  name__ilike: Type.Optional(Type.String({ maxLength: 255 })),
  is_active: Type.Optional(Type.Boolean()),
});

const GroupOut = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    is_active: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Group' },
);
const GroupDetailOut = Type.Object(
  {
    ...GroupOut.properties,
    api_assignment_ids: Type.Array(Type.String()),
    module_ids: Type.Array(Type.String()),
    client_ids: Type.Array(Type.String()),
  },
  { title: 'GroupDetail' },
);

export function groupRoutes(app: FastifyInstance, deps: ClientAdminDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { groups } = deps;
  const perm = (action: 'read' | 'create' | 'update' | 'delete', objectParam?: string) => ({
    permission: { resource: 'group' as const, action, ...(objectParam ? { objectParam } : {}) },
  });

  r.post('/groups/list', { config: perm('read'), schema: { operationId: 'listGroups', body: List, response: ok(Paged(GroupOut)) } }, async (request) => groups.list(request.body));

  r.post('/groups/create', { config: perm('create'), schema: { operationId: 'createGroup', body: Create, response: created(GroupDetailOut) } }, async (request, reply) => {
    const created = await groups.create(request.body);
    await deps.refresh();
    reply.status(201);
    return created;
  });

  r.post('/groups/update', { config: perm('update'), schema: { operationId: 'updateGroup', body: Update, response: ok(GroupDetailOut) } }, async (request) => {
    const { id, ...patch } = request.body;
    const updated = await groups.update(id, patch);
    await deps.refresh();
    return updated;
  });

  r.delete('/groups/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteGroup', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    await groups.delete(request.params.id);
    await deps.refresh();
    return { message: 'Group deleted' };
  });

  r.get('/groups/:id', { config: perm('read', 'id'), schema: { operationId: 'getGroup', params: IdParams, response: ok(GroupDetailOut) } }, async (request) =>
    groups.get(request.params.id),
  );
}
