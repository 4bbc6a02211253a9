/**
 * A Selection → one SELECT whose single result cell is the whole response as JSON text, built by the
 * database: an array of row objects with the chosen properties, 1:1 relations as nested objects (null when
 * there is no related row) and 1:N relations as arrays (`[]` when none, ordered by the target's key), each
 * from a correlated subquery, so a parent row is never repeated. Rows are ordered by the requested sort and
 * then by primary key, so pages are stable.
 *
 * Shape of a page (PostgreSQL spelling; the dialect supplies each function): the page's keys and sort values
 * first (p), then the JSON of those rows only, joined back by key:
 *
 *   SELECT coalesce(json_agg(json_build_object('album_id', t0."album_id", …,
 *            'artist', (SELECT json_build_object(…) FROM "artist" r1 WHERE r1."artist_id" = t0."artist_id" LIMIT 1),
 *            'track_items', (SELECT coalesce(json_agg(json_build_object(…) ORDER BY r2."track_id"), '[]')
 *                            FROM "track" r2 WHERE r2."album_id" = t0."album_id"))
 *          ORDER BY p.s0), '[]')::text AS j, count(*) AS n
 *   FROM (SELECT t0."album_id" AS k0, t0."album_id" AS s0 FROM "album" t0 WHERE … ORDER BY s0 LIMIT $1 OFFSET $2) p
 *   JOIN "album" t0 ON t0."album_id" = p.k0
 *
 * `n` tells an empty answer from one the database could not build (MariaDB answers NULL beyond max_allowed_packet).
 */
import { badRequest } from '../../errors.ts';
import type { Naming } from '../engine.ts';
import type { RelationSelection, Selection, SortKey } from './selection.ts';
import { filterConditions, keyCondition, keysCondition } from './filters.ts';
import { SELF, ref, type ColumnPlan, type EntityPlan, type RelationPlan, type TablePlan } from './plan.ts';
import { Params, type Statement } from './statement.ts';

/** What a response row shows: own properties and embedded relations. */
export interface View {
  properties: readonly string[];
  relations: readonly RelationSelection[];
}

/** Every own property, no relations: what writes answer with. */
export function fullView(plan: TablePlan): View {
  return { properties: plan.ordered.map((c) => c.property.name), relations: [] };
}

const MAX_FRAGMENTS = 500;

function columnOf(plan: TablePlan, name: string): ColumnPlan {
  const column = plan.columns.get(name);
  if (!column) throw new Error(`Selection refers to unknown property "${name}" of "${plan.entity.name}".`);
  return column;
}

function relationOf(plan: EntityPlan, name: string): RelationPlan {
  const relation = plan.relations.get(name);
  if (!relation) throw new Error(`Selection refers to unknown relation "${name}" of "${plan.entity.name}".`);
  return relation;
}

function objectOf(plan: EntityPlan, target: TablePlan, alias: string, properties: readonly string[], naming: Naming): string {
  return plan.sql.jsonObject(
    properties.map((name) => {
      const column = columnOf(target, name);
      return [column.key[naming], plan.sql.jsonValue(ref(alias, column), column.property.type)] as const;
    }),
  );
}

/** ORDER BY list of a table's primary key under `alias`, '' when it has none. */
function keyOrder(plan: EntityPlan, target: TablePlan, alias: string): string {
  return target.primaryKey.map((c) => plan.sql.orderBy(ref(alias, c), 'asc', false)).join(', ');
}

/** `WHERE child = parent`, plus for a 1:1 whose child is not the whole key: the first row by key, for determinism. */
function correlated(plan: EntityPlan, relation: RelationPlan, alias: string): { where: string; first: string } {
  const where = `${ref(alias, relation.child)} = ${ref(SELF, relation.parent)}`;
  const pk = relation.target.primaryKey;
  const byKey = pk.length === 1 && pk[0] === relation.child;
  const order = byKey ? '' : keyOrder(plan, relation.target, alias);
  return { where, first: `${order ? ` ORDER BY ${order}` : ''} LIMIT 1` };
}

function relationValue(plan: EntityPlan, selected: RelationSelection, naming: Naming): string {
  const relation = relationOf(plan, selected.name);
  const { target, alias } = relation;
  const object = objectOf(plan, target, alias, selected.properties, naming);
  const { where, first } = correlated(plan, relation, alias);
  if (relation.relation.kind === 'one') {
    return plan.sql.jsonNested(`(SELECT ${object} FROM ${target.table} ${alias} WHERE ${where}${first})`);
  }
  const aggregate = plan.sql.jsonArrayAgg(object, keyOrder(plan, target, alias));
  return plan.sql.jsonNested(`(SELECT ${aggregate} FROM ${target.table} ${alias} WHERE ${where})`);
}

/** The JSON object of one row of `SELF`, cached per naming and choice of properties. */
export function rowObject(plan: EntityPlan, view: View, naming: Naming): string {
  const relations = view.relations.map((r) => `${r.name}:${r.properties.join(',')}`).join(';');
  const cacheKey = `object|${naming}|${view.properties.join(',')}|${relations}`;
  const cached = plan.fragments.get(cacheKey);
  if (cached !== undefined) return cached;
  const own = view.properties.map((name) => {
    const column = columnOf(plan, name);
    return [column.key[naming], plan.sql.jsonValue(ref(SELF, column), column.property.type)] as const;
  });
  const nested = view.relations.map((r) => [relationOf(plan, r.name).key[naming], relationValue(plan, r, naming)] as const);
  const object = plan.sql.jsonObject([...own, ...nested]);
  if (plan.fragments.size >= MAX_FRAGMENTS) plan.fragments.clear();
  plan.fragments.set(cacheKey, object);
  return object;
}

interface SortExpr {
  expr: string;
  direction: 'asc' | 'desc';
  /** False for key and NOT NULL columns of the entity itself (a 1:1 value may be missing: always nullable). */
  nullable: boolean;
}

/** The requested order (own or 1:1 properties), then the primary key columns not already in it. */
function sortExprs(plan: EntityPlan, sort: readonly SortKey[]): SortExpr[] {
  const sql = plan.sql;
  const exprs: SortExpr[] = [];
  const sortedOwn = new Set<string>();
  sort.forEach((key, i) => {
    if (key.path.relation === null) {
      const column = columnOf(plan, key.path.property);
      sortedOwn.add(column.property.name);
      const nullable = column.property.nullable && !column.property.key;
      exprs.push({ expr: sql.comparable(ref(SELF, column), column.property.type), direction: key.direction, nullable });
      return;
    }
    const relation = relationOf(plan, key.path.relation);
    if (relation.relation.kind !== 'one') {
      throw badRequest(`Cannot sort by "${key.path.relation}.${key.path.property}": "${key.path.relation}" is a 1:N relation.`);
    }
    const alias = `o${i + 1}`;
    const column = columnOf(relation.target, key.path.property);
    const { where, first } = correlated(plan, relation, alias);
    const value = sql.comparable(ref(alias, column), column.property.type);
    exprs.push({
      expr: `(SELECT ${value} FROM ${relation.target.table} ${alias} WHERE ${where}${first})`,
      direction: key.direction,
      nullable: true,
    });
  });
  for (const column of plan.primaryKey) {
    if (!sortedOwn.has(column.property.name)) exprs.push({ expr: ref(SELF, column), direction: 'asc', nullable: false });
  }
  return exprs;
}

function rowsStatement(
  plan: EntityPlan,
  view: View,
  naming: Naming,
  conditions: readonly string[],
  sorts: readonly SortExpr[],
  params: Params,
  page: { limit: number; offset: number } | null,
): Statement {
  const sql = plan.sql;
  if (page && plan.primaryKey.length > 0) return pageStatement(plan, view, naming, conditions, sorts, params, page);
  const columns = [`${rowObject(plan, view, naming)} AS j`, ...sorts.map((s, i) => `${s.expr} AS s${i}`)];
  let inner = `SELECT ${columns.join(', ')} FROM ${plan.table} ${SELF}`;
  if (conditions.length > 0) inner += ` WHERE ${conditions.join(' AND ')}`;
  if (sorts.length > 0) inner += ` ORDER BY ${sorts.map((s, i) => sql.orderBy(`s${i}`, s.direction, s.nullable)).join(', ')}`;
  if (page) inner += ` ${sql.limitOffset(params.add(page.limit), params.add(page.offset))}`;
  const order = sorts.map((s, i) => sql.orderBy(`r.s${i}`, s.direction, s.nullable)).join(', ');
  const aggregate = sql.jsonArrayAgg(sql.jsonNested('r.j'), order);
  return params.statement(sql.jsonStatement(`SELECT ${sql.jsonText(aggregate)} AS j, count(*) AS n FROM (${inner}) r`));
}

/**
 * A page: the page's rows (all their columns, plus the sort values) are chosen first in a derived table that
 * keeps the entity's alias, then the JSON is built over those rows only, so no database builds objects or runs
 * relation subqueries for rows the page leaves out. Measured on PostgreSQL, this shape (one pass, no join
 * back by key) serves about 1.7× the statements per second of selecting keys first and joining back.
 */
function pageStatement(
  plan: EntityPlan,
  view: View,
  naming: Naming,
  conditions: readonly string[],
  sorts: readonly SortExpr[],
  params: Params,
  page: { limit: number; offset: number },
): Statement {
  const sql = plan.sql;
  const sortAlias = (i: number) => `portico_s${i}`;
  let inner = `SELECT ${[`${SELF}.*`, ...sorts.map((s, i) => `${s.expr} AS ${sortAlias(i)}`)].join(', ')} FROM ${plan.table} ${SELF}`;
  if (conditions.length > 0) inner += ` WHERE ${conditions.join(' AND ')}`;
  if (sorts.length > 0) inner += ` ORDER BY ${sorts.map((s, i) => sql.orderBy(sortAlias(i), s.direction, s.nullable)).join(', ')}`;
  inner += ` ${sql.limitOffset(params.add(page.limit), params.add(page.offset))}`;
  const order = sorts.map((s, i) => sql.orderBy(`${SELF}.${sortAlias(i)}`, s.direction, s.nullable)).join(', ');
  const aggregate = sql.jsonArrayAgg(rowObject(plan, view, naming), order);
  return params.statement(sql.jsonStatement(`SELECT ${sql.jsonText(aggregate)} AS j, count(*) AS n FROM (${inner}) ${SELF}`));
}

/** The rows `selection` asks for, at most `cap` of them (also when it asks for more or sets no limit). */
export function compileRows(plan: EntityPlan, selection: Selection, naming: Naming, cap: number): Statement {
  const params = new Params(plan.dialect);
  const conditions = filterConditions(plan, selection.filters, params);
  const limit = Math.max(0, Math.min(selection.limit ?? cap, cap));
  const offset = Math.max(0, selection.offset);
  return rowsStatement(plan, selection, naming, conditions, sortExprs(plan, selection.sort), params, { limit, offset });
}

/** `count(*)` of the rows the selection's filters match (limit and offset do not apply). */
export function compileCount(plan: EntityPlan, selection: Pick<Selection, 'filters'>): Statement {
  const params = new Params(plan.dialect);
  const conditions = filterConditions(plan, selection.filters, params);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return params.statement(`SELECT count(*) AS n FROM ${plan.table} ${SELF}${where}`);
}

/** One row as a JSON object (no row when the key matches none), optionally also filtered. */
export function compileObjectByKey(
  plan: EntityPlan,
  key: readonly unknown[],
  view: View,
  naming: Naming,
  filters: Selection['filters'] = [],
): Statement {
  const sql = plan.sql;
  const params = new Params(plan.dialect);
  const conditions = [keyCondition(plan, key, params, SELF), ...filterConditions(plan, filters, params)];
  const object = rowObject(plan, view, naming);
  return params.statement(
    sql.jsonStatement(`SELECT ${sql.jsonText(object)} AS j FROM ${plan.table} ${SELF} WHERE ${conditions.join(' AND ')}`),
  );
}

/** The rows with these keys as a JSON array ordered by key. */
export function compileRowsByKeys(plan: EntityPlan, keys: readonly (readonly unknown[])[], view: View, naming: Naming): Statement {
  const params = new Params(plan.dialect);
  const conditions = [keysCondition(plan, keys, params, SELF)];
  return rowsStatement(plan, view, naming, conditions, sortExprs(plan, []), params, null);
}
