/**
 * Custom-SQL path operations (`x-am-database` + `x-am-sql`): a path operation whose SQL has `:name`
 * placeholders, bound as typed parameters read from the path, the query string or the JSON body.
 *
 * Prepared once: the SQL is scanned (custom-sql-scan.ts), split into statements at top-level `;`, and each
 * placeholder replaced by the dialect's (`$n`, reused for a repeated name, or `?`, bound once per occurrence).
 * Per request: inputs are read and converted (custom-sql-params.ts), the statements run — inside one
 * transaction when any of them writes or there is more than one — and the last statement's rows (mapped
 * through `x-am-column-name` and the naming style) or the number of affected rows is the answer.
 */
import type { DataSourceType, Dialect, QueryResult, Session } from '../../datasources/dialect.ts';
import { AppError } from '../../errors.ts';
import type { EngineContext, EngineRequest, EngineResponse, EngineRoute, Naming } from '../engine.ts';
import { toCamel } from '../naming.ts';
import type { CustomOperationModel, CustomParameterModel, ParameterLocation } from './model.ts';
import { InvalidValue, bindValue, expected, fromJson, fromQueryValues, fromText } from './custom-sql-params.ts';
import { splitStatements } from './custom-sql-scan.ts';

export { scanSql, splitStatements, sqlPlaceholders } from './custom-sql-scan.ts';
export type { ScannedStatement, SqlPiece } from './custom-sql-scan.ts';

/** Response header set when a result had more rows than `maxRows` and was cut. */
export const TRUNCATED_HEADER = 'x-result-truncated';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Statements that only read: run outside a transaction (when alone) and answer with rows. */
const READ_VERBS = new Set(['SELECT', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN', 'DESCRIBE', 'DESC', 'PRAGMA']);
/** Verbs that can follow a WITH clause. */
const MAIN_VERBS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'VALUES', 'TABLE', 'REPLACE']);
/** Verbs that, opening a parenthesis (a WITH query), make a statement write. */
const MODIFYING_VERBS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);
/** Transaction control would break the one-transaction guarantee. */
const TRANSACTION_VERBS = new Set(['BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'END', 'ABORT']);

/**
 * Parameter markers the driver itself would bind, outside literals and comments: they would take values meant
 * for the `:name` placeholders. (On PostgreSQL `?` is a jsonb operator and stays allowed.)
 */
const POSITIONAL_MARKERS: Record<DataSourceType, RegExp> = {
  postgres: /(?<![A-Za-z0-9_$\u0080-\uffff])(\$\d+)/,
  mysql: /(\?)/,
  sqlite: /(\?\d*|(?<![A-Za-z0-9_$\u0080-\uffff])[@$][A-Za-z_][A-Za-z0-9_]*)/,
};

export interface StatementKind {
  /** The first keyword of the statement (after a WITH clause, the keyword of the main statement). */
  verb: string | null;
  /** Answers with rows: a read, a CALL, or a top-level RETURNING. */
  returnsRows: boolean;
  /** Changes data (or may): anything but a read, or a read with a data-modifying WITH query. */
  writes: boolean;
}

/** Classifies one statement from its code (literals and comments blanked, as `splitStatements` gives it). */
export function statementKind(code: string): StatementKind {
  let depth = 0;
  let first: string | null = null;
  let firstDepth = 0;
  let verb: string | null = null;
  let afterParen = false;
  let modifyingQuery = false;
  let returning = false;
  for (const [token] of code.matchAll(/:[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_$]*|[()]/g)) {
    if (token === '(') {
      depth += 1;
      afterParen = true;
      continue;
    }
    if (token === ')') {
      depth -= 1;
      afterParen = false;
      continue;
    }
    const word = token.toUpperCase();
    if (token.startsWith(':')) {
      afterParen = false;
      continue;
    }
    if (first === null) {
      first = word;
      firstDepth = depth;
      if (word !== 'WITH') verb = word;
    } else if (first === 'WITH' && verb === null && depth === firstDepth && MAIN_VERBS.has(word)) {
      verb = word;
    } else if (afterParen && depth > firstDepth && MODIFYING_VERBS.has(word)) {
      modifyingQuery = true;
    }
    if (word === 'RETURNING' && depth === firstDepth) returning = true;
    afterParen = false;
  }
  const read = verb !== null && READ_VERBS.has(verb);
  return { verb, returnsRows: read || returning || verb === 'CALL', writes: !read || modifyingQuery };
}

/** `/album/{id}/tracks` → `/album/:id/tracks`; names find-my-way cannot take are replaced by `p1`, `p2`…. */
export function routePath(template: string): { path: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  let n = 0;
  const parts = template.split(/(\{[^}/]*\})/);
  const path = parts
    .map((part, i) => {
      if (i % 2 === 0) return part.replaceAll(':', '::');
      const name = part.slice(1, -1);
      let key = params.get(name);
      if (key === undefined) {
        key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `p${(n += 1)}`;
        params.set(name, key);
      }
      return `:${key}`;
    })
    .join('');
  return { path, params };
}

interface PreparedParameter {
  name: string;
  camel: string;
  in: ParameterLocation;
  type: CustomParameterModel['type'];
  required: boolean;
  /** Key in `request.params` (path parameters). */
  pathKey: string;
  /** Bound value of the default, or undefined when there is none. */
  defaultValue: unknown;
}

interface PreparedStatement {
  sql: string;
  /** Parameter name per driver parameter, in order. */
  bindings: string[];
  kind: StatementKind;
}

const where = (p: { name: string; in: ParameterLocation }): string => `"${p.name}" (${p.in})`;

function prepareParameters(
  op: CustomOperationModel,
  pathParams: Map<string, string>,
  dialectType: DataSourceType,
  problems: string[],
): Map<string, PreparedParameter> {
  const prepared = new Map<string, PreparedParameter>();
  for (const p of op.parameters) {
    if (prepared.has(p.name)) {
      problems.push(`parameter "${p.name}" is declared more than once`);
      continue;
    }
    const pathKey = pathParams.get(p.name);
    if (p.in === 'path' && pathKey === undefined) problems.push(`path parameter "${p.name}" is not in the path ${op.path}`);
    if (p.in === 'body' && !BODY_METHODS.has(op.method)) {
      problems.push(`body parameter "${p.name}" on a ${op.method} operation (only POST, PUT and PATCH take a body)`);
    }
    let defaultValue: unknown;
    if (p.default !== undefined && p.default !== null) {
      try {
        defaultValue = bindValue(p.type, fromJson(p.type, p.default), dialectType);
      } catch {
        problems.push(`the default of parameter "${p.name}" is not ${expected(p.type)}`);
      }
    }
    prepared.set(p.name, {
      name: p.name,
      camel: toCamel(p.name),
      in: p.in,
      type: p.type,
      required: p.required,
      pathKey: pathKey ?? p.name,
      defaultValue,
    });
  }
  return prepared;
}

function prepareStatements(
  op: CustomOperationModel,
  dialect: Dialect,
  declared: Map<string, PreparedParameter>,
  problems: string[],
): PreparedStatement[] {
  // `?` dialects give the same text for every index: each occurrence binds again, in order.
  const numbered = dialect.placeholder(1) !== dialect.placeholder(2);
  const undeclared = new Set<string>();
  const statements = splitStatements(op.sql, dialect.type).map((statement): PreparedStatement => {
    const bindings: string[] = [];
    const sql = statement.pieces
      .map((piece) => {
        if (piece.kind === 'text') return piece.text;
        if (!declared.has(piece.name)) undeclared.add(piece.name);
        let index = numbered ? bindings.indexOf(piece.name) : -1;
        if (index === -1) index = bindings.push(piece.name) - 1;
        return dialect.placeholder(index + 1);
      })
      .join('');
    const marker = POSITIONAL_MARKERS[dialect.type].exec(statement.code);
    if (marker) problems.push(`the driver's own parameter marker "${marker[1]}" is not allowed: use :name placeholders`);
    const kind = statementKind(statement.code);
    if (kind.verb !== null && TRANSACTION_VERBS.has(kind.verb)) {
      problems.push(`transaction control (${kind.verb}) is not allowed: Portico runs the statements in one transaction`);
    }
    return { sql: sql.trim(), bindings, kind };
  });
  for (const name of undeclared) problems.push(`placeholder ":${name}" has no declared parameter`);
  if (statements.length === 0) problems.push('the SQL has no statement');
  return statements;
}

/** Reads and converts every declared input; name → bound value (null for an absent optional one). */
function readInputs(
  parameters: Iterable<PreparedParameter>,
  request: EngineRequest,
  dialectType: DataSourceType,
  hasBody: boolean,
): Map<string, unknown> {
  const camel = request.naming === 'camel';
  let query: Map<string, string[]> | null = null;
  let body: Record<string, unknown> | null = null;
  if (hasBody && request.body !== undefined && request.body !== null) {
    if (typeof request.body !== 'object' || Array.isArray(request.body)) {
      throw new AppError(400, 'bad_request', 'The request body must be a JSON object');
    }
    body = request.body as Record<string, unknown>;
  }
  const values = new Map<string, unknown>();
  for (const p of parameters) {
    let value: unknown;
    let present = false;
    try {
      if (p.in === 'path') {
        const raw = request.params[p.pathKey];
        if (raw !== undefined) {
          present = true;
          value = fromText(p.type, raw);
        }
      } else if (p.in === 'query') {
        if (query === null) {
          query = new Map();
          for (const [key, v] of request.query) {
            const list = query.get(key);
            if (list) list.push(v);
            else query.set(key, [v]);
          }
        }
        const raw = query.get(p.name) ?? (camel ? query.get(p.camel) : undefined);
        if (raw !== undefined) {
          present = true;
          value = fromQueryValues(p.type, raw);
        }
      } else if (body !== null) {
        const key = Object.hasOwn(body, p.name) ? p.name : camel && Object.hasOwn(body, p.camel) ? p.camel : null;
        if (key !== null) {
          const raw = body[key];
          present = raw !== undefined;
          // An explicit null is a value (NULL) for an optional input, a missing one for a required input.
          if (raw === null && p.required) present = false;
          else if (raw !== null && raw !== undefined) value = fromJson(p.type, raw);
        }
      }
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      throw new AppError(400, 'invalid_value', `Invalid value for parameter ${where(p)}: expected ${expected(p.type)}`, {
        parameter: p.name,
        in: p.in,
      });
    }
    if (!present) {
      if (p.defaultValue !== undefined) {
        values.set(p.name, p.defaultValue);
        continue;
      }
      if (p.required) {
        throw new AppError(400, 'missing_parameter', `Missing required parameter ${where(p)}`, {
          parameter: p.name,
          in: p.in,
        });
      }
    }
    values.set(p.name, bindValue(p.type, value ?? null, dialectType));
  }
  return values;
}

/** Renames result columns: `x-am-column-name` first, then camelCase when asked. */
export function renameRows(
  rows: Record<string, unknown>[],
  columnMap: Readonly<Record<string, string>>,
  naming: Naming,
): Record<string, unknown>[] {
  const first = rows[0];
  if (first === undefined) return rows;
  const renames = new Map<string, string>();
  let changed = false;
  const rename = (column: string): string => {
    let name = renames.get(column);
    if (name === undefined) {
      const mapped = Object.hasOwn(columnMap, column) ? (columnMap[column] as string) : column;
      name = naming === 'camel' ? toCamel(mapped) : mapped;
      renames.set(column, name);
      if (name !== column) changed = true;
    }
    return name;
  };
  for (const column of Object.keys(first)) rename(column);
  if (!changed) return rows;
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [rename(k), v])));
}

function analyse(op: CustomOperationModel, dialect: Dialect) {
  const problems: string[] = [];
  const route = routePath(op.path);
  const parameters = prepareParameters(op, route.params, dialect.type, problems);
  const statements = prepareStatements(op, dialect, parameters, problems);
  return { problems, route, parameters, statements };
}

/**
 * Everything `prepareCustomOperation` would refuse, as sentences (empty: it prepares). For the importer, to
 * report these with the document's paths instead of failing later.
 */
export function customOperationProblems(op: CustomOperationModel, dialect: Dialect): string[] {
  return analyse(op, dialect).problems;
}

/**
 * Prepares a custom-SQL operation for `dialect`. Throws an Error listing every problem (undeclared
 * placeholder, path parameter not in the path, body parameter on GET/DELETE, bad default, transaction
 * control in the SQL) — the importer checks the same, so this guards against a model built elsewhere.
 */
export function prepareCustomOperation(op: CustomOperationModel, dialect: Dialect): EngineRoute {
  const { problems, route, parameters, statements } = analyse(op, dialect);
  if (problems.length > 0) {
    throw new Error(`Custom SQL operation "${op.id}" (${op.method} ${op.path}): ${problems.join('; ')}`);
  }
  const dialectType = dialect.type;
  const hasBody = BODY_METHODS.has(op.method);
  const inTransaction = statements.length > 1 || statements.some((s) => s.kind.writes);
  const last = statements[statements.length - 1] as PreparedStatement;
  const columnMap = { ...op.columnMap };

  const execute = async (session: Session, inputs: Map<string, unknown>): Promise<{ rows: QueryResult | null; affected: number }> => {
    let affected = 0;
    let result: QueryResult | null = null;
    for (const statement of statements) {
      result = await session.query(statement.sql, statement.bindings.map((name) => inputs.get(name) ?? null));
      if (!statement.kind.returnsRows) affected += result.rowCount;
    }
    return { rows: result, affected };
  };

  return {
    method: op.method,
    path: route.path,
    datasource: op.datasource,
    summary: op.description?.split('\n')[0]?.trim() || `Custom SQL operation ${op.id}`,
    runnable: {
      async run(request: EngineRequest, ctx: EngineContext): Promise<EngineResponse> {
        const inputs = readInputs(parameters.values(), request, dialectType, hasBody);
        let outcome: { rows: QueryResult | null; affected: number };
        try {
          outcome = inTransaction
            ? await ctx.pool.transaction((session) => execute(session, inputs))
            : await execute(ctx.pool, inputs);
        } catch (err) {
          if (err instanceof AppError) throw err;
          const classified = ctx.dialect.classifyError(err);
          throw new AppError(classified.status, classified.code, classified.message);
        }
        if (!last.kind.returnsRows) return { status: 200, body: { affected: outcome.affected } };
        let rows = outcome.rows?.rows ?? [];
        let headers: Record<string, string> | undefined;
        if (rows.length > ctx.maxRows) {
          rows = rows.slice(0, ctx.maxRows);
          headers = { [TRUNCATED_HEADER]: 'true' };
        }
        const body = renameRows(rows, columnMap, request.naming);
        return headers ? { status: 200, body, headers } : { status: 200, body };
      },
    },
  };
}
