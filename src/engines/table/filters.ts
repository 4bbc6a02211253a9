/**
 * WHERE conditions: the selection's filters, and rows picked by primary key. Values are always bound; a
 * filter on a relation's property is an EXISTS test on the related rows (all filters on one relation must
 * hold for the same related row), so parent rows are never repeated.
 */
import type { Filter } from './selection.ts';
import type { PropertyType } from './model.ts';
import { SELF, ref, type ColumnPlan, type EntityPlan, type TablePlan } from './plan.ts';
import type { Params } from './statement.ts';
import { filterValue } from './values.ts';

function condition(plan: EntityPlan, expr: string, type: PropertyType, filter: Filter, params: Params): string {
  const sql = plan.sql;
  const bind = (value: unknown): string => sql.comparable(params.add(filterValue(type, value)), type);
  const operand = sql.comparable(expr, type);
  const values = filter.values;
  switch (filter.op) {
    case 'eq':
      return `${operand} = ${bind(values[0])}`;
    case 'ne':
      return `${operand} <> ${bind(values[0])}`;
    case 'lt':
      return `${operand} < ${bind(values[0])}`;
    case 'le':
      return `${operand} <= ${bind(values[0])}`;
    case 'gt':
      return `${operand} > ${bind(values[0])}`;
    case 'ge':
      return `${operand} >= ${bind(values[0])}`;
    case 'in':
      return values.length === 0 ? '1 = 0' : `${operand} IN (${values.map(bind).join(', ')})`;
    case 'not-in':
      return values.length === 0 ? '1 = 1' : `${operand} NOT IN (${values.map(bind).join(', ')})`;
    case 'between':
      return `${operand} BETWEEN ${bind(values[0])} AND ${bind(values[1])}`;
    case 'not-between':
      return `${operand} NOT BETWEEN ${bind(values[0])} AND ${bind(values[1])}`;
    case 'like':
    case 'not-like': {
      // The pattern escapes %, _ and \ with a backslash (selection.ts); LIKE on a non-text column compares its text.
      const text = type === 'string' || type === 'uuid' ? expr : sql.asText(expr);
      const not = filter.op === 'not-like' ? 'NOT ' : '';
      return `${text} ${not}LIKE ${params.add(String(values[0]))} ESCAPE ${sql.literal('\\')}`;
    }
    case 'is':
      return `${expr} IS NULL`;
    case 'is-not':
      return `${expr} IS NOT NULL`;
    default:
      throw new Error(`Unknown filter operator "${String(filter.op)}".`);
  }
}

function columnOf(plan: TablePlan, property: string): ColumnPlan {
  const column = plan.columns.get(property);
  if (!column) throw new Error(`Selection refers to unknown property "${property}" of "${plan.entity.name}".`);
  return column;
}

/** The conditions (ANDed) for `filters` on the entity aliased `SELF`. */
export function filterConditions(plan: EntityPlan, filters: readonly Filter[], params: Params): string[] {
  const conditions: string[] = [];
  const byRelation = new Map<string, Filter[]>();
  for (const filter of filters) {
    if (filter.path.relation === null) {
      const column = columnOf(plan, filter.path.property);
      conditions.push(condition(plan, ref(SELF, column), column.property.type, filter, params));
    } else {
      const list = byRelation.get(filter.path.relation) ?? [];
      list.push(filter);
      byRelation.set(filter.path.relation, list);
    }
  }
  for (const [name, list] of byRelation) {
    const relation = plan.relations.get(name);
    if (!relation) throw new Error(`Selection refers to unknown relation "${name}" of "${plan.entity.name}".`);
    const alias = `f${relation.alias.slice(1)}`;
    const tests = list.map((filter) => {
      const column = columnOf(relation.target, filter.path.property);
      return condition(plan, ref(alias, column), column.property.type, filter, params);
    });
    conditions.push(
      `EXISTS (SELECT 1 FROM ${relation.target.table} ${alias} WHERE ${ref(alias, relation.child)} = ` +
        `${ref(SELF, relation.parent)} AND ${tests.join(' AND ')})`,
    );
  }
  return conditions;
}

/** `k1 = ? AND k2 = ?` for one row's key values (in key order), on `alias` (or no alias: ''). */
export function keyCondition(plan: EntityPlan, key: readonly unknown[], params: Params, alias: string): string {
  const sql = plan.sql;
  return plan.primaryKey
    .map((column, i) => {
      const type = column.property.type;
      const name = alias ? ref(alias, column) : column.column;
      return `${sql.comparable(name, type)} = ${sql.comparable(params.add(key[i]), type)}`;
    })
    .join(' AND ');
}

/** Rows with any of `keys`: `k IN (…)` for a one-column key, ORed key conditions otherwise. */
export function keysCondition(plan: EntityPlan, keys: readonly (readonly unknown[])[], params: Params, alias: string): string {
  if (keys.length === 0) return '1 = 0';
  const sql = plan.sql;
  const only = plan.primaryKey.length === 1 ? plan.primaryKey[0] : undefined;
  if (only) {
    const type = only.property.type;
    const name = sql.comparable(alias ? ref(alias, only) : only.column, type);
    return `${name} IN (${keys.map((key) => sql.comparable(params.add(key[0]), type)).join(', ')})`;
  }
  return `(${keys.map((key) => `(${keyCondition(plan, key, params, alias)})`).join(' OR ')})`;
}
