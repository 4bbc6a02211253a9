/**
 * Roles and their permissions (pyDBAPI's matrix: resource type × action, global or for one object). The system
 * roles (Admin, Dev, Viewer) keep their names and cannot be deleted, but their permissions may be edited.
 */
import crypto from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { now } from './catalog.ts';
import type { CatalogDatabase, RoleTable } from './schema.ts';
import { containsText, paging, uniquely, type Page, type PageQuery } from './versions.ts';
import { ACTIONS, RESOURCE_TYPES, grantKey, type Action, type ResourceType } from '../auth/permissions.ts';
import { badRequest, notFound } from '../errors.ts';

type RoleRow = Selectable<RoleTable>;
type Trx = Transaction<CatalogDatabase>;

export interface RolePermission {
  resource_type: ResourceType;
  action: Action;
  /** Null = every object of the type. */
  resource_id: string | null;
}

/** What callers send: strings, checked against RESOURCE_TYPES and ACTIONS. */
export interface RolePermissionInput {
  resource_type: string;
  action: string;
  resource_id?: string | null;
}

export interface RolePublic {
  id: string;
  name: string;
  description: string | null;
  is_system: boolean;
  user_count: number;
  created_at: string;
}

export interface RoleDetail extends RolePublic {
  permissions: RolePermission[];
}

export interface RoleInput {
  name: string;
  description?: string | null;
  permissions?: RolePermissionInput[];
}

export interface RoleListQuery extends PageQuery {
  name__ilike?: string;
}

const isResourceType = (v: string): v is ResourceType => (RESOURCE_TYPES as readonly string[]).includes(v);
const isAction = (v: string): v is Action => (ACTIONS as readonly string[]).includes(v);

/** Checks every entry (400 naming the bad value and where it is) and drops duplicates. */
export function checkPermissions(input: readonly RolePermissionInput[]): RolePermission[] {
  const seen = new Map<string, RolePermission>();
  input.forEach((p, i) => {
    if (!isResourceType(p.resource_type)) {
      throw badRequest(
        `permissions[${i}].resource_type: "${p.resource_type}" is not one of ${RESOURCE_TYPES.join(', ')}`,
      );
    }
    if (!isAction(p.action)) {
      throw badRequest(`permissions[${i}].action: "${p.action}" is not one of ${ACTIONS.join(', ')}`);
    }
    const permission: RolePermission = { resource_type: p.resource_type, action: p.action, resource_id: p.resource_id ?? null };
    seen.set(grantKey(permission.resource_type, permission.action, permission.resource_id), permission);
  });
  return [...seen.values()];
}

const permissionOrder = (a: RolePermission, b: RolePermission): number =>
  RESOURCE_TYPES.indexOf(a.resource_type) - RESOURCE_TYPES.indexOf(b.resource_type) ||
  ACTIONS.indexOf(a.action) - ACTIONS.indexOf(b.action) ||
  (a.resource_id ?? '').localeCompare(b.resource_id ?? '');

async function replacePermissions(trx: Trx, roleId: string, permissions: readonly RolePermission[]): Promise<void> {
  await trx.deleteFrom('role_permissions').where('role_id', '=', roleId).execute();
  if (permissions.length === 0) return;
  await trx
    .insertInto('role_permissions')
    .values(permissions.map((p) => ({ id: crypto.randomUUID(), role_id: roleId, ...p })))
    .execute();
}

function checkName(name: string | undefined): void {
  if (name !== undefined && name.trim() === '') throw badRequest('name: must not be blank');
}

export class RoleRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  async #userCounts(roleIds: readonly string[]): Promise<Map<string, number>> {
    if (roleIds.length === 0) return new Map();
    const rows = await this.#catalog.db
      .selectFrom('user_roles')
      .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('role_id', 'in', [...roleIds])
      .groupBy('role_id')
      .execute();
    return new Map(rows.map((r) => [r.role_id, Number(r.n)]));
  }

  #toPublic(row: RoleRow, userCount: number): RolePublic {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      is_system: row.is_system === 1,
      user_count: userCount,
      created_at: row.created_at,
    };
  }

  async list(q: RoleListQuery = {}): Promise<Page<RolePublic>> {
    const { limit, offset } = paging(q);
    let query = this.#catalog.db.selectFrom('roles');
    if (q.name__ilike) query = query.where(containsText('roles.name', q.name__ilike));
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('name').limit(limit).offset(offset).execute();
    const counts = await this.#userCounts(rows.map((r) => r.id));
    return { data: rows.map((r) => this.#toPublic(r, counts.get(r.id) ?? 0)), total: Number(total.n) };
  }

  async get(id: string): Promise<RoleDetail> {
    const db = this.#catalog.db;
    const row = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Role ${id} not found`);
    const rows = await db
      .selectFrom('role_permissions')
      .select(['resource_type', 'action', 'resource_id'])
      .where('role_id', '=', id)
      .execute();
    const counts = await this.#userCounts([id]);
    // Rows written by an older version may name a type or action no longer known: they are shown as stored.
    const permissions = rows.map((r) => ({ ...r }) as RolePermission).sort(permissionOrder);
    return { ...this.#toPublic(row, counts.get(id) ?? 0), permissions };
  }

  /** Names and permissions of the roles among `ids` that exist (unknown ids are left out). */
  async withPermissions(ids: readonly string[]): Promise<{ id: string; name: string; permissions: RolePermission[] }[]> {
    if (ids.length === 0) return [];
    const db = this.#catalog.db;
    const roles = await db.selectFrom('roles').select(['id', 'name']).where('id', 'in', [...ids]).execute();
    if (roles.length === 0) return [];
    const rows = await db
      .selectFrom('role_permissions')
      .select(['role_id', 'resource_type', 'action', 'resource_id'])
      .where('role_id', 'in', roles.map((r) => r.id))
      .execute();
    return roles.map((r) => ({
      ...r,
      permissions: rows
        .filter((p) => p.role_id === r.id)
        .map((p) => ({ resource_type: p.resource_type, action: p.action, resource_id: p.resource_id }) as RolePermission),
    }));
  }

  async create(input: RoleInput): Promise<RoleDetail> {
    checkName(input.name);
    const permissions = checkPermissions(input.permissions ?? []);
    const id = crypto.randomUUID();
    await this.#catalog.write(async (trx, changed) => {
      await uniquely(
        () =>
          trx
            .insertInto('roles')
            .values({ id, name: input.name.trim(), description: input.description ?? null, is_system: 0, created_at: now() })
            .execute(),
        `A role named "${input.name.trim()}" already exists`,
      );
      await replacePermissions(trx, id, permissions);
      changed('role', id);
    });
    return this.get(id);
  }

  /** Fields left out keep their value; `permissions`, when given, replaces the role's permissions. */
  async update(id: string, patch: Partial<RoleInput>): Promise<RoleDetail> {
    checkName(patch.name);
    const permissions = patch.permissions === undefined ? undefined : checkPermissions(patch.permissions);
    const name = patch.name?.trim();
    await this.#catalog.write(async (trx, changed) => {
      const row = await trx.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Role ${id} not found`);
      if (row.is_system === 1 && name !== undefined && name !== row.name) {
        throw badRequest(`${row.name} is a system role: it cannot be renamed`);
      }
      if (name !== undefined || patch.description !== undefined) {
        await uniquely(
          () =>
            trx
              .updateTable('roles')
              .set({
                ...(name !== undefined ? { name } : {}),
                ...(patch.description !== undefined ? { description: patch.description } : {}),
              })
              .where('id', '=', id)
              .execute(),
          `A role named "${name ?? ''}" already exists`,
        );
      }
      if (permissions !== undefined) await replacePermissions(trx, id, permissions);
      changed('role', id);
    });
    return this.get(id);
  }

  /**
   * Deletes a custom role with its permissions and its assignments: users who held it keep their other roles.
   * System roles stay (400). Returns how many users lost the role.
   */
  async delete(id: string): Promise<{ unassigned: number }> {
    return this.#catalog.write(async (trx, changed) => {
      const row = await trx.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Role ${id} not found`);
      if (row.is_system === 1) throw badRequest(`${row.name} is a system role: it cannot be deleted`);
      const gone = await trx.deleteFrom('user_roles').where('role_id', '=', id).executeTakeFirst();
      await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
      await trx.deleteFrom('roles').where('id', '=', id).execute();
      changed('role', id);
      return { unassigned: Number(gone.numDeletedRows) };
    });
  }
}
