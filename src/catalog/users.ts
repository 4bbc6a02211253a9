/** Administrators, their roles and the permissions those roles grant. */
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { UserTable } from './schema.ts';
import { grantKey, SYSTEM_ROLES, type Principal } from '../auth/permissions.ts';

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
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      full_name: user.full_name,
      is_active: user.is_active === 1,
      is_superuser: user.is_superuser === 1,
      roles: await this.roleNames(user.id),
      created_at: user.created_at,
      updated_at: user.updated_at,
    };
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
