/**
 * `/api/v1/api-assignments/...` (pyDBAPI's routes): managed endpoints, their versions, publishing and debug.
 * Publishing compiles the version with the macros it may use, so a broken template or an unpublished macro
 * is refused here and never reaches the gateway.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { HTTP_METHODS, EXECUTE_ENGINES } from '../catalog/endpoints.ts';
import { macroNamesUsed } from '../engines/sql/index.ts';
import { prepareManaged, visibleMacros } from '../gateway/endpoints.ts';
import { AppError } from '../errors.ts';
import { Id, IdParams, MessageBody, Nullable, Page, Paged, ParameterSchema, Publish, created, ok } from './schemas.ts';
import { EndpointDetailOut, EndpointSummaryOut, EndpointVersionOut, EndpointVersionSummaryOut, RecentCommitOut } from './endpoint-schemas.ts';
import { ownVersion, versionRoutes } from './version-routes.ts';
import { debugRoute } from './debug.ts';

const Method = Type.Union(HTTP_METHODS.map((m) => Type.Literal(m)));
const Engine = Type.Union(EXECUTE_ENGINES.map((e) => Type.Literal(e)));
const Access = Type.Union([Type.Literal('public'), Type.Literal('private')]);
/** A validation script for one declared parameter: `script` defines `validate(value, params)`. */
const ParamValidate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  script: Type.String({ maxLength: 200_000 }),
  message: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
});
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  path: Type.String({ minLength: 1, maxLength: 1024 }),
  http_method: Method,
  execute_engine: Type.Optional(Engine),
  datasource_id: Type.Optional(Nullable(Id)),
  access_type: Type.Optional(Access),
  rate_limit_per_minute: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  content: Type.Optional(Type.String({ maxLength: 1_000_000 })),
  params: Type.Optional(Type.Array(ParameterSchema, { maxItems: 200 })),
  param_validates: Type.Optional(Type.Array(ParamValidate, { maxItems: 200 })),
  result_transform: Type.Optional(Nullable(Type.String({ maxLength: 200_000 }))),
  sort_order: Type.Optional(Type.Integer()),
};
const Create = Type.Object({ module_id: Id, ...Fields });
const Update = Type.Partial(Type.Object({ module_id: Id, ...Fields }));
const UpdateBody = Type.Intersect([Type.Object({ id: Id }), Update]);
const List = Type.Object({
  ...Page,
  module_id: Type.Optional(Id),
  datasource_id: Type.Optional(Id),
  is_published: Type.Optional(Type.Boolean()),
  name__ilike: Type.Optional(Type.String({ maxLength: 255 })),
  http_method: Type.Optional(Method),
  execute_engine: Type.Optional(Engine),
  access_type: Type.Optional(Access),
});

async function allMacroNames(services: Services): Promise<string[]> {
  const names: string[] = [];
  for (let page = 1; ; page++) {
    const batch = await services.macros.list({ page, page_size: 100 });
    names.push(...batch.data.map((m) => m.name));
    if (names.length >= batch.total || batch.data.length === 0) return names;
  }
}

export function endpointRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const eps = services.endpoints;
  const perm = (action: 'read' | 'create' | 'update' | 'delete' | 'execute' | 'publish', objectParam?: string) => ({
    permission: { resource: 'api_assignment' as const, action, ...(objectParam ? { objectParam } : {}) },
  });
  const live = () => services.gateway.refresh();
  const ownerOf = (v: { api_assignment_id: string }) => v.api_assignment_id;
  const endpointVersion = ownVersion(eps, ownerOf);

  r.post('/api-assignments/list', { config: perm('read'), schema: { operationId: 'listEndpoints', body: List, response: ok(Paged(EndpointSummaryOut)) } }, async (request) => eps.list(request.body));
  r.post('/api-assignments/create', { config: perm('create'), schema: { operationId: 'createEndpoint', body: Create, response: created(EndpointDetailOut) } }, async (request, reply) => {
    const created = await eps.create(request.body as Parameters<typeof eps.create>[0]);
    reply.status(201);
    return created;
  });
  r.post('/api-assignments/update', { config: perm('update'), schema: { operationId: 'updateEndpoint', body: UpdateBody, response: ok(EndpointDetailOut) } }, async (request) => {
    const { id, ...patch } = request.body as { id: string } & Record<string, unknown>;
    const updated = await eps.update(id, patch);
    // Only the route key and the draft change; a published version keeps serving until published again,
    // but moving or renaming the route is live at once.
    await live();
    return updated;
  });
  r.delete('/api-assignments/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteEndpoint', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    await eps.delete(request.params.id);
    await live();
    return { message: 'Endpoint deleted' };
  });
  r.get('/api-assignments/commits/recent', { config: perm('read'), schema: { operationId: 'listRecentEndpointCommits', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }), response: ok(Type.Array(RecentCommitOut)) } }, async (request) =>
    eps.recentCommits(request.query.limit ?? 10),
  );
  r.get('/api-assignments/:id', { config: perm('read', 'id'), schema: { operationId: 'getEndpoint', params: IdParams, response: ok(EndpointDetailOut) } }, async (request) => eps.get(request.params.id));

  r.post('/api-assignments/publish', { config: perm('publish'), schema: { operationId: 'publishEndpoint', body: Publish, response: ok(EndpointDetailOut) } }, async (request) => {
    const { id, version_id } = request.body;
    const endpoint = await eps.get(id);
    const versions = await eps.listVersions(id);
    const chosen = version_id ? await endpointVersion(id, version_id) : versions[0] ? await eps.getVersion(versions[0].id) : null;
    if (!chosen) throw new AppError(400, 'no_version', 'Commit a version before publishing');
    const macros = await services.macros.publishedMacros(endpoint.module_id);
    const published = new Set(macros.map((m) => m.name));
    const used = macroNamesUsed(chosen.content).filter((n) => !published.has(n));
    const unpublished = used.length === 0 ? [] : (await allMacroNames(services)).filter((n) => used.includes(n));
    if (unpublished.length > 0) {
      throw new AppError(400, 'macro_unpublished', `Version ${chosen.version} uses unpublished macro(s): ${unpublished.join(', ')}`);
    }
    // Compiling now turns a template or script error into a 400 here instead of a broken route.
    prepareManaged(
      {
        engine: chosen.execute_engine,
        content: chosen.content,
        parameters: chosen.params,
        macros: visibleMacros(macros, endpoint.module_id),
        validates: chosen.param_validates,
        transform: chosen.result_transform,
      },
      services.scripts,
    );
    const result = await eps.publish(id, chosen.id);
    await live();
    return result;
  });
  r.post('/api-assignments/unpublish', { config: perm('publish'), schema: { operationId: 'unpublishEndpoint', body: Type.Object({ id: Id }), response: ok(EndpointDetailOut) } }, async (request) => {
    const result = await eps.unpublish(request.body.id);
    await live();
    return result;
  });

  versionRoutes(app, {
    base: '/api-assignments',
    resource: 'api_assignment',
    repo: eps,
    ownerOf,
    noun: 'Endpoint',
    schemas: { summary: EndpointVersionSummaryOut, version: EndpointVersionOut, detail: EndpointDetailOut },
  });

  debugRoute(app, services, perm('execute'));
}
