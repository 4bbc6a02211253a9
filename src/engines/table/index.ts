/**
 * The table engine: REST routes over the annotated schemas of a TableApiModel, with record selection, writes
 * with optimistic concurrency, and relations, each answered by SQL that builds the JSON in the database.
 *
 * Layout: plan.ts (the entity prepared for SQL) → filters.ts, compile-select.ts, compile-write.ts (statements)
 * → writes.ts (write transactions), results.ts (reading answers) → routes.ts (the routes and their rules);
 * body.ts, keys.ts and values.ts check what the request carries. Dialect differences live in
 * `Dialect.sql` (datasources/<db>/sql.ts).
 */
import type { Dialect } from '../../datasources/dialect.ts';
import type { EngineRoute } from '../engine.ts';
import type { EntityModel, TableApiModel } from './model.ts';
import { tableRoutes } from './routes.ts';
import { parseSelection } from './selection-parser.ts';

/** The routes of one entity; prepared once per snapshot, run per request. See routes.ts for their shapes. */
export function prepareTableEntity(
  model: TableApiModel,
  entity: EntityModel,
  dialect: Dialect,
  options: { maxLimit: number },
): EngineRoute[] {
  return tableRoutes(model, entity, dialect, { maxLimit: options.maxLimit, parseSelection });
}

export { tableRoutes, type SelectionParser, type TableRouteOptions } from './routes.ts';
export { planEntity, type EntityPlan } from './plan.ts';
export {
  compileCount, compileObjectByKey, compileRows, compileRowsByKeys, fullView, type View,
} from './compile-select.ts';
export type { Statement } from './statement.ts';
