/**
 * `/api/v1/firewall/...`: the gateway's IP allow and deny rules. Every write is followed by `refresh()`, so
 * the rule is in force on this instance when the answer leaves; other instances follow the catalog change.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FirewallRepository } from '../catalog/firewall.ts';
import { MessageBody, Nullable, Paged, StringEnum, created, ok } from './schemas.ts';

export interface FirewallRouteDeps {
  firewall: FirewallRepository;
  /** Recompiles the gateway's firewall from the catalog. */
  refresh(): Promise<void>;
}

const Action = Type.Union([Type.Literal('allow'), Type.Literal('deny')]);
// The repository validates and normalises the block itself (400 naming `cidr`); the schema only bounds it.
const Cidr = Type.String({ minLength: 1, maxLength: 100 });
const ClientId = Type.Union([Type.Null(), Type.String({ format: 'uuid' })]);
const Description = Type.Union([Type.Null(), Type.String({ maxLength: 2000 })]);
const SortOrder = Type.Integer({ minimum: -2_147_483_647, maximum: 2_147_483_647 });

const Create = Type.Object({
  action: Action,
  cidr: Cidr,
  client_id: Type.Optional(ClientId),
  description: Type.Optional(Description),
  is_active: Type.Optional(Type.Boolean()),
  sort_order: Type.Optional(SortOrder),
});

const Update = Type.Object({
  id: Type.String({ format: 'uuid' }),
  action: Type.Optional(Action),
  cidr: Type.Optional(Cidr),
  client_id: Type.Optional(ClientId),
  description: Type.Optional(Description),
  is_active: Type.Optional(Type.Boolean()),
  sort_order: Type.Optional(SortOrder),
});

const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  action: Type.Optional(Action),
  /** A client's id: its rules; null: global rules only. */
  client_id: Type.Optional(ClientId),
  is_active: Type.Optional(Type.Boolean()),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const RuleOut = Type.Object(
  {
    id: Type.String(),
    action: StringEnum(['allow', 'deny']),
    /** Normalised, always with a prefix length (`10.0.0.0/8`, `192.168.1.7/32`). */
    cidr: Type.String(),
    /** The client (`clients.id`) the rule is for; null = every call. */
    client_id: Nullable(Type.String()),
    description: Nullable(Type.String()),
    is_active: Type.Boolean(),
    sort_order: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'FirewallRule' },
);

export function firewallRoutes(app: FastifyInstance, deps: FirewallRouteDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { firewall } = deps;
  const perm = (action: 'read' | 'create' | 'update' | 'delete', objectParam?: string) => ({
    permission: { resource: 'firewall' as const, action, ...(objectParam ? { objectParam } : {}) },
  });

  /**
   * The write has committed and is announced through the catalog, which recompiles the firewall anyway; a
   * failing local refresh is logged rather than turned into an error for a change that did happen.
   */
  const refresh = async (request: FastifyRequest) => {
    try {
      await deps.refresh();
    } catch (err) {
      request.log.warn({ err }, 'firewall refresh after a rule change failed; the catalog change will retry it');
    }
  };

  r.post('/firewall/list', { config: perm('read'), schema: { operationId: 'listFirewallRules', body: ListQuery, response: ok(Paged(RuleOut)) } }, async (request) =>
    firewall.list(request.body),
  );

  r.post('/firewall/create', { config: perm('create'), schema: { operationId: 'createFirewallRule', body: Create, response: created(RuleOut) } }, async (request, reply) => {
    const rule = await firewall.create(request.body);
    await refresh(request);
    reply.status(201);
    return rule;
  });

  r.post('/firewall/update', { config: perm('update'), schema: { operationId: 'updateFirewallRule', body: Update, response: ok(RuleOut) } }, async (request) => {
    const { id, ...patch } = request.body;
    const rule = await firewall.update(id, patch);
    await refresh(request);
    return rule;
  });

  r.delete('/firewall/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteFirewallRule', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    await firewall.delete(request.params.id);
    await refresh(request);
    return { message: 'Firewall rule deleted' };
  });

  r.get('/firewall/:id', { config: perm('read', 'id'), schema: { operationId: 'getFirewallRule', params: IdParams, response: ok(RuleOut) } }, async (request) =>
    firewall.get(request.params.id),
  );
}
