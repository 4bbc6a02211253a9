/**
 * PostgreSQL errors → ClassifiedError. Messages are built from the error's structured fields (constraint,
 * table, column), never from `detail`, which quotes the offending values.
 */
import type { ClassifiedError, ConnectionSettings } from '../dialect.ts';
import {
  DataSourceError, GENERIC_DATABASE_ERROR, classified, classifyCommon, describeNetworkError, driverSummary,
  endpoint, errorMessage, redactPassword,
} from '../errors.ts';
import { POSTGRES_DEFAULT_PORT } from './pool.ts';

interface PgError {
  code?: string;
  message?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

function fields(err: unknown): PgError {
  return typeof err === 'object' && err !== null ? (err as PgError) : {};
}

const quoted = (name: string | undefined): string => (name ? ` "${name}"` : '');

/** The type named in "invalid input syntax for type integer: ..." (the value after the colon is dropped). */
function typeName(message: string): string | null {
  return /for type ([a-z0-9_ ()",.[\]]+?)(?::|$)/i.exec(message)?.[1]?.trim() ?? null;
}

function invalidInput(e: PgError): ClassifiedError {
  const message = e.message ?? '';
  const type = typeName(message);
  const forType = type ? ` for type ${type}` : '';
  switch (e.code) {
    case '22001':
      return classified(400, 'invalid_input', `Value too long${forType}${e.column ? ` in column "${e.column}"` : ''}.`);
    case '22003':
      return classified(400, 'invalid_input', `Numeric value out of range${forType}.`);
    case '22007':
    case '22008':
      return classified(400, 'invalid_input', `Invalid date or time value${forType}.`);
    case '22P02':
      return classified(400, 'invalid_input', `Invalid input value${forType}.`);
    case '22P05':
    case '22021':
      return classified(400, 'invalid_input', 'Invalid characters in a text value.');
    default:
      return classified(400, 'invalid_input', 'Invalid input value.');
  }
}

function foreignKey(e: PgError): ClassifiedError {
  const message = e.message ?? '';
  if (message.startsWith('update or delete')) {
    return classified(409, 'foreign_key_violation',
      `The row is still referenced from table${quoted(e.table)} (foreign key constraint${quoted(e.constraint)}).`);
  }
  return classified(409, 'foreign_key_violation',
    `Foreign key constraint${quoted(e.constraint)} is violated: the referenced row does not exist.`);
}

const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300', '28P01', '28000', '3D000']);

export function classifyPostgresError(err: unknown): ClassifiedError {
  const common = classifyCommon(err);
  if (common) return common;
  const e = fields(err);
  const code = e.code ?? '';
  switch (code) {
    case '23505':
      return classified(409, 'unique_violation', `Duplicate value violates unique constraint${quoted(e.constraint)}.`);
    case '23503':
      return foreignKey(e);
    case '23502':
      return classified(400, 'not_null_violation',
        `Column${quoted(e.column)}${e.table ? ` of table "${e.table}"` : ''} may not be null.`);
    case '23514':
      return classified(400, 'check_violation', `The value violates check constraint${quoted(e.constraint)}.`);
    case '57014':
      return classified(504, 'statement_timeout', 'The statement was cancelled: it ran longer than the statement timeout.');
    default:
      break;
  }
  if (code.startsWith('22')) return invalidInput(e);
  if (code.startsWith('08') || CONNECTION_CODES.has(code)) {
    return classified(502, 'connection_failed', 'The connection to the database failed.');
  }
  if (!code && /^Connection terminated|not queryable/.test(errorMessage(err))) {
    return classified(502, 'connection_failed', 'The connection to the database was lost.');
  }
  if (code === '42501') return classified(500, 'database_error', 'The database user lacks a permission this statement needs.');
  // Class 42 is the statement's own fault (syntax, unknown table or column): its author can fix it, and the
  // server's sentence names what is wrong without values or credentials.
  if (code.startsWith('42')) return classified(400, 'invalid_statement', `Invalid SQL: ${e.message ?? 'syntax error'}.`);
  return classified(500, 'database_error', GENERIC_DATABASE_ERROR);
}

export function describePostgresConnectError(err: unknown, settings: ConnectionSettings): string {
  if (err instanceof DataSourceError) return redactPassword(err.message, settings);
  const network = describeNetworkError(err, settings, POSTGRES_DEFAULT_PORT);
  if (network) return redactPassword(network, settings);
  const e = fields(err);
  const at = endpoint(settings, POSTGRES_DEFAULT_PORT);
  const user = settings.username ?? '';
  const message = errorMessage(err);
  let text: string;
  switch (e.code) {
    case '28P01':
      text = `Authentication failed for user "${user}": wrong password.`;
      break;
    case '28000':
      text = `The server at ${at} rejected user "${user}" (no such role, or not allowed from this host).`;
      break;
    case '3D000':
      text = `Unknown database "${settings.database}" on ${at}.`;
      break;
    case '53300':
      text = `The server at ${at} has too many connections.`;
      break;
    case '57P03':
      text = `The server at ${at} is starting up or shutting down.`;
      break;
    default:
      if (message === 'The server does not support SSL connections') {
        text = `The server at ${at} does not accept SSL connections; use SSL mode "disable" or "prefer".`;
      } else if (message.includes('password must be a string') || message.includes('client password')) {
        text = `The server at ${at} requires a password for user "${user}".`;
      } else if (message.startsWith('Connection terminated unexpectedly')) {
        text = `The server at ${at} closed the connection before it was established.`;
      } else if (message === 'timeout expired' || message.includes('connection timeout')) {
        text = `Connection to ${at} timed out.`;
      } else {
        text = `Could not connect to ${at}: ${driverSummary(err, settings)}`;
      }
  }
  return redactPassword(text, settings);
}
