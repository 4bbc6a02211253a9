/**
 * Turns the server's error body `{message, code, details?}` into what a page shows: a toast text and, for
 * validation errors (`details: [{field: "body.port", message: "must be integer"}]`), one message per form field.
 */

export interface ErrorBody {
  message: string;
  code: string;
  details?: unknown;
}

/** What every failed `api` call throws (via `unwrap`) and what `useMutation`'s `onError` receives. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, body: Partial<ErrorBody> | undefined) {
    super(body?.message || statusText(status));
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code ?? (status === 0 ? 'network_error' : 'unknown_error');
    this.details = body?.details;
  }
}

function statusText(status: number): string {
  if (status === 0) return 'Portico cannot be reached; check that the server is running';
  if (status === 403) return 'You do not have permission to do this';
  if (status === 404) return 'Not found';
  if (status >= 500) return 'The server failed; try again, and check the server log if it persists';
  return `Request failed (${status})`;
}

/** A readable message for any thrown value (toasts, error states). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Something went wrong';
}

export type FieldErrors = Record<string, string>;

/**
 * Per-field messages from a failed call. `body.port` → `port`; nested paths keep their dots
 * (`body.params.0.name` → `params.0.name`). When `fields` is given, a 409/400 whose message names one of them
 * (`A module named "x" already exists` → `name`) is attached to that field too, so the form can show it in place.
 */
export function fieldErrors(error: unknown, fields?: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ApiError)) return out;
  if (Array.isArray(error.details)) {
    for (const item of error.details) {
      if (!item || typeof item !== 'object') continue;
      const { field, message } = item as { field?: unknown; message?: unknown };
      if (typeof field !== 'string') continue;
      const key = field.replace(/^(body|querystring|params|headers)\./, '');
      const name = key.split('.')[0] ?? key;
      out[key] ??= `${humanize(name)} ${typeof message === 'string' ? message : 'is invalid'}`;
      if (key !== name) out[name] ??= out[key]!;
    }
  }
  if (fields && Object.keys(out).length === 0 && (error.status === 400 || error.status === 409)) {
    const lower = error.message.toLowerCase();
    const hit = fields.find((f) => new RegExp(`\\b${f.replace(/_/g, '[ _]')}(d|s)?\\b`).test(lower));
    if (hit) out[hit] = error.message;
  }
  return out;
}

function humanize(field: string): string {
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
