/**
 * `POST /api-assignments/debug`: runs an endpoint's draft (or given content) through the same parameter,
 * validation, engine and transform path as the gateway, and shows what happened: the result, the response
 * body a live call would get, each statement's SQL with placeholders, its bound values (and, for scripts,
 * its time), the script's log lines and the time taken. Errors answer with the same statuses as live calls.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import type { RoutePermission } from '../auth/permissions.ts';
import type { EngineRequest } from '../engines/engine.ts';
import type { ParameterDefinition } from '../engines/params.ts';
import { camelKeys, prepareManaged, responseBody, visibleMacros } from '../gateway/endpoints.ts';
import { badRequest } from '../errors.ts';
import { Id, Nullable, ParameterSchema, ok } from './schemas.ts';

const Debug = Type.Object({
  id: Type.Optional(Id),
  content: Type.Optional(Type.String({ maxLength: 1_000_000 })),
  execute_engine: Type.Optional(Type.Union([Type.Literal('sql'), Type.Literal('script')])),
  datasource_id: Type.Optional(Id),
  module_id: Type.Optional(Id),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  parameters: Type.Optional(Type.Array(ParameterSchema, { maxItems: 200 })),
  param_validates: Type.Optional(
    Type.Array(
      Type.Object({ name: Type.String({ minLength: 1 }), script: Type.String({ maxLength: 200_000 }), message: Type.Optional(Nullable(Type.String())) }),
      { maxItems: 200 },
    ),
  ),
  result_transform: Type.Optional(Nullable(Type.String({ maxLength: 200_000 }))),
  naming: Type.Optional(Type.Union([Type.Literal('as-is'), Type.Literal('camel')])),
});

/** What a debug run shows; the open parts (rows, statements, log lines) are left to the engine. */
const DebugResult = Type.Object(
  {
    success: Type.Boolean(),
    /** The rows (or one entry per statement), named as asked. */
    data: Type.Unknown(),
    truncated: Type.Boolean(),
    /** The body a live call would get. */
    response: Type.Record(Type.String(), Type.Unknown()),
    /** The parameters as read and converted. */
    params: Type.Record(Type.String(), Type.Unknown()),
    /** Each statement run: SQL with placeholders, bound values, time. */
    statements: Type.Array(Type.Unknown()),
    /** The script's log lines. */
    logs: Type.Array(Type.Unknown()),
    timing_ms: Type.Number(),
  },
  { title: 'DebugResult', additionalProperties: true },
);

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
  r.post('/api-assignments/debug', { config: permission, schema: { operationId: 'debugEndpoint', body: Debug, response: ok(DebugResult) } }, async (request) => {
    const b = request.body;
    const draft = b.id ? await services.endpoints.get(b.id) : null;
    const content = b.content ?? draft?.content;
    const datasourceId = b.datasource_id ?? draft?.datasource_id;
    const moduleId = b.module_id ?? draft?.module_id ?? null;
    if (!content) throw badRequest('content: give the SQL or script to run, or the id of an endpoint that has some');
    if (!datasourceId) throw badRequest('datasource_id: the endpoint has no data source');
    const parameters = (b.parameters ?? draft?.params ?? []) as ParameterDefinition[];
    const macros = visibleMacros(await services.macros.allPublishedMacros(), moduleId ?? '');
    const started = performance.now();
    const datasource = await services.datasources.get(datasourceId);
    const prepared = prepareManaged(
      {
        engine: b.execute_engine ?? draft?.execute_engine ?? 'sql',
        content,
        parameters,
        macros,
        validates: b.param_validates ?? draft?.param_validates ?? [],
        transform: b.result_transform !== undefined ? b.result_transform : (draft?.result_transform ?? null),
        endpointId: b.id ?? 'debug',
        name: draft ? `debug: ${draft.module}: ${draft.name}` : 'debug',
        datasourceName: datasource.name,
      },
      services.scripts,
    );
    const { pool, dialect, settings } = await services.dataSourcePool(datasourceId);
    const naming = b.naming ?? 'as-is';
    const outcome = await prepared.execute(requestFrom(b.params ?? {}, parameters, naming), {
      pool,
      dialect,
      maxRows: services.config.maxResponseRows,
      log: request.log,
      datasource: settings,
    });
    return {
      success: true,
      data: naming === 'camel' ? camelKeys(outcome.envelope.data) : outcome.envelope.data,
      truncated: outcome.truncated,
      response: responseBody(outcome, naming),
      params: outcome.params,
      statements: outcome.statements,
      logs: outcome.logs,
      timing_ms: Math.round((performance.now() - started) * 100) / 100,
    };
  });
}
