/**
 * The one error handler and the 404 handler: every failure leaves as
 * `{"success": false, "message", "code", "data": []}` with the right status. Unknown errors become a 500
 * that says nothing about their cause; the log has the details.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, errorBody } from '../errors.ts';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** `body/port` + ajv's message → `body.port must be integer`; a missing field is named as such. */
export function describeValidation(context: string, issues: ValidationIssue[]): { message: string; fields: object[] } {
  const fields = issues.map((issue) => {
    const segments = (issue.instancePath ?? '').split('/').filter(Boolean);
    if (issue.keyword === 'required' && typeof issue.params?.missingProperty === 'string') {
      segments.push(issue.params.missingProperty);
      return { field: [context, ...segments].join('.'), message: 'is required' };
    }
    if (issue.keyword === 'additionalProperties' && typeof issue.params?.additionalProperty === 'string') {
      segments.push(issue.params.additionalProperty);
      return { field: [context, ...segments].join('.'), message: 'is not allowed' };
    }
    return { field: [context, ...segments].join('.'), message: issue.message ?? 'is invalid' };
  });
  const message = fields.map((f) => `${f.field} ${f.message}`).join('; ');
  return { message: `Invalid request: ${message}`, fields };
}

const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Request body is empty but JSON was declared' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Unsupported content type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', message: 'Content-Length does not match the body' },
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
    }
    if (error.validation) {
      const { message, fields } = describeValidation(error.validationContext ?? 'request', error.validation);
      return reply.status(422).send(errorBody('validation_error', message, fields));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.status(known.status).send(errorBody(known.code, known.message));
    if (error.statusCode === 429) {
      return reply.status(429).send(errorBody('rate_limited', error.message || 'Too many requests'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody('bad_request', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('internal_error', 'Internal server error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
