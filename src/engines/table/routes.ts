/**
 * The routes of one entity (paths relative to the module prefix, find-my-way syntax) and what runs them.
 *
 *   GET    /{path}                      query: JSON array of rows; with __count {"count": N}
 *   GET    /{path}/:key                 one row (404 not_found); composite keys as `1,3402` (keys.ts)
 *   POST   /{path}                      create one object or an array (one transaction) → 201 with the created row(s)
 *   PUT    /{path}  DELETE /{path}      by query (at least one filter) → the affected rows; not with a version property
 *   PUT    /{path}/:key  DELETE /{path}/:key
 *          without a version property: → the row (404 when missing);
 *          with one: only with `If-Match: <version>` (else 428 precondition_required)
 *   PUT    /{path}/:key/{version}/:version  DELETE …   with a version property: → the row; stale → 409 version_conflict
 *
 * Readonly entities (views) get the GET routes only; an entity without a primary key gets only the query
 * (created rows could not be read back, nor one row addressed). Every write is one transaction. Database
 * errors are classified by the dialect (unique / foreign key → 409, not null / check / bad value → 400).
 */
import type { Dialect } from '../../datasources/dialect.ts';
import { AppError } from '../../errors.ts';
import type { EngineContext, EngineRequest, EngineResponse, EngineRoute, Naming } from '../engine.ts';
import { readCreateBody, readUpdateBody } from './body.ts';
import { compileCount, compileObjectByKey, compileRows, fullView } from './compile-select.ts';
import { ifMatchVersion, parseKey, parseVersion } from './keys.ts';
import type { EntityModel, TableApiModel } from './model.ts';
import { planEntity, type EntityPlan } from './plan.ts';
import { countCell, jsonArray, jsonCell } from './results.ts';
import type { Selection } from './selection.ts';
import type { Statement } from './statement.ts';
import { createRows, deleteByKey, deleteMatching, updateByKey, updateMatching } from './writes.ts';

export type SelectionParser = (
  model: TableApiModel,
  entity: EntityModel,
  query: ReadonlyArray<readonly [string, string]>,
  options: { maxLimit: number; naming: Naming },
) => Selection;

export interface TableRouteOptions {
  /** Most rows one response may carry, and the page size when none is asked (capped further by ctx.maxRows). */
  maxLimit: number;
  parseSelection: SelectionParser;
}

type Handler = (request: EngineRequest, ctx: EngineContext) => Promise<EngineResponse>;

/** Database errors → AppError with the dialect's classification; AppErrors pass unchanged. */
function classified(dialect: Dialect, handler: Handler): Handler {
  return async (request, ctx) => {
    try {
      return await handler(request, ctx);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const c = dialect.classifyError(err);
      if (c.code === 'database_error' && c.status === 500) throw err;
      throw new AppError(c.status, c.code, c.message);
    }
  };
}

const json = (status: number, text: string): EngineResponse => ({ status, json: text });

function requireFilters(plan: EntityPlan, selection: Selection, what: string): Selection['filters'] {
  if (selection.filters.length === 0) {
    throw new AppError(400, 'filter_required',
      `${what} "${plan.entity.name}" by query needs at least one filter (e.g. ?${plan.primaryKey[0]?.property.name ?? 'property'}=…).`);
  }
  return selection.filters;
}

export function tableRoutes(model: TableApiModel, entity: EntityModel, dialect: Dialect, options: TableRouteOptions): EngineRoute[] {
  const plan = planEntity(model, entity, dialect);
  const routes: EngineRoute[] = [];
  const base = `/${entity.path}`;
  const add = (method: EngineRoute['method'], path: string, summary: string, handler: Handler): void => {
    routes.push({ method, path, datasource: entity.datasource, summary, runnable: { run: classified(dialect, handler) } });
  };
  const cap = (ctx: EngineContext): number =>
    Math.max(0, Math.min(options.maxLimit, ctx.maxRows > 0 ? ctx.maxRows : options.maxLimit));
  const select = (request: EngineRequest, ctx: EngineContext): Selection =>
    options.parseSelection(model, entity, request.query, { maxLimit: cap(ctx), naming: request.naming });
  const name = entity.name;

  add('GET', base, `Query ${name} rows (filters, __properties, __sort, __limit, __offset, __count)`, async (request, ctx) => {
    const selection = select(request, ctx);
    if (selection.count) {
      const statement = compileCount(plan, selection);
      return json(200, `{"count":${countCell(await ctx.pool.query(statement.sql, statement.params))}}`);
    }
    const statement = compileRows(plan, selection, request.naming, cap(ctx));
    return json(200, jsonArray(await ctx.pool.query(statement.sql, statement.params)));
  });
  if (plan.primaryKey.length === 0) return routes;

  const keyPath = `${base}/:key`;
  // A plain GET by key (no query) differs from the next only in its key values, which are its only
  // parameters: its text is made once per naming.
  const plainByKey = new Map<Naming, string>();
  const byKey = (key: unknown[], naming: Naming): Statement => {
    const sql = plainByKey.get(naming);
    if (sql !== undefined) return { sql, params: key };
    const statement = compileObjectByKey(plan, key, fullView(plan), naming);
    plainByKey.set(naming, statement.sql);
    return statement;
  };
  add('GET', keyPath, `Get one ${name} by key`, async (request, ctx) => {
    const key = parseKey(plan, request.params['key']);
    const selection = request.query.length > 0 ? select(request, ctx) : null;
    const statement = selection
      ? compileObjectByKey(plan, key, selection, request.naming, selection.filters)
      : byKey(key, request.naming);
    const text = jsonCell(await ctx.pool.query(statement.sql, statement.params));
    if (text === null) {
      throw new AppError(404, 'not_found', `No "${name}" with ${entity.primaryKey.join(',')} ${request.params['key'] ?? ''}.`);
    }
    return json(200, text);
  });
  if (entity.readOnly) return routes;

  add('POST', base, `Create one ${name} (object) or several (array, all or none)`, async (request, ctx) => {
    const { rows, many } = readCreateBody(plan, request.body, request.naming);
    const created = await ctx.pool.transaction((session) => createRows(plan, rows, request.naming, session));
    return json(201, many ? `[${created.join(',')}]` : (created[0] ?? 'null'));
  });

  const version = plan.version;
  if (!version) {
    add('PUT', base, `Update the ${name} rows a query matches (at least one filter)`, async (request, ctx) => {
      const filters = requireFilters(plan, select(request, ctx), 'Updating');
      const values = readUpdateBody(plan, request.body, request.naming);
      return json(200, await ctx.pool.transaction((s) => updateMatching(plan, filters, values, request.naming, s)));
    });
    add('DELETE', base, `Delete the ${name} rows a query matches (at least one filter)`, async (request, ctx) => {
      const filters = requireFilters(plan, select(request, ctx), 'Deleting');
      return json(200, await ctx.pool.transaction((s) => deleteMatching(plan, filters, request.naming, s)));
    });
  }

  /** The version to check: from the path, else If-Match; required when the entity has a version property. */
  const versionOf = (request: EngineRequest): unknown => {
    if (!version) return undefined;
    const text = request.params['version'] ?? ifMatchVersion(request.headers['if-match']);
    if (text === undefined) {
      throw new AppError(428, 'precondition_required',
        `"${name}" uses optimistic concurrency: give the current ${version.column.property.name} in the path ` +
          `(/${entity.path}/{key}/${version.column.property.name}/{value}) or in an If-Match header.`);
    }
    return parseVersion(plan, text);
  };
  const update: Handler = async (request, ctx) => {
    const key = parseKey(plan, request.params['key']);
    const expected = versionOf(request);
    const values = readUpdateBody(plan, request.body, request.naming);
    return json(200, await ctx.pool.transaction((s) => updateByKey(plan, key, expected, values, request.naming, s)));
  };
  const remove: Handler = async (request, ctx) => {
    const key = parseKey(plan, request.params['key']);
    const expected = versionOf(request);
    return json(200, await ctx.pool.transaction((s) => deleteByKey(plan, key, expected, request.naming, s)));
  };
  const ifMatch = version ? ` (If-Match: current ${version.column.property.name})` : '';
  add('PUT', keyPath, `Update one ${name} by key${ifMatch}`, update);
  add('DELETE', keyPath, `Delete one ${name} by key${ifMatch}`, remove);
  if (version) {
    const versioned = `${keyPath}/${version.column.property.name}/:version`;
    add('PUT', versioned, `Update one ${name} by key and current ${version.column.property.name}`, update);
    add('DELETE', versioned, `Delete one ${name} by key and current ${version.column.property.name}`, remove);
  }
  return routes;
}
