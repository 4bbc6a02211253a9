/**
 * `/api/v1/roles/...`: roles with their permission matrix (resource type × action, global or for one object).
 * A caller who is not a superuser can only grant or take away permissions they hold themselves, so the role
 * API cannot be used to climb above one's own rights.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { ACTIONS, RESOURCE_TYPES, grantKey, type Principal } from '../auth/permissions.ts';
import { RoleRepository, checkPermissions, type RolePermission } from '../catalog/roles.ts';
import { forbidden } from '../errors.ts';
import { Id, IdParams, Page, Paged, StringEnum, created, ok } from './schemas.ts';

/** Null first: with Fastify's type coercion, `Nullable` (string first) would turn a sent null into "". */
export const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);

const Name = Type.String({ minLength: 1, maxLength: 255 });
const Description = OrNull(Type.String({ maxLength: 2000 }));
// Strings here, checked against RESOURCE_TYPES / ACTIONS by the repository so a 400 can name the bad value.
const PermissionSchema = Type.Object(
  {
    resource_type: Type.String({ minLength: 1, maxLength: 64 }),
    action: Type.String({ minLength: 1, maxLength: 64 }),
    resource_id: Type.Optional(OrNull(Id)),
  },
  { additionalProperties: false },
);
const Permissions = Type.Array(PermissionSchema, { maxItems: 5000 });
const Create = Type.Object({ name: Name, description: Type.Optional(Description), permissions: Type.Optional(Permissions) });
const Update = Type.Object({
  id: Id,
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  permissions: Type.Optional(Permissions),
});
const List = Type.Object({ ...Page, name__ilike: Type.Optional(Type.String({ maxLength: 255 })) });

const RoleOut = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: OrNull(Type.String()),
    is_system: Type.Boolean(),
    user_count: Type.Integer(),
    created_at: Type.String(),
  },
  { title: 'Role' },
);
const RolePermissionOut = Type.Object(
  { resource_type: StringEnum(RESOURCE_TYPES), action: StringEnum(ACTIONS), resource_id: OrNull(Type.String()) },
  { title: 'RolePermission' },
);
const RoleDetailOut = Type.Object({ ...RoleOut.properties, permissions: Type.Array(RolePermissionOut) }, { title: 'RoleDetail' });
const PermissionMatrix = Type.Object(
  { resource_types: Type.Array(StringEnum(RESOURCE_TYPES)), actions: Type.Array(StringEnum(ACTIONS)) },
  { title: 'PermissionMatrix' },
);
const RoleDeleted = Type.Object({ message: Type.String(), unassigned: Type.Integer() });

const describe = (p: RolePermission): string => `${p.resource_type}.${p.action}${p.resource_id ? ` on ${p.resource_id}` : ''}`;

function holds(principal: Principal, p: RolePermission): boolean {
  if (principal.isSuperuser) return true;
  if (principal.grants.has(grantKey(p.resource_type, p.action, null))) return true;
  return p.resource_id !== null && principal.grants.has(grantKey(p.resource_type, p.action, p.resource_id));
}

/** 403 unless the caller holds every permission in `permissions` (a superuser holds all). */
export function assertMayGrant(principal: Principal, permissions: readonly RolePermission[], what: string): void {
  const missing = permissions.find((p) => !holds(principal, p));
  if (missing) throw forbidden(`Not allowed to ${what}: it involves ${describe(missing)}, which you do not hold`);
}

/** The permissions in one list and not the other, either way. */
function changedPermissions(before: readonly RolePermission[], after: readonly RolePermission[]): RolePermission[] {
  const key = (p: RolePermission) => grantKey(p.resource_type, p.action, p.resource_id);
  const a = new Set(before.map(key));
  const b = new Set(after.map(key));
  return [...before.filter((p) => !b.has(key(p))), ...after.filter((p) => !a.has(key(p)))];
}

export function roleRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const roles = new RoleRepository(services.catalog);
  const perm = (action: 'read' | 'create' | 'update' | 'delete', objectParam?: string) => ({
    permission: { resource: 'role' as const, action, ...(objectParam ? { objectParam } : {}) },
  });

  r.get('/roles/permission-matrix', { config: perm('read'), schema: { operationId: 'getPermissionMatrix', response: ok(PermissionMatrix) } }, async () => ({
    resource_types: [...RESOURCE_TYPES],
    actions: [...ACTIONS],
  }));

  r.post('/roles/list', { config: perm('read'), schema: { operationId: 'listRoles', body: List, response: ok(Paged(RoleOut)) } }, async (request) => roles.list(request.body));

  r.post('/roles/create', { config: perm('create'), schema: { operationId: 'createRole', body: Create, response: created(RoleDetailOut) } }, async (request, reply) => {
    assertMayGrant(request.principal!, checkPermissions(request.body.permissions ?? []), 'create this role');
    const created = await roles.create(request.body);
    reply.status(201);
    return created;
  });

  r.post('/roles/update', { config: perm('update'), schema: { operationId: 'updateRole', body: Update, response: ok(RoleDetailOut) } }, async (request) => {
    const { id, ...patch } = request.body;
    if (patch.permissions !== undefined) {
      const current = await roles.get(id);
      const changed = changedPermissions(current.permissions, checkPermissions(patch.permissions));
      assertMayGrant(request.principal!, changed, `change the permissions of ${current.name}`);
    }
    return roles.update(id, patch);
  });

  r.delete('/roles/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteRole', params: IdParams, response: ok(RoleDeleted) } }, async (request) => {
    const role = await roles.get(request.params.id);
    if (!role.is_system) assertMayGrant(request.principal!, role.permissions, `delete ${role.name}`);
    const { unassigned } = await roles.delete(request.params.id);
    return { message: `Role deleted; removed from ${unassigned} user(s)`, unassigned };
  });

  r.get('/roles/:id', { config: perm('read', 'id'), schema: { operationId: 'getRole', params: IdParams, response: ok(RoleDetailOut) } }, async (request) =>
    roles.get(request.params.id),
  );
}
