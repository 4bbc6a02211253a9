/**
 * Writes, each run inside one transaction by its caller: create rows, update or delete one row by key
 * (checking the version when the entity has one) or the rows a filter matches. Every write answers the
 * rows as JSON built by the database, read back in the same transaction (so defaults, generated keys and
 * bumped versions show), and never trusts a row count alone: the rows are found and locked first.
 */
import { randomUUID } from 'node:crypto';
import type { Session } from '../../datasources/dialect.ts';
import { AppError } from '../../errors.ts';
import type { Naming } from '../engine.ts';
import type { RowValues } from './body.ts';
import { compileObjectByKey, compileRowsByKeys, fullView } from './compile-select.ts';
import {
  compileDelete, compileInsert, compileLockByFilters, compileLockByKey, compileSelectValue, compileUpdate, keyAlias,
  type Assignment,
} from './compile-write.ts';
import type { EntityPlan } from './plan.ts';
import { joinArrays, jsonArray, jsonCell } from './results.ts';
import type { Selection } from './selection.ts';
import type { Statement } from './statement.ts';

/** Keys per UPDATE / DELETE / re-read statement: well under every database's limit on bound values. */
const KEYS_PER_STATEMENT = 500;

const run = (session: Session, statement: Statement) => session.query(statement.sql, statement.params);

function notFound(plan: EntityPlan, key: readonly unknown[]): AppError {
  const names = plan.primaryKey.map((c) => c.property.name).join(',');
  return new AppError(404, 'not_found', `No "${plan.entity.name}" with ${names} ${key.map(String).join(',')}.`);
}

/** The version a new row starts with: 1, the current time, a new UUID. */
function initialVersion(plan: EntityPlan): Assignment | null {
  const version = plan.version;
  if (!version) return null;
  if (version.kind === 'integer') return { column: version.column, value: 1 };
  if (version.kind === 'uuid') return { column: version.column, value: randomUUID() };
  return { column: version.column, expr: plan.sql.currentTimestamp };
}

/** The next version: + 1, the current time (full precision), a new UUID. */
function bumpedVersion(plan: EntityPlan): Assignment | null {
  const version = plan.version;
  if (!version) return null;
  if (version.kind === 'integer') return { column: version.column, expr: `${version.column.column} + 1` };
  if (version.kind === 'uuid') return { column: version.column, value: randomUUID() };
  return { column: version.column, expr: plan.sql.currentTimestamp };
}

async function insertRow(plan: EntityPlan, row: RowValues, session: Session): Promise<unknown[]> {
  const sql = plan.sql;
  const assignments: Assignment[] = [...row].map(([column, value]) => ({ column, value }));
  for (const column of plan.primaryKey) {
    const key = column.property.key;
    if (!key || row.has(column)) continue;
    if (key.strategy === 'uuid') {
      assignments.push({ column, value: randomUUID() });
    } else if (key.strategy === 'sequence' && key.sequence) {
      // Without sequences (SQLite) the key is left to the database like an `auto` one.
      const next = sql.nextSequenceValue(key.sequence);
      if (next && sql.insertReturning) assignments.push({ column, expr: next });
      else if (next) assignments.push({ column, value: (await run(session, compileSelectValue(next))).rows[0]?.['v'] });
    }
  }
  const version = initialVersion(plan);
  if (version) assignments.push(version);
  const result = await run(session, compileInsert(plan, assignments));
  const given = new Map(assignments.flatMap((a) => ('value' in a ? [[a.column, a.value] as const] : [])));
  const returned = result.rows[0];
  const key: unknown[] = [];
  for (const [i, column] of plan.primaryKey.entries()) {
    if (returned && keyAlias(i) in returned) key.push(returned[keyAlias(i)]);
    else if (given.has(column)) key.push(given.get(column));
    else if (sql.lastInsertId) key.push((await session.query(sql.lastInsertId)).rows[0]?.['id']);
    else throw new Error(`No way to learn the generated key of "${plan.entity.name}".`);
  }
  return key;
}

async function readObject(plan: EntityPlan, key: readonly unknown[], naming: Naming, session: Session): Promise<string> {
  const result = await run(session, compileObjectByKey(plan, key, fullView(plan), naming));
  const text = jsonCell(result);
  if (text === null) throw new Error(`The row just written to "${plan.entity.name}" could not be read back.`);
  return text;
}

/** Inserts every row (in order) and answers each created row as a JSON object. */
export async function createRows(plan: EntityPlan, rows: readonly RowValues[], naming: Naming, session: Session): Promise<string[]> {
  const created: string[] = [];
  for (const row of rows) {
    const key = await insertRow(plan, row, session);
    created.push(await readObject(plan, key, naming, session));
  }
  return created;
}

/** Locks the row; 404 when missing, 409 `version_conflict` when `version` is given and stale. */
async function lockOne(plan: EntityPlan, key: readonly unknown[], version: unknown, session: Session): Promise<void> {
  const result = await run(session, compileLockByKey(plan, key, version));
  const row = result.rows[0];
  if (!row) throw notFound(plan, key);
  if (version !== undefined && Number(row['current']) !== 1) {
    throw new AppError(409, 'version_conflict',
      `The "${plan.entity.name}" row was changed by someone else: its ${plan.version?.column.property.name} is no longer ${String(version)}. Read it again and retry.`);
  }
}

function withBump(plan: EntityPlan, values: RowValues): Assignment[] {
  const assignments: Assignment[] = [...values].map(([column, value]) => ({ column, value }));
  const bump = bumpedVersion(plan);
  if (bump) assignments.push(bump);
  return assignments;
}

/** Updates one row (version checked when given) and answers it as a JSON object. */
export async function updateByKey(
  plan: EntityPlan, key: readonly unknown[], version: unknown, values: RowValues, naming: Naming, session: Session,
): Promise<string> {
  await lockOne(plan, key, version, session);
  await run(session, compileUpdate(plan, withBump(plan, values), [key]));
  return readObject(plan, key, naming, session);
}

/** Deletes one row (version checked when given) and answers it, as it was, as a JSON object. */
export async function deleteByKey(
  plan: EntityPlan, key: readonly unknown[], version: unknown, naming: Naming, session: Session,
): Promise<string> {
  await lockOne(plan, key, version, session);
  const before = await readObject(plan, key, naming, session);
  await run(session, compileDelete(plan, [key]));
  return before;
}

async function lockMatching(plan: EntityPlan, filters: Selection['filters'], session: Session): Promise<unknown[][]> {
  const result = await run(session, compileLockByFilters(plan, filters));
  return result.rows.map((row) => plan.primaryKey.map((_, i) => row[keyAlias(i)]));
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += KEYS_PER_STATEMENT) out.push(items.slice(i, i + KEYS_PER_STATEMENT));
  return out;
}

async function readRows(plan: EntityPlan, keys: readonly unknown[][], naming: Naming, session: Session): Promise<string> {
  const parts: string[] = [];
  for (const chunk of chunks(keys)) {
    parts.push(jsonArray(await run(session, compileRowsByKeys(plan, chunk, fullView(plan), naming))));
  }
  return joinArrays(parts);
}

/** Updates every row the filters match and answers them as a JSON array (in key order). */
export async function updateMatching(
  plan: EntityPlan, filters: Selection['filters'], values: RowValues, naming: Naming, session: Session,
): Promise<string> {
  const keys = await lockMatching(plan, filters, session);
  if (keys.length === 0) return '[]';
  const assignments = withBump(plan, values);
  for (const chunk of chunks(keys)) await run(session, compileUpdate(plan, assignments, chunk));
  return readRows(plan, keys, naming, session);
}

/** Deletes every row the filters match and answers them, as they were, as a JSON array (in key order). */
export async function deleteMatching(plan: EntityPlan, filters: Selection['filters'], naming: Naming, session: Session): Promise<string> {
  const keys = await lockMatching(plan, filters, session);
  if (keys.length === 0) return '[]';
  const before = await readRows(plan, keys, naming, session);
  for (const chunk of chunks(keys)) await run(session, compileDelete(plan, chunk));
  return before;
}
