/** `/api/v1/macro-defs/...` (pyDBAPI's routes): reusable Jinja macros, global or per module, versioned. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { compileSqlTemplate, macroNamesUsed } from '../engines/sql/index.ts';
import { Id, IdParams, MessageBody, Nullable, Page, Paged, Publish, created, ok } from './schemas.ts';
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

const MacroOut = Type.Object(
  {
    id: Type.String(),
    module_id: Nullable(Type.String()),
    /** The module's name; null for a global macro. */
    module: Nullable(Type.String()),
    name: Type.String(),
    macro_type: Type.Literal('jinja'),
    description: Nullable(Type.String()),
    is_published: Type.Boolean(),
    published_version_id: Nullable(Type.String()),
    published_version: Nullable(Type.Integer()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Macro' },
);
const MacroDetailOut = Type.Object({ ...MacroOut.properties, content: Type.String() }, { title: 'MacroDetail' });
const MacroVersionSummaryOut = Type.Object(
  {
    id: Type.String(),
    macro_def_id: Type.String(),
    version: Type.Integer(),
    commit_message: Nullable(Type.String()),
    committed_by: Nullable(Type.String()),
    committed_at: Type.String(),
    is_published: Type.Boolean(),
  },
  { title: 'MacroVersionSummary' },
);
const MacroVersionOut = Type.Object({ ...MacroVersionSummaryOut.properties, content: Type.String() }, { title: 'MacroVersion' });

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

  r.post('/macro-defs/list', { config: perm('read'), schema: { operationId: 'listMacros', body: List, response: ok(Paged(MacroOut)) } }, async (request) => macros.list(request.body));
  r.post('/macro-defs/create', { config: perm('create'), schema: { operationId: 'createMacro', body: Create, response: created(MacroDetailOut) } }, async (request, reply) => {
    // A macro that does not compile is refused when it is written, not when an endpoint first uses it.
    if (request.body.content) compileSqlTemplate({ content: '', macros: [{ name: request.body.name, content: request.body.content }] });
    const created = await macros.create(request.body);
    reply.status(201);
    return created;
  });
  r.post('/macro-defs/update', { config: perm('update'), schema: { operationId: 'updateMacro', body: Update, response: ok(MacroDetailOut) } }, async (request) => {
    const { id, ...patch } = request.body;
    if (patch.content) compileSqlTemplate({ content: '', macros: [{ name: patch.name ?? 'macro', content: patch.content }] });
    return macros.update(id, patch, isUsedBy);
  });
  r.delete('/macro-defs/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteMacro', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    await macros.delete(request.params.id, isUsedBy);
    await live();
    return { message: 'Macro deleted' };
  });
  r.get('/macro-defs/:id', { config: perm('read', 'id'), schema: { operationId: 'getMacro', params: IdParams, response: ok(MacroDetailOut) } }, async (request) => macros.get(request.params.id));
  r.post('/macro-defs/publish', { config: perm('publish'), schema: { operationId: 'publishMacro', body: Publish, response: ok(MacroDetailOut) } }, async (request) => {
    const result = await macros.publish(request.body.id, request.body.version_id);
    await live();
    return result;
  });
  r.post('/macro-defs/unpublish', { config: perm('publish'), schema: { operationId: 'unpublishMacro', body: Type.Object({ id: Id }), response: ok(MacroDetailOut) } }, async (request) => {
    const result = await macros.unpublish(request.body.id, isUsedBy);
    await live();
    return result;
  });
  versionRoutes(app, {
    base: '/macro-defs',
    resource: 'macro_def',
    repo: macros,
    ownerOf: (v) => v.macro_def_id,
    noun: 'Macro',
    schemas: { summary: MacroVersionSummaryOut, version: MacroVersionOut, detail: MacroDetailOut },
  });
}
