/**
 * The statements of writes: INSERT, UPDATE and DELETE by primary key, and the SELECT … FOR UPDATE that
 * finds and locks the rows first (so a version check, a missing row and the change happen in one
 * transaction, on every database, with or without RETURNING). No table alias in UPDATE / DELETE: MySQL would
 * then refuse subqueries on the same table, and none is needed with keys in hand.
 */
import type { Selection } from './selection.ts';
import { filterConditions, keyCondition, keysCondition } from './filters.ts';
import { SELF, ref, type ColumnPlan, type EntityPlan } from './plan.ts';
import { Params, type Statement } from './statement.ts';

/** A column set to a bound value, or to an SQL expression from the dialect (nextval, current time, `v + 1`). */
export type Assignment = { column: ColumnPlan; value: unknown } | { column: ColumnPlan; expr: string };

function valueOf(assignment: Assignment, params: Params): string {
  return 'expr' in assignment ? assignment.expr : params.add(assignment.value);
}

/** Alias under which RETURNING / the key lock answers the i-th key column. */
export const keyAlias = (i: number): string => `k${i}`;

export function compileInsert(plan: EntityPlan, assignments: readonly Assignment[]): Statement {
  const params = new Params(plan.dialect);
  const columns = assignments.map((a) => a.column.column);
  const values = assignments.map((a) => valueOf(a, params));
  const returning = plan.sql.insertReturning ? plan.primaryKey.map((c, i) => `${c.column} AS ${keyAlias(i)}`) : [];
  return params.statement(plan.sql.insert(plan.table, columns, values, returning));
}

/**
 * Locks the row with `key`; answers one row when it exists, whose `current` is 1 when `version` (if given)
 * is the row's version and 0 when it is stale.
 */
export function compileLockByKey(plan: EntityPlan, key: readonly unknown[], version: unknown): Statement {
  const sql = plan.sql;
  const params = new Params(plan.dialect);
  let current = '1';
  if (version !== undefined && plan.version) {
    const { column } = plan.version;
    const type = column.property.type;
    current = `CASE WHEN ${sql.comparable(ref(SELF, column), type)} = ${sql.comparable(params.add(version), type)} THEN 1 ELSE 0 END`;
  }
  const where = keyCondition(plan, key, params, SELF);
  return params.statement(`SELECT ${current} AS ${plan.dialect.quoteIdent('current')} FROM ${plan.table} ${SELF} WHERE ${where}${sql.forUpdate}`);
}

/** Locks the rows the filters match and answers their keys (columns k0, k1, …), in key order. */
export function compileLockByFilters(plan: EntityPlan, filters: Selection['filters']): Statement {
  const sql = plan.sql;
  const params = new Params(plan.dialect);
  const conditions = filterConditions(plan, filters, params);
  const keys = plan.primaryKey.map((c, i) => `${ref(SELF, c)} AS ${keyAlias(i)}`).join(', ');
  const order = plan.primaryKey.map((c) => ref(SELF, c)).join(', ');
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return params.statement(`SELECT ${keys} FROM ${plan.table} ${SELF}${where} ORDER BY ${order}${sql.forUpdate}`);
}

export function compileUpdate(plan: EntityPlan, assignments: readonly Assignment[], keys: readonly (readonly unknown[])[]): Statement {
  const params = new Params(plan.dialect);
  const set = assignments.map((a) => `${a.column.column} = ${valueOf(a, params)}`).join(', ');
  return params.statement(`UPDATE ${plan.table} SET ${set} WHERE ${keysCondition(plan, keys, params, '')}`);
}

export function compileDelete(plan: EntityPlan, keys: readonly (readonly unknown[])[]): Statement {
  const params = new Params(plan.dialect);
  return params.statement(`DELETE FROM ${plan.table} WHERE ${keysCondition(plan, keys, params, '')}`);
}

/** `SELECT <expr> AS v`: a sequence value fetched before the INSERT where RETURNING is missing. */
export function compileSelectValue(expr: string): Statement {
  return { sql: `SELECT ${expr} AS v`, params: [] };
}
