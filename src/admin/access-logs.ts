/** `/api/v1/access-logs/...`: pyDBAPI's access-record list with its filters, and one record in full. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AccessLogRepository } from '../catalog/access-logs.ts';

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

const permission = { resource: 'access_log' as const, action: 'read' as const };

export function accessLogRoutes(app: FastifyInstance, deps: { accessLogs: AccessLogRepository }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/access-logs/list', { config: { permission }, schema: { body: ListBody } }, async (request) =>
    deps.accessLogs.list(request.body),
  );

  r.get('/access-logs/:id', { config: { permission }, schema: { params: IdParams } }, async (request) =>
    deps.accessLogs.get(request.params.id),
  );
}
