/**
 * Errors shared by every dialect: a thrown error that already carries its classification, and the
 * plain-English descriptions of network failures that look the same whatever the database.
 */
import type { ClassifiedError, ConnectionSettings } from './dialect.ts';

/** An error raised by Portico's own pool code (or a driver error already described), ready for users. */
export class DataSourceError extends Error {
  readonly classified: ClassifiedError;

  constructor(classified: ClassifiedError, options?: { cause?: unknown }) {
    super(classified.message, options);
    this.name = 'DataSourceError';
    this.classified = classified;
  }
}

export const GENERIC_DATABASE_ERROR = 'The database could not run the statement.';

export function classified(
  status: number,
  code: ClassifiedError['code'],
  message: string,
): ClassifiedError {
  return { status, code, message };
}

export function poolExhausted(size: number, waitedMs: number): DataSourceError {
  const plural = size === 1 ? 'connection is' : `${size} connections are`;
  return new DataSourceError(
    classified(503, 'pool_exhausted', `All ${plural} busy; no connection became free within ${waitedMs} ms.`),
  );
}

export function poolClosed(): DataSourceError {
  return new DataSourceError(classified(502, 'connection_failed', 'The connection pool of this data source is closed.'));
}

export function connectionFailed(message: string, cause?: unknown): DataSourceError {
  return new DataSourceError(classified(502, 'connection_failed', message), { cause });
}

export function connectTimedOut(settings: ConnectionSettings, defaultPort: number, ms: number): DataSourceError {
  return connectionFailed(`Connection to ${endpoint(settings, defaultPort)} timed out after ${ms} ms.`);
}

export function endpoint(settings: ConnectionSettings, defaultPort: number): string {
  return `${settings.host || 'localhost'}:${settings.port ?? defaultPort}`;
}

/** The `code` of a Node or driver error; for an AggregateError (one attempt per address) the first inner code. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, errors } = err as { code?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const innerCode = errorCode(inner);
      if (innerCode) return innerCode;
    }
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

const NETWORK_CODES = new Set([
  'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ECONNRESET', 'EPIPE', 'ECONNABORTED',
]);

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && (NETWORK_CODES.has(code) || TLS_CODES.has(code));
}

/** Describes a failure below the database protocol (DNS, TCP, TLS), or returns null. */
export function describeNetworkError(err: unknown, settings: ConnectionSettings, defaultPort: number): string | null {
  const code = errorCode(err);
  const at = endpoint(settings, defaultPort);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `Unknown host "${settings.host || 'localhost'}": the name could not be resolved.`;
    case 'ECONNREFUSED':
      return `Connection refused at ${at}: no database server is listening there.`;
    case 'ETIMEDOUT':
      return `Connection to ${at} timed out.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Host ${at} is unreachable from this server.`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return `The server at ${at} closed the connection.`;
    default:
      if (code && TLS_CODES.has(code)) {
        return `The SSL certificate of ${at} could not be verified (${code}); use SSL mode "require" to skip verification.`;
      }
      return null;
  }
}

/** Replaces the password wherever it appears: the last guard before a message leaves the data-source layer. */
export function redactPassword(message: string, settings: ConnectionSettings): string {
  const password = settings.password;
  if (!password) return message;
  return message.split(password).join('***');
}

/** The first line of a driver message, without the password: for fallbacks that have nothing better. */
export function driverSummary(err: unknown, settings: ConnectionSettings): string {
  const firstLine = errorMessage(err).split('\n')[0]?.trim() ?? '';
  return redactPassword(firstLine.slice(0, 200), settings);
}

/** The common first step of every classifyError: our own errors and network failures. */
export function classifyCommon(err: unknown): ClassifiedError | null {
  if (err instanceof DataSourceError) return err.classified;
  if (isNetworkError(err)) return classified(502, 'connection_failed', 'The connection to the database failed.');
  return null;
}
