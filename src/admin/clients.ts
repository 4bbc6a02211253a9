/**
 * `/api/v1/clients/...` (pyDBAPI's routes): gateway clients. The secret appears in exactly two answers, the
 * create and the regenerate-secret one; every other answer leaves it out (only its hash is stored).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ClientRepository } from '../catalog/clients.ts';
import { SECRET_MAX_LENGTH, SECRET_MIN_LENGTH, TOKEN_EXPIRE_MAX, TOKEN_EXPIRE_MIN } from '../catalog/clients.ts';
import type { GroupRepository } from '../catalog/groups.ts';
import { Id, IdParams, MessageBody, Nullable, Page, Paged, StringEnum, created, ok } from './schemas.ts';

/** What the client and group routes need; `refresh` makes a change live in the gateway before answering. */
export interface ClientAdminDeps {
  clients: ClientRepository;
  groups: GroupRepository;
  refresh(): Promise<void>;
}

const Ids = Type.Array(Id, { maxItems: 10_000 });
const Fields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  rate_limit_per_minute: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 }))),
  max_concurrent: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
  token_expire_seconds: Type.Optional(Type.Integer({ minimum: TOKEN_EXPIRE_MIN, maximum: TOKEN_EXPIRE_MAX })),
  is_active: Type.Optional(Type.Boolean()),
  group_ids: Type.Optional(Ids),
  api_assignment_ids: Type.Optional(Ids),
  module_ids: Type.Optional(Ids),
};
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Create = Type.Object({
  name: Name,
  client_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._~-]{3,128}$' })),
  client_secret: Type.Optional(Type.String({ minLength: SECRET_MIN_LENGTH, maxLength: SECRET_MAX_LENGTH })),
  ...Fields,
});
const Update = Type.Object({ id: Id, name: Type.Optional(Name), ...Fields });
const List = Type.Object({
  ...Page,
  name__ilike: Type.Optional(Type.String({ maxLength: 255 })),
  is_active: Type.Optional(Type.Boolean()),
});
const Regenerate = Type.Object({ id: Id });

const ClientOut = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    /** The public identifier the application sends. */
    client_id: Type.String(),
    description: Nullable(Type.String()),
    /** Null = the gateway default. */
    rate_limit_per_minute: Nullable(Type.Integer()),
    /** Null = the gateway default. */
    max_concurrent: Nullable(Type.Integer()),
    token_expire_seconds: Type.Integer(),
    is_active: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'Client' },
);
/** Why a client may call something: its own grant or an active group's, naming an endpoint or a module. */
const GrantSourceOut = Type.Object(
  {
    kind: StringEnum(['direct', 'group']),
    group_id: Nullable(Type.String()),
    group_name: Nullable(Type.String()),
    scope: StringEnum(['endpoint', 'module']),
  },
  { title: 'GrantSource' },
);
const EffectiveEndpointOut = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    http_method: Type.String(),
    /** Relative to the module prefix. */
    path: Type.String(),
    module_id: Type.String(),
    module: Type.String(),
    via: Type.Array(GrantSourceOut),
  },
  { title: 'EffectiveEndpoint' },
);
const EffectiveModuleOut = Type.Object(
  { id: Type.String(), name: Type.String(), path_prefix: Type.String(), via: Type.Array(GrantSourceOut) },
  { title: 'EffectiveModule' },
);
const clientDetail = {
  ...ClientOut.properties,
  group_ids: Type.Array(Type.String()),
  /** Direct grants. */
  api_assignment_ids: Type.Array(Type.String()),
  module_ids: Type.Array(Type.String()),
  /** Endpoints the client may call: granted directly, through an active group, or through a module grant. */
  effective_endpoints: Type.Array(EffectiveEndpointOut),
  effective_modules: Type.Array(EffectiveModuleOut),
};
const ClientDetailOut = Type.Object(clientDetail, { title: 'ClientDetail' });
/** The create answer: the only one besides regenerate-secret that carries the secret. */
const ClientCreatedOut = Type.Object({ ...clientDetail, client_secret: Type.String() }, { title: 'ClientCreated' });
const ClientSecretOut = Type.Object(
  { id: Type.String(), client_id: Type.String(), client_secret: Type.String() },
  { title: 'ClientSecret' },
);

export function clientRoutes(app: FastifyInstance, deps: ClientAdminDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { clients } = deps;
  const perm = (action: 'read' | 'create' | 'update' | 'delete', objectParam?: string) => ({
    permission: { resource: 'client' as const, action, ...(objectParam ? { objectParam } : {}) },
  });

  r.post('/clients/list', { config: perm('read'), schema: { operationId: 'listClients', body: List, response: ok(Paged(ClientOut)) } }, async (request) => clients.list(request.body));

  r.post('/clients/create', { config: perm('create'), schema: { operationId: 'createClient', body: Create, response: created(ClientCreatedOut) } }, async (request, reply) => {
    const created = await clients.create(request.body);
    await deps.refresh();
    reply.status(201).header('cache-control', 'no-store');
    return created;
  });

  r.post('/clients/update', { config: perm('update'), schema: { operationId: 'updateClient', body: Update, response: ok(ClientDetailOut) } }, async (request) => {
    const { id, ...patch } = request.body;
    const updated = await clients.update(id, patch);
    await deps.refresh();
    return updated;
  });

  r.post('/clients/regenerate-secret', { config: perm('update'), schema: { operationId: 'regenerateClientSecret', body: Regenerate, response: ok(ClientSecretOut) } }, async (request, reply) => {
    const result = await clients.regenerateSecret(request.body.id);
    await deps.refresh();
    reply.header('cache-control', 'no-store');
    return result;
  });

  r.delete('/clients/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteClient', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    await clients.delete(request.params.id);
    await deps.refresh();
    return { message: 'Client deleted' };
  });

  r.get('/clients/:id', { config: perm('read', 'id'), schema: { operationId: 'getClient', params: IdParams, response: ok(ClientDetailOut) } }, async (request) =>
    clients.get(request.params.id),
  );
}
