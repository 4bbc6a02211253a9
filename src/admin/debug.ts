/**
 * `POST /api-assignments/debug`: runs an endpoint's draft (or given content) through the same parameter and
 * engine path as the gateway, and shows what happened: the result, each statement's SQL with placeholders,
 * its bound values and the time taken. Errors answer with the same statuses as live calls.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import type { RoutePermission } from '../auth/permissions.ts';
import type { EngineRequest } from '../engines/engine.ts';
import type { ParameterDefinition } from '../engines/params.ts';
import { camelKeys, prepareManaged, visibleMacros } from '../gateway/endpoints.ts';
import { badRequest } from '../errors.ts';
import { Id, ParameterSchema } from './schemas.ts';

const Debug = Type.Object({
  id: Type.Optional(Id),
  content: Type.Optional(Type.String({ maxLength: 1_000_000 })),
  execute_engine: Type.Optional(Type.Literal('sql')),
  datasource_id: Type.Optional(Id),
  module_id: Type.Optional(Id),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  parameters: Type.Optional(Type.Array(ParameterSchema, { maxItems: 200 })),
  naming: Type.Optional(Type.Union([Type.Literal('as-is'), Type.Literal('camel')])),
});

/** A request carrying flat debug values, each put where its definition says it comes from. */
function requestFrom(values: Record<string, unknown>, defs: readonly ParameterDefinition[], naming: EngineRequest['naming']): EngineRequest {
  const req: EngineRequest = { method: 'POST', params: {}, query: [], headers: {}, body: {}, naming };
  const query: [string, string][] = [];
  const body: Record<string, unknown> = {};
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const def = defs.find((d) => d.name === name);
    switch (def?.location ?? 'body') {
      case 'path':
        req.params[name] = text(value);
        break;
      case 'query':
        query.push([name, text(value)]);
        break;
      case 'header':
        req.headers[name.toLowerCase()] = text(value);
        break;
      default:
        body[name] = value;
    }
  }
  return { ...req, query, body };
}

export function debugRoute(app: FastifyInstance, services: Services, permission: { permission: RoutePermission }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post('/api-assignments/debug', { config: permission, schema: { body: Debug } }, async (request) => {
    const b = request.body;
    const draft = b.id ? await services.endpoints.get(b.id) : null;
    const content = b.content ?? draft?.content;
    const datasourceId = b.datasource_id ?? draft?.datasource_id;
    const moduleId = b.module_id ?? draft?.module_id ?? null;
    if (!content) throw badRequest('content: give the SQL to run, or the id of an endpoint that has some');
    if (!datasourceId) throw badRequest('datasource_id: the endpoint has no data source');
    const parameters = (b.parameters ?? draft?.params ?? []) as ParameterDefinition[];
    const macros = visibleMacros(await services.macros.allPublishedMacros(), moduleId ?? '');
    const started = performance.now();
    const prepared = prepareManaged({ engine: b.execute_engine ?? draft?.execute_engine ?? 'sql', content, parameters, macros });
    const { pool, dialect } = await services.dataSourcePool(datasourceId);
    const naming = b.naming ?? 'as-is';
    const { params, result } = await prepared.execute(requestFrom(b.params ?? {}, parameters, naming), {
      pool,
      dialect,
      maxRows: services.config.maxResponseRows,
    });
    return {
      success: true,
      data: naming === 'camel' ? camelKeys(result.data) : result.data,
      truncated: result.truncated,
      params,
      statements: result.statements,
      timing_ms: Math.round((performance.now() - started) * 100) / 100,
    };
  });
}
