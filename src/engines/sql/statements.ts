/**
 * From rendered template text to statements with bound values: the text is split into statements with the
 * dialect-aware scanner (quotes, dollar quotes, comments), and in each statement every value marker becomes
 * the dialect's placeholder, numbered from 1 per statement, its value appended to that statement's list.
 *
 * Refused with a 400, because the database would not do what the template seems to say:
 * - a `{{ }}` value inside a quoted string or a comment (it would be text, not a parameter: use `sql_like`,
 *   or bind the whole string);
 * - the driver's own parameter markers (`$1`, `?`, `:name`) outside literals: they would take our values;
 * - transaction control (BEGIN, COMMIT, …): the statements of one endpoint run in one transaction.
 */
import type { DataSourceType, Dialect } from '../../datasources/dialect.ts';
import { statementKind } from '../table/custom-sql.ts';
import { splitStatements } from '../table/custom-sql-scan.ts';
import { LIMITS, MARK, MARKER_PATTERN, templateError } from './fragment.ts';
import type { RenderedSql, RenderedStatement } from './types.ts';

const NOT_IDENT = '(?<![A-Za-z0-9_$\\u0080-\\uffff])';

const DRIVER_MARKERS: Record<DataSourceType, RegExp> = {
  postgres: new RegExp(`${NOT_IDENT}(\\$\\d+)`),
  mysql: /(\?)/,
  sqlite: new RegExp(`(\\?\\d*|${NOT_IDENT}[:@$][A-Za-z_][A-Za-z0-9_]*)`),
};

const TRANSACTION_VERBS = new Set(['BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'END', 'ABORT']);

function statementText(pieces: ReturnType<typeof splitStatements>[number]['pieces']): string {
  return pieces.map((piece) => (piece.kind === 'text' ? piece.text : `:${piece.name}`)).join('');
}

/** Splits rendered text into statements and turns value markers into placeholders. */
export function finishRender(text: string, values: readonly unknown[], dialect: Dialect): RenderedSql {
  if (text.length > LIMITS.maxSqlLength) {
    throw templateError(`The rendered SQL is longer than ${LIMITS.maxSqlLength.toLocaleString('en')} characters.`);
  }
  const statements: RenderedStatement[] = [];
  for (const scanned of splitStatements(text, dialect.type)) {
    const n = statements.length + 1;
    const sql = statementText(scanned.pieces);
    const { code } = scanned;
    const driverMarker = DRIVER_MARKERS[dialect.type].exec(code);
    if (driverMarker) {
      throw templateError(
        `Statement ${n} contains "${driverMarker[1]}", the database driver's own parameter marker; pass values with {{ }}.`,
        { statement: n },
      );
    }
    const verb = statementKind(code).verb;
    if (verb !== null && TRANSACTION_VERBS.has(verb)) {
      throw templateError(
        `Statement ${n} is transaction control (${verb}); the statements of an endpoint already run in one transaction.`,
        { statement: n },
      );
    }
    const bound: unknown[] = [];
    let out = '';
    let last = 0;
    for (const match of sql.matchAll(MARKER_PATTERN)) {
      const at = match.index;
      if (code[at] !== MARK) {
        throw templateError(
          `Statement ${n}: a {{ }} value is inside a quoted string or a comment, where it cannot be a parameter. ` +
            'Bind the whole value instead (for LIKE patterns use sql_like).',
          { statement: n },
        );
      }
      const index = Number(match[1]);
      if (index >= values.length) throw templateError('The rendered SQL refers to an unknown value.');
      bound.push(values[index]);
      out += sql.slice(last, at) + dialect.placeholder(bound.length);
      last = at + match[0].length;
    }
    out += sql.slice(last);
    if (out.includes(MARK)) throw templateError(`Statement ${n} contains a NUL character.`, { statement: n });
    statements.push({ sql: out.trim(), values: bound });
  }
  if (statements.length === 0) throw templateError('The template rendered no SQL statement.');
  return { statements };
}
