/** SQLite errors → ClassifiedError. SQLite's constraint messages name columns, never values. */
import type { ClassifiedError, ConnectionSettings } from '../dialect.ts';
import {
  DataSourceError, GENERIC_DATABASE_ERROR, classified, classifyCommon, driverSummary, errorCode, errorMessage,
  redactPassword,
} from '../errors.ts';

/** What follows "UNIQUE constraint failed: " and the like: `album.title` or `genre.name, genre.version`. */
function subject(message: string): string | null {
  return /constraint failed: (.+)$/.exec(message)?.[1]?.trim() ?? null;
}

export function classifySqliteError(err: unknown): ClassifiedError {
  const common = classifyCommon(err);
  if (common) return common;
  const code = errorCode(err) ?? '';
  const message = errorMessage(err);
  const what = subject(message);
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return classified(409, 'unique_violation',
        `Duplicate value violates the unique constraint${what ? ` on ${what}` : ''}.`);
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return classified(409, 'foreign_key_violation',
        'Foreign key constraint is violated: the referenced row does not exist, or the row is still referenced.');
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return classified(400, 'not_null_violation', `Column${what ? ` "${what}"` : ''} may not be null.`);
    case 'SQLITE_CONSTRAINT_CHECK':
      return classified(400, 'check_violation', `The value violates check constraint${what ? ` "${what}"` : ''}.`);
    case 'SQLITE_MISMATCH':
    case 'SQLITE_TOOBIG':
      return classified(400, 'invalid_input', 'Invalid input value: it does not fit the column.');
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return classified(503, 'pool_exhausted', 'The SQLite database is locked by another writer; try again.');
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return classified(502, 'connection_failed', 'The SQLite database file could not be opened.');
    case 'SQLITE_READONLY':
      return classified(500, 'database_error', 'The SQLite database is open read-only.');
    default:
      break;
  }
  if (code === 'SQLITE_ERROR' && /^(no such (table|column|function)|near ".*": syntax error|incomplete input|ambiguous column)/.test(message)) {
    return classified(400, 'invalid_statement', `Invalid SQL: ${message}.`);
  }
  if (err instanceof TypeError && /can only bind/i.test(message)) {
    return classified(400, 'invalid_input', 'Invalid input value: SQLite cannot store a value of this type.');
  }
  return classified(500, 'database_error', GENERIC_DATABASE_ERROR);
}

export function describeSqliteConnectError(err: unknown, settings: ConnectionSettings): string {
  if (err instanceof DataSourceError) return redactPassword(err.message, settings);
  const path = settings.database;
  const code = errorCode(err);
  const message = errorMessage(err);
  let text: string;
  if (code === 'SQLITE_CANTOPEN' || message.includes('directory does not exist')) {
    text = `SQLite file not found: ${path}.`;
  } else if (code === 'SQLITE_NOTADB') {
    text = `The file ${path} is not a SQLite database.`;
  } else if (code === 'SQLITE_CORRUPT') {
    text = `The SQLite database ${path} is corrupt.`;
  } else if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    text = `The SQLite database ${path} is locked by another process.`;
  } else {
    text = `Could not open the SQLite database ${path}: ${driverSummary(err, settings)}`;
  }
  return redactPassword(text, settings);
}
