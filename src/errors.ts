/**
 * The one error type. Anything thrown with it reaches the client as
 * `{"success": false, "message", "code", "data": []}` with its status; anything else becomes a 500 whose
 * body says nothing about the cause (the log has it).
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const badRequest = (message: string, details?: unknown): AppError =>
  new AppError(400, 'bad_request', message, details);
export const notFound = (message: string): AppError => new AppError(404, 'not_found', message);
export const conflict = (message: string, details?: unknown): AppError =>
  new AppError(409, 'conflict', message, details);
export const unauthorized = (message = 'Not authenticated'): AppError =>
  new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'Not enough permissions'): AppError =>
  new AppError(403, 'forbidden', message);

export interface ErrorBody {
  success: false;
  message: string;
  code: string;
  data: [];
  details?: unknown;
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  const body: ErrorBody = { success: false, message, code, data: [] };
  if (details !== undefined) body.details = details;
  return body;
}
