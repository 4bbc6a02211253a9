/**
 * /openapi.json: an OpenAPI 3.1 document of everything the gateway serves right now, built from the live
 * snapshot (so it is never out of date), for all modules or one. Table routes document their operators and
 * metadata parameters; custom-SQL routes their declared inputs. `x-am-*` details (tables, SQL) stay inside.
 */
import type { GatewayRoute, ModuleSnapshot, Snapshot } from '../../gateway/snapshot.ts';
import type { CustomOperationModel, EntityModel, PropertyModel } from '../../engines/table/model.ts';
import { entitySchema, selectionParameters } from './schemas.ts';

type Json = Record<string, unknown>;

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const pathParams = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

function errorComponents(): Json {
  return {
    schemas: {
      Error: {
        type: 'object',
        required: ['success', 'message', 'code', 'data'],
        properties: {
          success: { const: false },
          message: { type: 'string' },
          code: { type: 'string', description: 'stable error code' },
          data: { type: 'array', maxItems: 0 },
          details: {},
        },
      },
    },
    responses: {
      Error: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

function entityOf(m: ModuleSnapshot, route: GatewayRoute): EntityModel | undefined {
  const inner = m.prefix ? route.path.slice(m.prefix.length + 1) : route.path;
  const first = inner.split('/')[1];
  return m.model.entities.find((e) => e.path === first);
}

function keyParameter(name: string, entity: EntityModel): Json {
  const keys = entity.primaryKey.join(', ');
  return {
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: entity.primaryKey.length > 1 ? `key values in order (${keys}), comma-separated` : `value of ${keys}`,
  };
}

function tableOperation(route: GatewayRoute, entity: EntityModel, ref: string): Json {
  const params: Json[] = pathParams(route.path).map((p, i) =>
    i === 0 ? keyParameter(p, entity) : { name: p, in: 'path', required: true, schema: { type: 'string' } },
  );
  const byKey = params.length > 0;
  const many = { type: 'array', items: { $ref: ref } };
  const op: Json = { summary: route.summary, tags: [`${route.module}`], parameters: params };
  const ok = (schema: Json, status = '200') => ({ [status]: { description: 'OK', content: { 'application/json': { schema } } } });
  if (route.method === 'GET' && !byKey) {
    op.parameters = selectionParameters(entity);
    op.responses = { ...ok({ oneOf: [many, { type: 'object', properties: { count: { type: 'integer' } } }] }), '400': ERROR_RESPONSE };
  } else if (route.method === 'GET') {
    op.responses = { ...ok({ $ref: ref }), '404': ERROR_RESPONSE };
  } else if (route.method === 'POST') {
    op.requestBody = { required: true, content: { 'application/json': { schema: { oneOf: [{ $ref: ref }, many] } } } };
    op.responses = { ...ok({ oneOf: [{ $ref: ref }, many] }, '201'), '400': ERROR_RESPONSE, '409': ERROR_RESPONSE };
  } else {
    if (!byKey) op.parameters = selectionParameters(entity, { filtersOnly: true });
    if (route.method === 'PUT') op.requestBody = { required: true, content: { 'application/json': { schema: { $ref: ref } } } };
    op.responses = { ...ok(many), '400': ERROR_RESPONSE, '404': ERROR_RESPONSE, '409': ERROR_RESPONSE };
  }
  return op;
}

function scalarSchema(type: PropertyModel['type'] | 'array' | 'object'): Json {
  switch (type) {
    case 'date':
    case 'date-time':
    case 'uuid':
      return { type: 'string', format: type };
    default:
      return { type };
  }
}

function customOperation(route: GatewayRoute, op: CustomOperationModel | undefined): Json {
  const parameters = (op?.parameters ?? [])
    .filter((p) => p.in !== 'body')
    .map((p) => ({ name: p.name, in: p.in, required: p.in === 'path' || p.required, schema: { ...scalarSchema(p.type), ...(p.default !== undefined ? { default: p.default } : {}) } }));
  const body = (op?.parameters ?? []).filter((p) => p.in === 'body');
  const out: Json = {
    summary: route.summary,
    tags: [route.module],
    parameters,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } }, '400': ERROR_RESPONSE },
  };
  if (op?.description) out.description = op.description;
  if (body.length > 0) {
    out.requestBody = {
      required: body.some((p) => p.required),
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: body.filter((p) => p.required).map((p) => p.name),
            properties: Object.fromEntries(body.map((p) => [p.name, scalarSchema(p.type)])),
          },
        },
      },
    };
  }
  return out;
}

function managedOperation(route: GatewayRoute): Json {
  const defs = route.endpoint!.parameters;
  const out: Json = {
    summary: route.summary,
    tags: [route.module],
    parameters: defs
      .filter((p) => p.location !== 'body')
      .map((p) => ({
        name: p.name,
        in: p.location,
        required: p.location === 'path' || Boolean(p.is_required),
        schema: { ...scalarSchema(p.data_type), ...(p.default_value != null ? { default: p.default_value } : {}), ...(p.validate ? { pattern: p.validate } : {}) },
        ...(p.description ? { description: p.description } : {}),
      })),
    responses: {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: { type: 'object', properties: { success: { const: true }, message: { type: ['string', 'null'] }, data: {} } } } },
      },
      '400': ERROR_RESPONSE,
    },
  };
  if (route.endpoint!.description) out.description = route.endpoint!.description;
  const body = defs.filter((p) => p.location === 'body');
  if (body.length > 0) {
    out.requestBody = {
      required: body.some((p) => p.is_required),
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: body.filter((p) => p.is_required).map((p) => p.name),
            properties: Object.fromEntries(body.map((p) => [p.name, scalarSchema(p.data_type)])),
          },
        },
      },
    };
  }
  return out;
}

export function exportOpenApi(snapshot: Snapshot, options: { module?: string; title?: string } = {}): Json {
  const paths: Record<string, Json> = {};
  const components = errorComponents() as { schemas: Json; responses: Json; securitySchemes?: Json };
  const modules = snapshot.modules.filter((m) => !options.module || m.module === options.module);
  for (const m of modules) {
    for (const entity of m.model.entities) {
      components.schemas[`${m.module}.${entity.name}`] = entitySchema(entity, (target) => `#/components/schemas/${m.module}.${target}`);
    }
    for (const route of m.routes) {
      let operation: Json;
      if (route.endpoint) {
        operation = managedOperation(route);
      } else if (route.kind === 'custom-sql') {
        const op = m.model.operations.find((o) => o.method === route.method && toOpenApiPath(route.path).endsWith(o.path));
        operation = customOperation(route, op);
      } else {
        const entity = entityOf(m, route);
        if (!entity) continue;
        operation = tableOperation(route, entity, `#/components/schemas/${m.module}.${entity.name}`);
      }
      if (route.access === 'private') operation.security = [{ bearer: [] }];
      (paths[toOpenApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
    }
  }
  components.securitySchemes = { bearer: { type: 'http', scheme: 'bearer', description: 'client token from POST /token/generate' } };
  return {
    openapi: '3.1.0',
    info: { title: options.title ?? (options.module ? `Portico: ${options.module}` : 'Portico'), version: String(snapshot.version) },
    paths,
    components,
  };
}
