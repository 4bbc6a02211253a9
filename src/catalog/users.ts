/** Administrators, their roles and the permissions those roles grant. */
import crypto from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { CatalogDatabase, UserTable } from './schema.ts';
import { containsText, paging, uniquely, type Page, type PageQuery } from './versions.ts';
import { grantKey, SYSTEM_ROLES, type Principal } from '../auth/permissions.ts';
import { badRequest, notFound } from '../errors.ts';

export type UserRow = Selectable<UserTable>;

export interface UserPublic {
  id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  is_active: boolean;
  is_superuser: boolean;
  roles: string[];
  created_at: string;
  updated_at: string;
}

/** What the user-management API shows: the public shape plus the ids of the roles (for editing). */
export interface UserAdminView extends UserPublic {
  role_ids: string[];
}

export interface UserListQuery extends PageQuery {
  username__ilike?: string;
  is_active?: boolean;
}

export interface UserAdminInput {
  username: string;
  passwordHash: string;
  email?: string | null;
  full_name?: string | null;
  is_superuser?: boolean;
  is_active?: boolean;
  role_ids?: string[];
}

export interface UserAdminPatch {
  email?: string | null;
  full_name?: string | null;
  is_active?: boolean;
  is_superuser?: boolean;
  passwordHash?: string;
  /** Replaces the user's roles when given. */
  role_ids?: string[];
}

type Trx = Transaction<CatalogDatabase>;

const uniqueIds = (ids: readonly string[]): string[] => [...new Set(ids)];

/** Refuses role ids that name no role (400, naming them). */
async function assertRolesExist(trx: Trx, roleIds: readonly string[]): Promise<void> {
  if (roleIds.length === 0) return;
  const found = await trx.selectFrom('roles').select('id').where('id', 'in', [...roleIds]).execute();
  const known = new Set(found.map((r) => r.id));
  const missing = roleIds.filter((id) => !known.has(id));
  if (missing.length > 0) throw badRequest(`role_ids: no role with id ${missing.join(', ')}`);
}

async function setRoles(trx: Trx, userId: string, roleIds: readonly string[] | undefined): Promise<void> {
  if (roleIds === undefined) return;
  const ids = uniqueIds(roleIds);
  await assertRolesExist(trx, ids);
  await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (ids.length > 0) {
    await trx.insertInto('user_roles').values(ids.map((role_id) => ({ user_id: userId, role_id }))).execute();
  }
}

/** Active superusers other than `exceptId`, read inside the write so the check and the change agree. */
async function otherActiveSuperusers(trx: Trx, exceptId: string): Promise<number> {
  const row = await trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_superuser', '=', 1)
    .where('is_active', '=', 1)
    .where('id', '!=', exceptId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A user as the API shows it: never the password hash. */
function publicShape(user: UserRow, roles: string[]): UserPublic {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    full_name: user.full_name,
    is_active: user.is_active === 1,
    is_superuser: user.is_superuser === 1,
    roles,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}

export class UserRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  byUsername(username: string): Promise<UserRow | undefined> {
    return this.#catalog.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  byId(id: string): Promise<UserRow | undefined> {
    return this.#catalog.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.#catalog.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async roleNames(userId: string): Promise<string[]> {
    const rows = await this.#catalog.db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select('roles.name')
      .where('user_roles.user_id', '=', userId)
      .orderBy('roles.name')
      .execute();
    return rows.map((r) => r.name);
  }

  async toPublic(user: UserRow): Promise<UserPublic> {
    return publicShape(user, await this.roleNames(user.id));
  }

  /** The user with every grant their roles give, or undefined when absent or inactive. */
  async principal(userId: string): Promise<(Principal & { user: UserRow }) | undefined> {
    const user = await this.byId(userId);
    if (!user || user.is_active !== 1) return undefined;
    const rows = await this.#catalog.db
      .selectFrom('user_roles')
      .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
      .select(['role_permissions.resource_type', 'role_permissions.action', 'role_permissions.resource_id'])
      .where('user_roles.user_id', '=', userId)
      .execute();
    return {
      user,
      userId: user.id,
      username: user.username,
      isSuperuser: user.is_superuser === 1,
      grants: new Set(rows.map((r) => grantKey(r.resource_type, r.action, r.resource_id))),
    };
  }

  async create(input: {
    username: string;
    passwordHash: string;
    email?: string | null;
    fullName?: string | null;
    isSuperuser?: boolean;
    roles?: string[];
  }): Promise<UserRow> {
    const id = crypto.randomUUID();
    const time = now();
    await this.#catalog.write(async (trx, changed) => {
      await trx
        .insertInto('users')
        .values({
          id,
          username: input.username,
          email: input.email ?? null,
          full_name: input.fullName ?? null,
          password_hash: input.passwordHash,
          is_active: 1,
          is_superuser: flag(input.isSuperuser ?? false),
          tokens_valid_after: new Date(0).toISOString(),
          created_at: time,
          updated_at: time,
        })
        .execute();
      for (const name of input.roles ?? []) {
        const role = await trx.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirstOrThrow();
        await trx.insertInto('user_roles').values({ user_id: id, role_id: role.id }).execute();
      }
      changed('user', id);
    });
    return (await this.byId(id))!;
  }

  async update(
    id: string,
    patch: Partial<Pick<UserRow, 'email' | 'full_name' | 'password_hash' | 'tokens_valid_after' | 'is_active'>>,
  ): Promise<UserRow | undefined> {
    await this.#catalog.write(async (trx, changed) => {
      await trx.updateTable('users').set({ ...patch, updated_at: now() }).where('id', '=', id).execute();
      changed('user', id);
    });
    return this.byId(id);
  }

  /** Role names and ids of several users at once (one query). */
  async #roleRefs(userIds: readonly string[]): Promise<Map<string, { id: string; name: string }[]>> {
    const refs = new Map<string, { id: string; name: string }[]>();
    if (userIds.length === 0) return refs;
    const rows = await this.#catalog.db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select(['user_roles.user_id', 'roles.id', 'roles.name'])
      .where('user_roles.user_id', 'in', [...userIds])
      .orderBy('roles.name')
      .execute();
    for (const r of rows) {
      const list = refs.get(r.user_id) ?? [];
      list.push({ id: r.id, name: r.name });
      refs.set(r.user_id, list);
    }
    return refs;
  }

  async #adminViews(users: readonly UserRow[]): Promise<UserAdminView[]> {
    const refs = await this.#roleRefs(users.map((u) => u.id));
    return users.map((user) => {
      const roles = refs.get(user.id) ?? [];
      return {
        ...publicShape(user, roles.map((r) => r.name)),
        role_ids: roles.map((r) => r.id),
      };
    });
  }

  /** One user as the user-management API shows it; 404 when absent. */
  async adminView(id: string): Promise<UserAdminView> {
    const user = await this.byId(id);
    if (!user) throw notFound(`User ${id} not found`);
    const [view] = await this.#adminViews([user]);
    return view!;
  }

  async list(q: UserListQuery = {}): Promise<Page<UserAdminView>> {
    const { limit, offset } = paging(q);
    let query = this.#catalog.db.selectFrom('users');
    if (q.is_active !== undefined) query = query.where('is_active', '=', flag(q.is_active));
    if (q.username__ilike) query = query.where(containsText('users.username', q.username__ilike));
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('username').limit(limit).offset(offset).execute();
    return { data: await this.#adminViews(rows), total: Number(total.n) };
  }

  /** Creates a user with roles given by id (400 for an unknown one; 409 for a taken user name). */
  async createWithRoleIds(input: UserAdminInput): Promise<UserAdminView> {
    const id = crypto.randomUUID();
    const time = now();
    await this.#catalog.write(async (trx, changed) => {
      await uniquely(
        () =>
          trx
            .insertInto('users')
            .values({
              id,
              username: input.username,
              email: input.email ?? null,
              full_name: input.full_name ?? null,
              password_hash: input.passwordHash,
              is_active: flag(input.is_active ?? true),
              is_superuser: flag(input.is_superuser ?? false),
              tokens_valid_after: new Date(0).toISOString(),
              created_at: time,
              updated_at: time,
            })
            .execute(),
        `A user named "${input.username}" already exists`,
      );
      await setRoles(trx, id, input.role_ids);
      changed('user', id);
    });
    return this.adminView(id);
  }

  /**
   * Changes a user. Deactivating or setting a password makes every token issued before now invalid. The last
   * active superuser cannot be deactivated or lose the flag (400).
   */
  async modify(id: string, patch: UserAdminPatch): Promise<UserAdminView> {
    await this.#catalog.write(async (trx, changed) => {
      const user = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!user) throw notFound(`User ${id} not found`);
      const deactivating = patch.is_active === false && user.is_active === 1;
      const demoting = patch.is_superuser === false && user.is_superuser === 1;
      if ((deactivating || demoting) && user.is_superuser === 1 && user.is_active === 1) {
        if ((await otherActiveSuperusers(trx, id)) === 0) {
          throw badRequest('This is the last active superuser: it cannot be deactivated or lose superuser status');
        }
      }
      const revokeTokens = deactivating || patch.passwordHash !== undefined;
      await trx
        .updateTable('users')
        .set({
          ...(patch.email !== undefined ? { email: patch.email } : {}),
          ...(patch.full_name !== undefined ? { full_name: patch.full_name } : {}),
          ...(patch.is_active !== undefined ? { is_active: flag(patch.is_active) } : {}),
          ...(patch.is_superuser !== undefined ? { is_superuser: flag(patch.is_superuser) } : {}),
          ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
          ...(revokeTokens ? { tokens_valid_after: now() } : {}),
          updated_at: now(),
        })
        .where('id', '=', id)
        .execute();
      await setRoles(trx, id, patch.role_ids);
      changed('user', id);
    });
    return this.adminView(id);
  }

  /** Deletes a user and their role assignments; the last active superuser stays (400). */
  async delete(id: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      const user = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!user) throw notFound(`User ${id} not found`);
      if (user.is_superuser === 1 && user.is_active === 1 && (await otherActiveSuperusers(trx, id)) === 0) {
        throw badRequest('This is the last active superuser: it cannot be deleted');
      }
      await trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
      await trx.deleteFrom('users').where('id', '=', id).execute();
      changed('user', id);
    });
  }

  /** Seeds Admin, Dev and Viewer with their permissions when they are missing. */
  async seedSystemRoles(): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      for (const [name, def] of Object.entries(SYSTEM_ROLES)) {
        const existing = await trx.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirst();
        if (existing) continue;
        const roleId = crypto.randomUUID();
        await trx
          .insertInto('roles')
          .values({ id: roleId, name, description: def.description, is_system: 1, created_at: now() })
          .execute();
        await trx
          .insertInto('role_permissions')
          .values(
            def.permissions.map((p) => ({
              id: crypto.randomUUID(),
              role_id: roleId,
              resource_type: p.resource,
              action: p.action,
              resource_id: null,
            })),
          )
          .execute();
        changed('role', roleId);
      }
    });
  }
}
