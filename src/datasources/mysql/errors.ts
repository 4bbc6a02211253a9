/**
 * MySQL / MariaDB errors → ClassifiedError. The server's messages quote the offending values ("Duplicate
 * entry 'x' for key ..."), so only names (key, constraint, column) are taken from them.
 */
import type { ClassifiedError, ConnectionSettings } from '../dialect.ts';
import {
  DataSourceError, GENERIC_DATABASE_ERROR, classified, classifyCommon, describeNetworkError, driverSummary,
  endpoint, errorCode, errorMessage, redactPassword,
} from '../errors.ts';
import { MYSQL_DEFAULT_PORT } from './pool.ts';

function errno(err: unknown): number | undefined {
  const value = (err as { errno?: unknown } | null)?.errno;
  return typeof value === 'number' ? value : undefined;
}

/** The last part of a possibly qualified, quoted name: `db`.`t`.`c` → c, 'album.PRIMARY' → PRIMARY. */
function lastName(qualified: string): string {
  const parts = qualified.match(/`(?:[^`]|``)+`|[^.`]+/g) ?? [qualified];
  const last = parts[parts.length - 1] ?? qualified;
  return last.startsWith('`') ? last.slice(1, -1).replaceAll('``', '`') : last;
}

function capture(message: string, pattern: RegExp): string | undefined {
  const found = pattern.exec(message)?.[1];
  return found === undefined ? undefined : lastName(found);
}

const quoted = (name: string | undefined): string => (name ? ` "${name}"` : '');

/**
 * The column named at the end of a value error ("Incorrect integer value: '…' for column `db`.`t`.`c` at
 * row 1"). The greedy prefix takes the last match, so a value that itself contains "column `x`" cannot
 * choose the name.
 */
const COLUMN = /[^]*column ((?:`(?:[^`]|``)+`\.?)+|'[^']+')/i;
const columnIn = (message: string): string | undefined => capture(message, COLUMN)?.replace(/^'|'$/g, '');

const UNIQUE = new Set([1062, 1586]);
const FOREIGN_KEY = new Set([1451, 1452, 1216, 1217]);
const NOT_NULL = new Set([1048, 1364]);
const CHECK = new Set([3819, 4025]);
const TIMEOUT = new Set([3024, 1969]);
const CONNECTION = new Set([1040, 1044, 1045, 1049, 1053, 1129, 1130, 1152, 1153, 1698, 1927, 2002, 2003, 2006, 2013]);

function invalidInput(code: number, message: string): ClassifiedError | null {
  const column = quoted(columnIn(message));
  switch (code) {
    case 1406:
      return classified(400, 'invalid_input', `Value too long for column${column}.`);
    case 1264:
    case 1690:
      return classified(400, 'invalid_input', `Numeric value out of range for column${column}.`);
    case 1292:
    case 1366:
    case 1265:
    case 1367:
    case 1411:
    case 3140:
    case 4078:
      return classified(400, 'invalid_input', `Invalid input value${column ? ` for column${column}` : ''}.`);
    default:
      return null;
  }
}

/** The statement's own fault: syntax (1064, 1149), unknown table (1146, 1051), column (1054), function (1305, 1630). */
const INVALID_STATEMENT = new Set([1064, 1149, 1146, 1051, 1054, 1052, 1305, 1630, 1064, 1248, 1241]);

export function classifyMysqlError(err: unknown): ClassifiedError {
  const common = classifyCommon(err);
  if (common) return common;
  const code = errno(err) ?? 0;
  const message = errorMessage(err);
  if (UNIQUE.has(code)) {
    return classified(409, 'unique_violation',
      `Duplicate value violates unique constraint${quoted(capture(message, /[^]*for key '([^']+)'/))}.`);
  }
  if (FOREIGN_KEY.has(code)) {
    const constraint = quoted(capture(message, /CONSTRAINT (`(?:[^`]|``)+`)/));
    if (code === 1451 || code === 1217) {
      const table = quoted(capture(message, /fails \(((?:`(?:[^`]|``)+`\.?)+),/));
      return classified(409, 'foreign_key_violation',
        `The row is still referenced from table${table} (foreign key constraint${constraint}).`);
    }
    return classified(409, 'foreign_key_violation',
      `Foreign key constraint${constraint} is violated: the referenced row does not exist.`);
  }
  if (NOT_NULL.has(code)) {
    const column = quoted(capture(message, /(?:Column|Field) '([^']+)'/));
    return classified(400, 'not_null_violation', `Column${column} may not be null.`);
  }
  if (CHECK.has(code)) {
    const constraint = quoted(capture(message, /Check constraint '([^']+)'/) ?? capture(message, /CONSTRAINT (`(?:[^`]|``)+`)/));
    return classified(400, 'check_violation', `The value violates check constraint${constraint}.`);
  }
  if (TIMEOUT.has(code)) {
    return classified(504, 'statement_timeout', 'The statement was cancelled: it ran longer than the statement timeout.');
  }
  const invalid = invalidInput(code, message);
  if (invalid) return invalid;
  const fatal = (err as { fatal?: unknown } | null)?.fatal === true;
  if (CONNECTION.has(code) || fatal || errorCode(err) === 'PROTOCOL_CONNECTION_LOST') {
    return classified(502, 'connection_failed', 'The connection to the database failed.');
  }
  if (code === 1142 || code === 1143) {
    return classified(500, 'database_error', 'The database user lacks a permission this statement needs.');
  }
  if (INVALID_STATEMENT.has(code)) return classified(400, 'invalid_statement', `Invalid SQL: ${message.replace(/\s+/g, ' ').slice(0, 300)}.`);
  return classified(500, 'database_error', GENERIC_DATABASE_ERROR);
}

export function describeMysqlConnectError(err: unknown, settings: ConnectionSettings): string {
  if (err instanceof DataSourceError) return redactPassword(err.message, settings);
  const network = describeNetworkError(err, settings, MYSQL_DEFAULT_PORT);
  if (network) return redactPassword(network, settings);
  const at = endpoint(settings, MYSQL_DEFAULT_PORT);
  const user = settings.username ?? '';
  let text: string;
  switch (errno(err)) {
    case 1045:
      text = `Authentication failed for user "${user}": wrong password, or the user may not connect from this host.`;
      break;
    case 1698:
      text = `Access denied for user "${user}": no such user, or it may not connect from this host.`;
      break;
    case 1049:
      text = `Unknown database "${settings.database}" on ${at}.`;
      break;
    case 1044:
      text = `User "${user}" may not use database "${settings.database}".`;
      break;
    case 1040:
      text = `The server at ${at} has too many connections.`;
      break;
    case 1129:
    case 1130:
      text = `The server at ${at} does not accept connections from this host.`;
      break;
    default:
      if (errorCode(err) === 'HANDSHAKE_NO_SSL_SUPPORT') {
        text = `The server at ${at} does not accept SSL connections; use SSL mode "disable" or "prefer".`;
      } else {
        text = `Could not connect to ${at}: ${driverSummary(err, settings)}`;
      }
  }
  return redactPassword(text, settings);
}
