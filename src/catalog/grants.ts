/**
 * What clients and groups share: their grants (per endpoint or per module), their memberships, their paged
 * list; what a client may call through them; and the one read the gateway's access snapshot is built from.
 */
import crypto from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag } from './catalog.ts';
import type { CatalogDatabase } from './schema.ts';
import { containsText, paging, type Page, type PageQuery } from './versions.ts';
import { badRequest, notFound } from '../errors.ts';

type Trx = Transaction<CatalogDatabase>;

export const unique = (ids: (string | null | undefined)[]): string[] => [...new Set(ids.filter((x): x is string => !!x))];
export const sortedIds = (ids: (string | null)[]): string[] => unique(ids).sort();

// ---- rows: list and delete (clients and groups alike) ----------------------------------------------------

export interface NamedListQuery extends PageQuery {
  name__ilike?: string;
  is_active?: boolean;
}

/** A page of `table` ordered by name, filtered by `is_active` and by a piece of the name. */
export async function listByName<T extends 'clients' | 'groups', P>(
  catalog: Catalog,
  table: T,
  q: NamedListQuery,
  toPublic: (r: Selectable<CatalogDatabase[T]>) => P,
): Promise<Page<P>> {
  const { limit, offset } = paging(q);
  // Both tables have the columns used here: query through the group one's types.
  let query = catalog.db.selectFrom(table as 'groups');
  if (q.is_active !== undefined) query = query.where('is_active', '=', flag(q.is_active));
  if (q.name__ilike) query = query.where(containsText(`${table}.name`, q.name__ilike));
  const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('name').limit(limit).offset(offset).execute();
  return { data: (rows as Selectable<CatalogDatabase[T]>[]).map(toPublic), total: Number(total.n) };
}

/** Deletes the row of `table` with this id; 404 (`what` names it) when there is none. */
export async function deleteById(trx: Trx, table: 'clients' | 'groups', id: string, what: string): Promise<void> {
  const gone = await trx.deleteFrom(table).where('id', '=', id).executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0) throw notFound(`${what} ${id} not found`);
}

// ---- grants and memberships ------------------------------------------------------------------------------

/** 400 naming the ids of `table` that do not exist. */
export async function assertExist(
  trx: Trx,
  table: 'api_assignments' | 'modules' | 'groups' | 'clients',
  ids: string[],
  field: string,
): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 200) {
    const rows = await trx.selectFrom(table).select('id').where('id', 'in', ids.slice(i, i + 200)).execute();
    for (const r of rows) found.add(r.id);
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw badRequest(`${field}: not found: ${missing.join(', ')}`);
}

/**
 * Replaces the owner's endpoint grants when `endpointIds` is given and its module grants when `moduleIds` is;
 * a list left out keeps its grants.
 */
export async function replaceGrants(
  trx: Trx,
  table: 'client_grants' | 'group_grants',
  ownerId: string,
  endpointIds: string[] | undefined,
  moduleIds: string[] | undefined,
): Promise<void> {
  // Both tables have the same shape apart from the owner column: write through the client one's types.
  const t = table as 'client_grants';
  const owner = (table === 'client_grants' ? 'client_id' : 'group_id') as 'client_id';
  for (const [column, given, field] of [
    ['api_assignment_id', endpointIds, 'api_assignment_ids'],
    ['module_id', moduleIds, 'module_ids'],
  ] as const) {
    if (given === undefined) continue;
    const ids = unique(given);
    await assertExist(trx, column === 'module_id' ? 'modules' : 'api_assignments', ids, field);
    await trx.deleteFrom(t).where(owner, '=', ownerId).where(column, 'is not', null).execute();
    for (let i = 0; i < ids.length; i += 200) {
      const values = ids.slice(i, i + 200).map((target) => ({
        id: crypto.randomUUID(),
        [owner]: ownerId,
        api_assignment_id: column === 'api_assignment_id' ? target : null,
        module_id: column === 'module_id' ? target : null,
      }));
      await trx.insertInto(t).values(values as { id: string; client_id: string }[]).execute();
    }
  }
}

/**
 * Replaces the memberships of one side when `ids` (of the other side, without repeats) is given: a client's
 * groups (`owner` `client_id`) or a group's clients (`owner` `group_id`).
 */
export async function replaceMemberships(
  trx: Trx,
  owner: 'client_id' | 'group_id',
  ownerId: string,
  ids: string[] | undefined,
): Promise<void> {
  if (ids === undefined) return;
  const other = owner === 'client_id' ? 'group_id' : 'client_id';
  await assertExist(trx, owner === 'client_id' ? 'groups' : 'clients', ids, `${other}s`);
  await trx.deleteFrom('client_groups').where(owner, '=', ownerId).execute();
  if (ids.length) {
    const rows = ids.map((id) => ({ [owner]: ownerId, [other]: id }) as { client_id: string; group_id: string });
    await trx.insertInto('client_groups').values(rows).execute();
  }
}

// ---- what a client may call ------------------------------------------------------------------------------

/** Why a client may call something: its own grant or an active group's, naming an endpoint or a module. */
export interface GrantSource {
  kind: 'direct' | 'group';
  group_id: string | null;
  group_name: string | null;
  scope: 'endpoint' | 'module';
}

export interface EffectiveEndpoint {
  id: string;
  name: string;
  http_method: string;
  /** Relative to the module prefix. */
  path: string;
  module_id: string;
  module: string;
  via: GrantSource[];
}

export interface EffectiveModule {
  id: string;
  name: string;
  path_prefix: string;
  via: GrantSource[];
}

/** One grant reaching a client: an endpoint or a module, and where it comes from. */
export interface Grant {
  endpointId: string | null;
  moduleId: string | null;
  source: Omit<GrantSource, 'scope'>;
}

/** The endpoints and modules `grants` open, each with the grants that open it. */
export async function effectiveGrants(
  catalog: Catalog,
  grants: Grant[],
): Promise<{ effective_endpoints: EffectiveEndpoint[]; effective_modules: EffectiveModule[] }> {
  const db = catalog.db;
  const endpointIds = unique(grants.map((g) => g.endpointId));
  const moduleIds = unique(grants.map((g) => g.moduleId));
  const endpointsWhere = async (column: 'api_assignments.id' | 'api_assignments.module_id', ids: string[]) =>
    ids.length
      ? await db
          .selectFrom('api_assignments')
          .innerJoin('modules', 'modules.id', 'api_assignments.module_id')
          .select([
            'api_assignments.id',
            'api_assignments.name',
            'api_assignments.http_method',
            'api_assignments.path',
            'api_assignments.module_id',
            'modules.name as module',
          ])
          .where(column, 'in', ids)
          .execute()
      : [];
  const byId = await endpointsWhere('api_assignments.id', endpointIds);
  const inModules = await endpointsWhere('api_assignments.module_id', moduleIds);
  const modules = moduleIds.length
    ? await db.selectFrom('modules').select(['id', 'name', 'path_prefix']).where('id', 'in', moduleIds).execute()
    : [];

  const endpoints = new Map<string, EffectiveEndpoint>();
  const add = (e: (typeof byId)[number], via: GrantSource) => {
    let entry = endpoints.get(e.id);
    if (!entry) endpoints.set(e.id, (entry = { ...e, via: [] }));
    entry.via.push(via);
  };
  const effectiveModules = new Map<string, EffectiveModule>(modules.map((m) => [m.id, { ...m, via: [] }]));
  for (const g of grants) {
    if (g.endpointId) {
      const e = byId.find((x) => x.id === g.endpointId);
      if (e) add(e, { ...g.source, scope: 'endpoint' });
    } else if (g.moduleId) {
      effectiveModules.get(g.moduleId)?.via.push({ ...g.source, scope: 'module' });
      for (const e of inModules) if (e.module_id === g.moduleId) add(e, { ...g.source, scope: 'module' });
    }
  }
  const order = <T extends { name: string }>(a: T & { module?: string }, b: T & { module?: string }) =>
    (a.module ?? '').localeCompare(b.module ?? '') || a.name.localeCompare(b.name);
  return {
    effective_endpoints: [...endpoints.values()].sort(order),
    effective_modules: [...effectiveModules.values()].sort(order),
  };
}

// ---- what the gateway's access snapshot is built from ---------------------------------------------------

export interface ClientAccess {
  id: string;
  name: string;
  isActive: boolean;
  tokensValidAfter: string;
  rateLimitPerMinute: number | null;
  maxConcurrent: number | null;
  /** Direct grants and those of the client's active groups. */
  endpointIds: Set<string>;
  moduleIds: Set<string>;
}
/** Every client with its effective grants, in four queries (no per-client query). */
export async function readClientAccess(catalog: Catalog): Promise<Map<string, ClientAccess>> {
  const db = catalog.db;
  const [clients, direct, memberships, groupGrants] = await Promise.all([
    db
      .selectFrom('clients')
      .select(['id', 'name', 'is_active', 'tokens_valid_after', 'rate_limit_per_minute', 'max_concurrent'])
      .execute(),
    db.selectFrom('client_grants').select(['client_id', 'api_assignment_id', 'module_id']).execute(),
    db
      .selectFrom('client_groups')
      .innerJoin('groups', 'groups.id', 'client_groups.group_id')
      .select(['client_groups.client_id', 'client_groups.group_id'])
      .where('groups.is_active', '=', 1)
      .execute(),
    db
      .selectFrom('group_grants')
      .innerJoin('groups', 'groups.id', 'group_grants.group_id')
      .select(['group_grants.group_id', 'group_grants.api_assignment_id', 'group_grants.module_id'])
      .where('groups.is_active', '=', 1)
      .execute(),
  ]);
  const out = new Map<string, ClientAccess>();
  for (const c of clients) {
    out.set(c.id, {
      id: c.id,
      name: c.name,
      isActive: c.is_active === 1,
      tokensValidAfter: c.tokens_valid_after,
      rateLimitPerMinute: c.rate_limit_per_minute,
      maxConcurrent: c.max_concurrent,
      endpointIds: new Set(),
      moduleIds: new Set(),
    });
  }
  const grant = (clientId: string, g: { api_assignment_id: string | null; module_id: string | null }) => {
    const c = out.get(clientId);
    if (!c) return;
    if (g.api_assignment_id) c.endpointIds.add(g.api_assignment_id);
    if (g.module_id) c.moduleIds.add(g.module_id);
  };
  for (const g of direct) grant(g.client_id, g);
  const byGroup = new Map<string, typeof groupGrants>();
  for (const g of groupGrants) byGroup.set(g.group_id, [...(byGroup.get(g.group_id) ?? []), g]);
  for (const m of memberships) for (const g of byGroup.get(m.group_id) ?? []) grant(m.client_id, g);
  return out;
}
