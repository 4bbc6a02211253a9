/** An endpoint's draft: checking one against the catalog, and reading one back as input. */
import type { Selectable, Transaction } from 'kysely';
import type { EndpointInput } from './endpoint-types.ts';
import { endpointRouteKey } from './modules.ts';
import { checkParameters, normaliseEndpointPath, type ParameterDefinition } from './parameters.ts';
import type { AccessType, ApiAssignmentTable, CatalogDatabase, ExecuteEngine, HttpMethod } from './schema.ts';
import { badRequest } from '../errors.ts';

export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const EXECUTE_ENGINES: readonly ExecuteEngine[] = ['sql', 'script'];
export const ACCESS_TYPES: readonly AccessType[] = ['public', 'private'];

type Trx = Transaction<CatalogDatabase>;
type Row = Selectable<ApiAssignmentTable>;

export function fromRow(row: Row): EndpointInput {
  return {
    module_id: row.module_id,
    name: row.name,
    path: row.path,
    http_method: row.http_method,
    execute_engine: row.execute_engine,
    datasource_id: row.datasource_id,
    access_type: row.access_type,
    rate_limit_per_minute: row.rate_limit_per_minute,
    description: row.description,
    content: row.content,
    params: JSON.parse(row.params) as ParameterDefinition[],
    param_validates: JSON.parse(row.param_validates) as unknown[],
    result_transform: row.result_transform,
    sort_order: row.sort_order,
  };
}

export async function assertDataSource(trx: Trx, id: string, what: string): Promise<void> {
  const ds = await trx.selectFrom('datasources').select('id').where('id', '=', id).executeTakeFirst();
  if (!ds) throw badRequest(`${what} (${id}) does not exist`);
}

/** Each validation script is `{ name, script, message? }` for a declared parameter. */
function checkValidates(validates: unknown[], params: readonly ParameterDefinition[]): void {
  validates.forEach((entry, i) => {
    const v = entry as { name?: unknown; script?: unknown; message?: unknown } | null;
    if (!v || typeof v !== 'object' || typeof v.name !== 'string' || typeof v.script !== 'string') {
      throw badRequest(`param_validates[${i}]: give { name, script, message? } with text values`);
    }
    if (v.message !== undefined && v.message !== null && typeof v.message !== 'string') {
      throw badRequest(`param_validates[${i}].message: must be text`);
    }
    if (!params.some((p) => p.name === v.name)) throw badRequest(`param_validates[${i}]: "${v.name}" is not a declared parameter`);
  });
}

/** Checks a whole draft against the catalog; returns the row values and the route key it claims. */
export async function checkDraft(trx: Trx, input: EndpointInput) {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > 255) throw badRequest('name: required, at most 255 characters');
  const method = typeof input.http_method === 'string' ? (input.http_method.toUpperCase() as HttpMethod) : undefined;
  if (!method || !HTTP_METHODS.includes(method)) {
    throw badRequest(`http_method: must be one of ${HTTP_METHODS.join(', ')}`);
  }
  const engine = input.execute_engine ?? 'sql';
  if (!EXECUTE_ENGINES.includes(engine)) {
    throw badRequest(`execute_engine: must be one of ${EXECUTE_ENGINES.join(', ')}`);
  }
  const access = input.access_type ?? 'private';
  if (!ACCESS_TYPES.includes(access)) throw badRequest(`access_type: must be one of ${ACCESS_TYPES.join(', ')}`);
  const rate = input.rate_limit_per_minute ?? null;
  if (rate !== null && (!Number.isSafeInteger(rate) || rate < 1)) {
    throw badRequest('rate_limit_per_minute: must be a positive integer or null');
  }
  const sortOrder = input.sort_order ?? 0;
  if (!Number.isSafeInteger(sortOrder)) throw badRequest('sort_order: must be an integer');
  const content = input.content ?? '';
  if (typeof content !== 'string') throw badRequest('content: must be text');
  const transform = input.result_transform ?? null;
  if (transform !== null && typeof transform !== 'string') throw badRequest('result_transform: must be text or null');
  const validates = input.param_validates ?? [];
  if (!Array.isArray(validates)) throw badRequest('param_validates: must be a list');
  const description = input.description ?? null;
  if (description !== null && typeof description !== 'string') throw badRequest('description: must be text or null');
  const path = normaliseEndpointPath(input.path);
  const params = checkParameters(input.params, path);
  checkValidates(validates, params);

  const mod = await trx
    .selectFrom('modules')
    .select(['id', 'path_prefix'])
    .where('id', '=', input.module_id ?? '')
    .executeTakeFirst();
  if (!mod) throw badRequest(`module_id: module ${input.module_id} does not exist`);
  const datasourceId = input.datasource_id ?? null;
  if (datasourceId !== null) await assertDataSource(trx, datasourceId, 'datasource_id: data source');
  return {
    key: endpointRouteKey(mod.path_prefix, method, path),
    values: {
      module_id: mod.id,
      name,
      path,
      http_method: method,
      execute_engine: engine,
      datasource_id: datasourceId,
      access_type: access,
      rate_limit_per_minute: rate,
      description,
      content,
      params: JSON.stringify(params),
      param_validates: JSON.stringify(validates),
      result_transform: transform,
      sort_order: sortOrder,
    },
  };
}
