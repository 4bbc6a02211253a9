/**
 * Running rendered statements. A lone read runs directly on the pool; anything else — several statements, or
 * one that writes — runs in one transaction that commits when every statement succeeded and rolls back on
 * the first error.
 *
 * Row cap: a read returns at most `maxRows` rows and says `truncated` when there were more. The database is
 * asked for `maxRows + 1` rows and no more: a plain SELECT gets `LIMIT maxRows+1` appended; one that already
 * ends with its own LIMIT/OFFSET/FETCH is wrapped (`SELECT * FROM (…) portico_t LIMIT …`) on PostgreSQL and
 * SQLite — not on MariaDB, which drops the ORDER BY of a derived table —; the rest (locking reads, SELECT
 * INTO, SHOW, RETURNING, MariaDB with its own LIMIT) is fetched and cut.
 *
 * Errors: a database error becomes the dialect's classification (never raw driver text) with the 1-based
 * index of the failing statement in the message and in `details.statement`.
 */
import type { DataSourceType, Dialect, Session } from '../../datasources/dialect.ts';
import { AppError } from '../../errors.ts';
import { statementKind, type StatementKind } from '../table/custom-sql.ts';
import { splitStatements } from '../table/custom-sql-scan.ts';
import { templateError } from './fragment.ts';
import type { RenderedSql, RenderedStatement, SqlRunContext, SqlRunResult } from './types.ts';

interface Planned extends RenderedStatement {
  kind: StatementKind;
  code: string;
}

interface Outcome {
  data: unknown;
  truncated: boolean;
  sql: string;
  values: unknown[];
  rowCount: number;
}

/** Top-level clauses after which `LIMIT n` cannot simply be appended. */
const ENDING_CLAUSES = new Set(['LIMIT', 'OFFSET', 'FETCH', 'FOR', 'LOCK', 'INTO', 'PROCEDURE']);
/** Of those, the ones a derived table cannot hold either. */
const NOT_WRAPPABLE = new Set(['FOR', 'LOCK', 'INTO', 'PROCEDURE']);

function topLevelWords(code: string): Set<string> {
  const words = new Set<string>();
  let depth = 0;
  for (const [token] of code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[()]/g)) {
    if (token === '(') depth += 1;
    else if (token === ')') depth -= 1;
    else if (depth === 0) words.add(token.toUpperCase());
  }
  return words;
}

/** The statement asking for at most `limit` rows, or null when it must be fetched and cut. */
export function cappedSql(statement: Planned, type: DataSourceType, limit: number): string | null {
  if (statement.kind.verb !== 'SELECT' || statement.kind.writes) return null;
  const clauses = [...topLevelWords(statement.code)].filter((word) => ENDING_CLAUSES.has(word));
  if (clauses.length === 0) return `${statement.sql}\nLIMIT ${limit}`;
  if (type === 'mysql' || clauses.some((word) => NOT_WRAPPABLE.has(word))) return null;
  return `SELECT * FROM (\n${statement.sql}\n) portico_t LIMIT ${limit}`;
}

function plan(statement: RenderedStatement, type: DataSourceType): Planned {
  const code = splitStatements(statement.sql, type)[0]?.code ?? statement.sql;
  return { ...statement, kind: statementKind(code), code };
}

async function runStatement(
  session: Session,
  statement: Planned,
  n: number,
  dialect: Dialect,
  maxRows: number,
): Promise<Outcome> {
  const capped = statement.kind.returnsRows && Number.isFinite(maxRows) ? cappedSql(statement, dialect.type, maxRows + 1) : null;
  const sql = capped ?? statement.sql;
  let result;
  try {
    result = await session.query(sql, statement.values);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const classified = dialect.classifyError(err);
    throw new AppError(classified.status, classified.code, `${classified.message} (statement ${n})`, { statement: n });
  }
  if (!statement.kind.returnsRows) {
    return { data: { affected: result.rowCount }, truncated: false, sql, values: statement.values, rowCount: result.rowCount };
  }
  let rows = result.rows;
  const truncated = rows.length > maxRows;
  if (truncated) rows = rows.slice(0, maxRows);
  return { data: rows, truncated, sql, values: statement.values, rowCount: rows.length };
}

export async function runRenderedSql(rendered: RenderedSql, ctx: SqlRunContext): Promise<SqlRunResult> {
  const { dialect } = ctx;
  const planned = rendered.statements.map((statement) => plan(statement, dialect.type));
  const first = planned[0];
  if (first === undefined) throw templateError('There is no SQL statement to run.');
  const maxRows = Number.isFinite(ctx.maxRows) && ctx.maxRows >= 0 ? Math.floor(ctx.maxRows) : Number.POSITIVE_INFINITY;

  let outcomes: Outcome[];
  try {
    if (planned.length === 1 && !first.kind.writes) {
      outcomes = [await runStatement(ctx.pool, first, 1, dialect, maxRows)];
    } else {
      outcomes = await ctx.pool.transaction(async (session) => {
        const done: Outcome[] = [];
        for (const [i, statement] of planned.entries()) done.push(await runStatement(session, statement, i + 1, dialect, maxRows));
        return done;
      });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // Taking a connection, BEGIN or COMMIT failed.
    const classified = dialect.classifyError(err);
    throw new AppError(classified.status, classified.code, classified.message);
  }
  return {
    data: outcomes.length === 1 ? (outcomes[0] as Outcome).data : outcomes.map((outcome) => outcome.data),
    truncated: outcomes.some((outcome) => outcome.truncated),
    statements: outcomes.map(({ sql, values, rowCount }) => ({ sql, values, rowCount })),
  };
}
