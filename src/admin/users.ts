/**
 * `/api/v1/users/...`: user management (pyDBAPI's). Passwords go in (argon2id), never out. Superusers are
 * managed by superusers only; a caller who is not one can assign or take away only roles whose permissions
 * they hold themselves. Deactivating a user or setting their password ends their existing sign-ins.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import type { Principal } from '../auth/permissions.ts';
import { hashSecret } from '../auth/hashing.ts';
import { RoleRepository } from '../catalog/roles.ts';
import { badRequest, forbidden } from '../errors.ts';
import { Id, IdParams, MessageBody, Nullable, Page, Paged, created, ok } from './schemas.ts';
import { assertMayGrant, OrNull } from './roles.ts';

const Password = Type.String({ minLength: 8, maxLength: 1024 });
const Email = OrNull(Type.String({ format: 'email', maxLength: 255 }));
const FullName = OrNull(Type.String({ maxLength: 255 }));
const RoleIds = Type.Array(Id, { maxItems: 1000 });

const Create = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 255 }),
    password: Password,
    email: Type.Optional(Email),
    full_name: Type.Optional(FullName),
    is_superuser: Type.Optional(Type.Boolean()),
    is_active: Type.Optional(Type.Boolean()),
    role_ids: Type.Optional(RoleIds),
  },
  { additionalProperties: false },
);

const Update = Type.Object(
  {
    id: Id,
    email: Type.Optional(Email),
    full_name: Type.Optional(FullName),
    is_active: Type.Optional(Type.Boolean()),
    is_superuser: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
    role_ids: Type.Optional(RoleIds),
  },
  { additionalProperties: false },
);

const List = Type.Object({
  ...Page,
  username__ilike: Type.Optional(Type.String({ maxLength: 255 })),
  is_active: Type.Optional(Type.Boolean()),
});

/** A user as the API shows it (never the password hash). */
export const UserPublicOut = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    email: Nullable(Type.String()),
    full_name: Nullable(Type.String()),
    is_active: Type.Boolean(),
    is_superuser: Type.Boolean(),
    /** Role names. */
    roles: Type.Array(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'UserPublic' },
);
/** The user-management view: the public shape plus the role ids (for editing). */
const UserOut = Type.Object(
  { ...UserPublicOut.properties, role_ids: Type.Array(Type.String()) },
  { title: 'User' },
);

const onlySuperuser = (what: string) => forbidden(`Only a superuser can ${what}`);

export function userRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const users = services.users;
  const roles = new RoleRepository(services.catalog);
  const perm = (action: 'read' | 'create' | 'update' | 'delete', objectParam?: string) => ({
    permission: { resource: 'user' as const, action, ...(objectParam ? { objectParam } : {}) },
  });

  /** A caller who is not a superuser may add or remove only roles whose every permission they hold. */
  async function assertMayAssign(principal: Principal, before: readonly string[], after: readonly string[]): Promise<void> {
    if (principal.isSuperuser) return;
    const changed = [...before.filter((id) => !after.includes(id)), ...after.filter((id) => !before.includes(id))];
    // Unknown ids are left to the repository, which answers 400 naming them.
    for (const role of await roles.withPermissions([...new Set(changed)])) {
      assertMayGrant(principal, role.permissions, `assign or remove the role ${role.name}`);
    }
  }

  r.post('/users/list', { config: perm('read'), schema: { operationId: 'listUsers', body: List, response: ok(Paged(UserOut)) } }, async (request) => users.list(request.body));

  r.post('/users/create', { config: perm('create'), schema: { operationId: 'createUser', body: Create, response: created(UserOut) } }, async (request, reply) => {
    const principal = request.principal!;
    const { password, ...input } = request.body;
    if (input.is_superuser && !principal.isSuperuser) throw onlySuperuser('create a superuser');
    await assertMayAssign(principal, [], input.role_ids ?? []);
    const created = await users.createWithRoleIds({ ...input, passwordHash: await hashSecret(password) });
    reply.status(201);
    return created;
  });

  r.post('/users/update', { config: perm('update'), schema: { operationId: 'updateUser', body: Update, response: ok(UserOut) } }, async (request) => {
    const principal = request.principal!;
    const { id, password, ...patch } = request.body;
    const target = await users.adminView(id);
    if (!principal.isSuperuser) {
      if (target.is_superuser) throw onlySuperuser('change a superuser');
      if (patch.is_superuser !== undefined && patch.is_superuser !== target.is_superuser) {
        throw onlySuperuser('grant or remove superuser status');
      }
    }
    if (id === principal.userId && patch.is_active === false) throw badRequest('You cannot deactivate yourself');
    if (patch.role_ids !== undefined) await assertMayAssign(principal, target.role_ids, patch.role_ids);
    return users.modify(id, {
      ...patch,
      ...(password !== undefined ? { passwordHash: await hashSecret(password) } : {}),
    });
  });

  r.delete('/users/delete/:id', { config: perm('delete', 'id'), schema: { operationId: 'deleteUser', params: IdParams, response: ok(MessageBody) } }, async (request) => {
    const principal = request.principal!;
    const { id } = request.params;
    if (id === principal.userId) throw badRequest('You cannot delete yourself');
    const target = await users.adminView(id);
    if (target.is_superuser && !principal.isSuperuser) throw onlySuperuser('delete a superuser');
    await users.delete(id);
    return { message: 'User deleted' };
  });

  r.get('/users/:id', { config: perm('read', 'id'), schema: { operationId: 'getUser', params: IdParams, response: ok(UserOut) } }, async (request) =>
    users.adminView(request.params.id),
  );
}
