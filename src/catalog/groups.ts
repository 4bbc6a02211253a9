/**
 * Groups of gateway clients. A group's grants (per endpoint or per module) reach its members only while the
 * group is active; switching it off takes them away at the next gateway snapshot.
 */
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { GroupTable } from './schema.ts';
import { uniquely, type Page } from './versions.ts';
import { deleteById, listByName, replaceGrants, replaceMemberships, type NamedListQuery } from './grants.ts';
import { badRequest, notFound } from '../errors.ts';

type GroupRow = Selectable<GroupTable>;

export interface GroupPublic {
  id: string;
  name: string;
  description: string | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface GroupDetail extends GroupPublic {
  api_assignment_ids: string[];
  module_ids: string[];
  client_ids: string[];
}

export interface GroupInput {
  name: string;
  description?: string | null;
  is_active?: boolean;
  /** Replace the grants / members when given. */
  api_assignment_ids?: string[];
  module_ids?: string[];
  client_ids?: string[];
}

export type GroupListQuery = NamedListQuery;

const toPublic = (r: GroupRow): GroupPublic => ({
  id: r.id,
  name: r.name,
  description: r.description,
  is_active: r.is_active === 1,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export class GroupRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  list(q: GroupListQuery = {}): Promise<Page<GroupPublic>> {
    return listByName(this.#catalog, 'groups', q, toPublic);
  }

  async get(id: string): Promise<GroupDetail> {
    const db = this.#catalog.db;
    const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Group ${id} not found`);
    const grants = await db.selectFrom('group_grants').select(['api_assignment_id', 'module_id']).where('group_id', '=', id).execute();
    const members = await db.selectFrom('client_groups').select('client_id').where('group_id', '=', id).execute();
    const ids = (xs: (string | null)[]) => xs.filter((x): x is string => x !== null).sort();
    return {
      ...toPublic(row),
      api_assignment_ids: ids(grants.map((g) => g.api_assignment_id)),
      module_ids: ids(grants.map((g) => g.module_id)),
      client_ids: ids(members.map((m) => m.client_id)),
    };
  }

  async create(input: GroupInput): Promise<GroupDetail> {
    checkName(input.name);
    const id = crypto.randomUUID();
    await this.#catalog.write(async (trx, changed) => {
      const time = now();
      await uniquely(
        () =>
          trx
            .insertInto('groups')
            .values({
              id,
              name: input.name,
              description: input.description ?? null,
              is_active: flag(input.is_active ?? true),
              created_at: time,
              updated_at: time,
            })
            .execute(),
        `A group named "${input.name}" already exists`,
      );
      await replaceGrants(trx, 'group_grants', id, input.api_assignment_ids, input.module_ids);
      await replaceMemberships(trx, 'group_id', id, input.client_ids && [...new Set(input.client_ids)]);
      changed('group', id);
    });
    return this.get(id);
  }

  /** Fields left out keep their value; lists given replace the old ones. */
  async update(id: string, patch: Partial<GroupInput>): Promise<GroupDetail> {
    checkName(patch.name);
    await this.#catalog.write(async (trx, changed) => {
      const row = await trx.selectFrom('groups').select('id').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Group ${id} not found`);
      await uniquely(
        () =>
          trx
            .updateTable('groups')
            .set({
              ...(patch.name !== undefined ? { name: patch.name } : {}),
              ...(patch.description !== undefined ? { description: patch.description } : {}),
              ...(patch.is_active !== undefined ? { is_active: flag(patch.is_active) } : {}),
              updated_at: now(),
            })
            .where('id', '=', id)
            .execute(),
        `A group named "${patch.name ?? ''}" already exists`,
      );
      await replaceGrants(trx, 'group_grants', id, patch.api_assignment_ids, patch.module_ids);
      await replaceMemberships(trx, 'group_id', id, patch.client_ids && [...new Set(patch.client_ids)]);
      changed('group', id);
    });
    return this.get(id);
  }

  /** Deletes the group with its grants and memberships (the clients stay). */
  async delete(id: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      await deleteById(trx, 'groups', id, 'Group');
      changed('group', id);
    });
  }
}

function checkName(name: string | undefined): void {
  if (name !== undefined && name.trim() === '') throw badRequest('name: must not be blank');
}
