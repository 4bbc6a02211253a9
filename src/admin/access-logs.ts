/** `/api/v1/access-logs/...`: pyDBAPI's access-record list with its filters, and one record in full. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AccessLogRepository } from '../catalog/access-logs.ts';
import { Nullable, Paged, ok } from './schemas.ts';

const Text = Type.String({ minLength: 1, maxLength: 255 });

const ListBody = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  endpoint_id: Type.Optional(Text),
  module_id: Type.Optional(Text),
  group_id: Type.Optional(Text),
  client_id: Type.Optional(Text),
  /** Case-insensitive "contains". */
  path: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  method: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  ip: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** ISO-8601 times; `to` is inclusive. */
  from: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** success = status < 400; fail = status >= 400. */
  status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('fail')])),
  status_code: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** One gateway outcome as lists show it (no headers or body). */
export const AccessLogOut = Type.Object(
  {
    id: Type.String(),
    created_at: Type.String(),
    endpoint_id: Nullable(Type.String()),
    /** The endpoint's current name, when it still exists. */
    endpoint_name: Nullable(Type.String()),
    endpoint_version: Nullable(Type.Integer()),
    module_id: Nullable(Type.String()),
    /** The module's current name, when it still exists. */
    module_name: Nullable(Type.String()),
    client_id: Nullable(Type.String()),
    client_name: Nullable(Type.String()),
    ip: Type.String(),
    method: Type.String(),
    path: Type.String(),
    status: Type.Integer(),
    success: Type.Boolean(),
    duration_ms: Type.Number(),
    /** The request's parameters as recorded (any JSON). */
    params: Type.Unknown(),
    request_id: Type.String(),
    error_code: Nullable(Type.String()),
  },
  { title: 'AccessLog' },
);
const AccessLogDetailOut = Type.Object(
  {
    ...AccessLogOut.properties,
    /** Request headers, secrets redacted. */
    headers: Type.Record(Type.String(), Type.String()),
    body: Nullable(Type.String()),
  },
  { title: 'AccessLogDetail' },
);

const permission = { resource: 'access_log' as const, action: 'read' as const };

export function accessLogRoutes(app: FastifyInstance, deps: { accessLogs: AccessLogRepository }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/access-logs/list', { config: { permission }, schema: { operationId: 'listAccessLogs', body: ListBody, response: ok(Paged(AccessLogOut)) } }, async (request) =>
    deps.accessLogs.list(request.body),
  );

  r.get('/access-logs/:id', { config: { permission }, schema: { operationId: 'getAccessLog', params: IdParams, response: ok(AccessLogDetailOut) } }, async (request) =>
    deps.accessLogs.get(request.params.id),
  );
}
