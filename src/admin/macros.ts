/** `/api/v1/macro-defs/...` (pyDBAPI's routes): reusable Jinja macros, global or per module, versioned. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { compileSqlTemplate, macroNamesUsed } from '../engines/sql/index.ts';
import { Id, IdParams, Nullable, Page, Publish } from './schemas.ts';
import { versionRoutes } from './version-routes.ts';

const Name = Type.String({ minLength: 1, maxLength: 128 });
const Create = Type.Object({
  module_id: Type.Optional(Nullable(Id)),
  name: Name,
  macro_type: Type.Optional(Type.Literal('jinja')),
  content: Type.Optional(Type.String({ maxLength: 200_000 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
});
const Update = Type.Object({
  id: Id,
  name: Type.Optional(Name),
  content: Type.Optional(Type.String({ maxLength: 200_000 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
});
const List = Type.Object({
  ...Page,
  module_id: Type.Optional(Nullable(Id)),
  name__ilike: Type.Optional(Type.String({ maxLength: 255 })),
  is_published: Type.Optional(Type.Boolean()),
});

/** A published template or macro "uses" a macro when it calls it by name (one that does not parse uses none). */
const isUsedBy = (name: string, content: string) => {
  try {
    return macroNamesUsed(content).includes(name);
  } catch {
    return false;
  }
};

export function macroRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const macros = services.macros;
  const perm = (action: 'read' | 'create' | 'update' | 'delete' | 'publish', objectParam?: string) => ({
    permission: { resource: 'macro_def' as const, action, ...(objectParam ? { objectParam } : {}) },
  });
  const live = () => services.gateway.refresh();

  r.post('/macro-defs/list', { config: perm('read'), schema: { body: List } }, async (request) => macros.list(request.body));
  r.post('/macro-defs/create', { config: perm('create'), schema: { body: Create } }, async (request, reply) => {
    // A macro that does not compile is refused when it is written, not when an endpoint first uses it.
    if (request.body.content) compileSqlTemplate({ content: '', macros: [{ name: request.body.name, content: request.body.content }] });
    const created = await macros.create(request.body);
    reply.status(201);
    return created;
  });
  r.post('/macro-defs/update', { config: perm('update'), schema: { body: Update } }, async (request) => {
    const { id, ...patch } = request.body;
    if (patch.content) compileSqlTemplate({ content: '', macros: [{ name: patch.name ?? 'macro', content: patch.content }] });
    return macros.update(id, patch, isUsedBy);
  });
  r.delete('/macro-defs/delete/:id', { config: perm('delete', 'id'), schema: { params: IdParams } }, async (request) => {
    await macros.delete(request.params.id, isUsedBy);
    await live();
    return { message: 'Macro deleted' };
  });
  r.get('/macro-defs/:id', { config: perm('read', 'id'), schema: { params: IdParams } }, async (request) => macros.get(request.params.id));
  r.post('/macro-defs/publish', { config: perm('publish'), schema: { body: Publish } }, async (request) => {
    const result = await macros.publish(request.body.id, request.body.version_id);
    await live();
    return result;
  });
  r.post('/macro-defs/unpublish', { config: perm('publish'), schema: { body: Type.Object({ id: Id }) } }, async (request) => {
    const result = await macros.unpublish(request.body.id, isUsedBy);
    await live();
    return result;
  });
  versionRoutes(app, { base: '/macro-defs', resource: 'macro_def', repo: macros, ownerOf: (v) => v.macro_def_id });
}
