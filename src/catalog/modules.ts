/**
 * Modules, the table-API specs imported into them, and the route keys every route of the gateway claims.
 * Importing writes the module, its spec and the route keys it claims in one transaction, so a failed or
 * conflicting import leaves nothing behind and a re-import replaces the old one atomically. A module's
 * prefix change re-claims the keys of everything it serves (spec routes and endpoints) in one transaction.
 *
 * Deleting a module deletes what it holds: its spec, its endpoints (and their versions), its macros, and
 * releases their route keys.
 */
import crypto from 'node:crypto';
import type { Selectable, SelectQueryBuilder, Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { CatalogDatabase, ModuleTable, SpecTable } from './schema.ts';
import { containsText, paging, uniquely, isUniqueViolation, type Page, type PageQuery } from './versions.ts';
import { checkModuleName, fullPath, normalisePrefix, reservedSegment, routeKey } from '../gateway/paths.ts';
import { AppError, badRequest, conflict, notFound } from '../errors.ts';

export type ModuleRow = Selectable<ModuleTable>;
export type SpecRow = Selectable<SpecTable>;
export interface RouteKey {
  method: string;
  path: string;
}

export interface SpecImport {
  moduleName: string;
  prefix: string;
  filename: string | null;
  content: string;
  access: 'public' | 'private';
  entityCount: number;
  operationCount: number;
  routeKeys: RouteKey[];
}

export interface SpecSummary {
  id: string;
  module_id: string;
  module: string;
  path_prefix: string;
  filename: string | null;
  access_type: 'public' | 'private';
  entity_count: number;
  operation_count: number;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface ModulePublic {
  id: string;
  name: string;
  /** URL prefix without slashes; `""` serves at the root. */
  path_prefix: string;
  description: string | null;
  sort_order: number;
  is_active: boolean;
  endpoint_count: number;
  has_spec: boolean;
  created_at: string;
  updated_at: string;
}

export interface ModuleInput {
  name: string;
  /** Normalised (`"/sales/v1/"` → `"sales/v1"`); default the name; `""` serves at the root. */
  path_prefix?: string;
  description?: string | null;
  sort_order?: number;
  is_active?: boolean;
}

export interface ModuleListQuery extends PageQuery {
  name__ilike?: string;
  is_active?: boolean;
}

type Trx = Transaction<CatalogDatabase>;

export class ModuleRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  async list(q: ModuleListQuery = {}): Promise<Page<ModulePublic>> {
    const { limit, offset } = paging(q);
    let query = this.#catalog.db.selectFrom('modules');
    if (q.is_active !== undefined) query = query.where('is_active', '=', flag(q.is_active));
    if (q.name__ilike) query = query.where(containsText('modules.name', q.name__ilike));
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await withCounts(query).orderBy('sort_order').orderBy('name').limit(limit).offset(offset).execute();
    return { data: rows.map(toModulePublic), total: Number(total.n) };
  }

  async get(id: string): Promise<ModulePublic> {
    const row = await withCounts(this.#catalog.db.selectFrom('modules')).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Module ${id} not found`);
    return toModulePublic(row);
  }

  async create(input: ModuleInput): Promise<ModulePublic> {
    checkModuleName(input.name);
    const prefix = normalisePrefix(input.path_prefix ?? input.name);
    const sortOrder = checkSortOrder(input.sort_order);
    const id = crypto.randomUUID();
    await this.#catalog.write(async (trx, changed) => {
      await assertModuleNameFree(trx, input.name, null);
      const time = now();
      await uniquely(
        () =>
          trx
            .insertInto('modules')
            .values({
              id,
              name: input.name,
              path_prefix: prefix,
              description: input.description ?? null,
              sort_order: sortOrder ?? 0,
              is_active: flag(input.is_active ?? true),
              created_at: time,
              updated_at: time,
            })
            .execute(),
        `A module named "${input.name}" already exists`,
      );
      changed('module', id);
    });
    return this.get(id);
  }

  /** Fields left out keep their value. A new prefix re-claims every route of the module (409 on conflict). */
  async update(id: string, patch: Partial<ModuleInput>): Promise<ModulePublic> {
    if (patch.name !== undefined) checkModuleName(patch.name);
    const prefix = patch.path_prefix === undefined ? undefined : normalisePrefix(patch.path_prefix);
    const sortOrder = checkSortOrder(patch.sort_order);
    await this.#catalog.write(async (trx, changed) => {
      const mod = await trx.selectFrom('modules').selectAll().where('id', '=', id).executeTakeFirst();
      if (!mod) throw notFound(`Module ${id} not found`);
      if (patch.name !== undefined && patch.name !== mod.name) await assertModuleNameFree(trx, patch.name, id);
      if (prefix !== undefined && prefix !== mod.path_prefix) await rekeyModule(trx, mod.id, mod.path_prefix, prefix);
      await uniquely(
        () =>
          trx
            .updateTable('modules')
            .set({
              ...(patch.name !== undefined ? { name: patch.name } : {}),
              ...(prefix !== undefined ? { path_prefix: prefix } : {}),
              ...(patch.description !== undefined ? { description: patch.description } : {}),
              ...(sortOrder !== undefined ? { sort_order: sortOrder } : {}),
              ...(patch.is_active !== undefined ? { is_active: flag(patch.is_active) } : {}),
              updated_at: now(),
            })
            .where('id', '=', id)
            .execute(),
        `A module named "${patch.name ?? ''}" already exists`,
      );
      changed('module', id);
    });
    return this.get(id);
  }

  /** Deletes the module with its spec, endpoints (and their versions) and macros; releases their routes. */
  async delete(id: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      const mod = await trx.selectFrom('modules').select('id').where('id', '=', id).executeTakeFirst();
      if (!mod) throw notFound(`Module ${id} not found`);
      const endpoints = await trx.selectFrom('api_assignments').select('id').where('module_id', '=', id).execute();
      const macros = await trx.selectFrom('macro_defs').select('id').where('module_id', '=', id).execute();
      const specs = await trx.selectFrom('specs').select('id').where('module_id', '=', id).execute();
      await releaseRoutes(trx, 'endpoint', endpoints.map((e) => e.id));
      await releaseRoutes(trx, 'spec', specs.map((s) => s.id));
      await trx.deleteFrom('modules').where('id', '=', id).execute();
      changed('module', id);
      for (const s of specs) changed('spec', s.id);
      for (const e of endpoints) changed('endpoint', e.id);
      for (const m of macros) changed('macro', m.id);
    });
  }

  byName(name: string): Promise<ModuleRow | undefined> {
    return this.#catalog.db.selectFrom('modules').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Every active module's spec, for the gateway snapshot. */
  activeSpecs(): Promise<(SpecRow & { module_name: string; path_prefix: string })[]> {
    return this.#catalog.db
      .selectFrom('specs')
      .innerJoin('modules', 'modules.id', 'specs.module_id')
      .selectAll('specs')
      .select(['modules.name as module_name', 'modules.path_prefix'])
      .where('modules.is_active', '=', 1)
      .orderBy('modules.sort_order')
      .orderBy('modules.name')
      .execute();
  }

  async listSpecs(): Promise<SpecSummary[]> {
    const rows = await this.#specQuery().orderBy('modules.name').execute();
    return rows.map(toSummary);
  }

  async getSpec(id: string): Promise<SpecSummary & { content: string }> {
    const row = await this.#specQuery().select('specs.content').where('specs.id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Spec ${id} not found`);
    return { ...toSummary(row), content: row.content };
  }

  /** Creates or replaces the module's spec; refuses routes another owner already serves (409). */
  async importSpec(input: SpecImport): Promise<SpecSummary> {
    const specId = await this.#catalog.write(async (trx, changed) => {
      const time = now();
      let mod = await trx.selectFrom('modules').selectAll().where('name', '=', input.moduleName).executeTakeFirst();
      let endpointClaims: RouteClaim[] = [];
      if (mod) {
        if (mod.path_prefix !== input.prefix) {
          // The module's endpoints move with it.
          endpointClaims = await moduleEndpointClaims(trx, mod.id, input.prefix);
          await releaseRoutes(trx, 'endpoint', endpointClaims.map((c) => c.owner_id));
        }
        await trx
          .updateTable('modules')
          .set({ path_prefix: input.prefix, updated_at: time })
          .where('id', '=', mod.id)
          .execute();
      } else {
        mod = {
          id: crypto.randomUUID(),
          name: input.moduleName,
          path_prefix: input.prefix,
          description: null,
          sort_order: 0,
          is_active: flag(true),
          created_at: time,
          updated_at: time,
        };
        await trx.insertInto('modules').values(mod).execute();
      }
      changed('module', mod.id);
      const existing = await trx.selectFrom('specs').select('id').where('module_id', '=', mod.id).executeTakeFirst();
      const id = existing?.id ?? crypto.randomUUID();
      const values = {
        filename: input.filename,
        content: input.content,
        access_type: input.access,
        entity_count: input.entityCount,
        operation_count: input.operationCount,
        updated_at: time,
      };
      if (existing) await trx.updateTable('specs').set(values).where('id', '=', id).execute();
      else await trx.insertInto('specs').values({ id, module_id: mod.id, created_at: time, ...values }).execute();
      await releaseRoutes(trx, 'spec', [id]);
      const specClaims = input.routeKeys.map((k) => ({ ...k, owner_kind: 'spec' as const, owner_id: id }));
      await claimRoutes(trx, [...specClaims, ...endpointClaims]);
      changed('spec', id);
      return id;
    });
    const summary = (await this.listSpecs()).find((s) => s.id === specId);
    return summary!;
  }

  /**
   * Deletes the spec and its routes, and the module too when nothing else lives in it (no endpoints, no
   * macros); a module that also holds managed endpoints stays.
   */
  async deleteSpec(id: string): Promise<void> {
    const spec = await this.getSpec(id);
    await this.#catalog.write(async (trx, changed) => {
      await releaseRoutes(trx, 'spec', [id]);
      await trx.deleteFrom('specs').where('id', '=', id).execute();
      changed('spec', id);
      const holds = async (table: 'api_assignments' | 'macro_defs') =>
        (await trx.selectFrom(table).select('id').where('module_id', '=', spec.module_id).executeTakeFirst()) !== undefined;
      if (!(await holds('api_assignments')) && !(await holds('macro_defs'))) {
        await trx.deleteFrom('modules').where('id', '=', spec.module_id).execute();
        changed('module', spec.module_id);
      }
    });
  }

  #specQuery() {
    return this.#catalog.db
      .selectFrom('specs')
      .innerJoin('modules', 'modules.id', 'specs.module_id')
      .select([
        'specs.id',
        'specs.module_id',
        'modules.name as module',
        'modules.path_prefix',
        'modules.is_active',
        'specs.filename',
        'specs.access_type',
        'specs.entity_count',
        'specs.operation_count',
        'specs.created_at',
        'specs.updated_at',
      ]);
  }
}

function toSummary(r: Omit<SpecSummary, 'is_active'> & { is_active: number }): SpecSummary {
  return {
    id: r.id,
    module_id: r.module_id,
    module: r.module,
    path_prefix: r.path_prefix,
    filename: r.filename,
    access_type: r.access_type,
    entity_count: r.entity_count,
    operation_count: r.operation_count,
    is_active: r.is_active === 1,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Modules with how many endpoints and specs they hold. */
function withCounts(query: SelectQueryBuilder<CatalogDatabase, 'modules', object>) {
  return query.selectAll('modules').select((eb) => [
    eb
      .selectFrom('api_assignments')
      .select((e) => e.fn.countAll<number>().as('n'))
      .whereRef('api_assignments.module_id', '=', 'modules.id')
      .as('endpoint_count'),
    eb
      .selectFrom('specs')
      .select((e) => e.fn.countAll<number>().as('n'))
      .whereRef('specs.module_id', '=', 'modules.id')
      .as('spec_count'),
  ]);
}

function toModulePublic(
  r: ModuleRow & { endpoint_count: number | string | null; spec_count: number | string | null },
): ModulePublic {
  return {
    id: r.id,
    name: r.name,
    path_prefix: r.path_prefix,
    description: r.description,
    sort_order: r.sort_order,
    is_active: r.is_active === 1,
    endpoint_count: Number(r.endpoint_count ?? 0),
    has_spec: Number(r.spec_count ?? 0) > 0,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function checkSortOrder(value: number | undefined): number | undefined {
  if (value !== undefined && !Number.isSafeInteger(value)) throw badRequest('sort_order: must be an integer');
  return value;
}

async function assertModuleNameFree(trx: Trx, name: string, exceptId: string | null): Promise<void> {
  let q = trx.selectFrom('modules').select('id').where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw conflict(`A module named "${name}" already exists`);
}

// ---- route keys -----------------------------------------------------------------------------------------

export type RouteOwnerKind = 'spec' | 'endpoint';

export interface RouteClaim extends RouteKey {
  owner_kind: RouteOwnerKind;
  owner_id: string;
}

/** Gives up every key the owners hold. */
export async function releaseRoutes(trx: Trx, kind: RouteOwnerKind, ownerIds: string[]): Promise<void> {
  for (let i = 0; i < ownerIds.length; i += 200) {
    await trx
      .deleteFrom('route_keys')
      .where('owner_kind', '=', kind)
      .where('owner_id', 'in', ownerIds.slice(i, i + 200))
      .execute();
  }
}

/**
 * Claims keys (release the owners' old keys first). A key someone else holds is a 409 `route_conflict` naming
 * the holder; the caller's transaction then rolls back, so nothing is written.
 */
export async function claimRoutes(trx: Trx, claims: RouteClaim[]): Promise<void> {
  if (claims.length === 0) return;
  const seen = new Map<string, RouteClaim>();
  const clashes: { method: string; path: string; owner_kind: RouteOwnerKind; owner_id: string }[] = [];
  for (const c of claims) {
    const key = `${c.method} ${c.path}`;
    const other = seen.get(key);
    if (other && (other.owner_kind !== c.owner_kind || other.owner_id !== c.owner_id)) {
      clashes.push({ method: c.method, path: c.path, owner_kind: other.owner_kind, owner_id: other.owner_id });
    }
    seen.set(key, c);
  }
  const unique = [...seen.values()];
  for (let i = 0; i < unique.length; i += 200) {
    const chunk = unique.slice(i, i + 200);
    const taken = await trx
      .selectFrom('route_keys')
      .selectAll()
      .where((eb) => eb.or(chunk.map((k) => eb.and([eb('method', '=', k.method), eb('path', '=', k.path)]))))
      .execute();
    clashes.push(...taken);
  }
  if (clashes.length > 0) {
    const details = [];
    for (const c of clashes) details.push({ ...c, owner: await describeOwner(trx, c.owner_kind, c.owner_id) });
    const message = details.map((d) => `${d.method} ${d.path} is already served by ${d.owner}`).join('; ');
    throw new AppError(409, 'route_conflict', message, details);
  }
  try {
    for (let i = 0; i < unique.length; i += 200) {
      const rows = unique
        .slice(i, i + 200)
        .map((c) => ({ method: c.method, path: c.path, owner_kind: c.owner_kind, owner_id: c.owner_id }));
      await trx.insertInto('route_keys').values(rows).execute();
    }
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError(409, 'route_conflict', 'A route was claimed by a concurrent change; try again');
    }
    throw err;
  }
}

/** The key an endpoint claims: method + full path under the module prefix; 400 when Portico keeps the path. */
export function endpointRouteKey(prefix: string, method: string, path: string): RouteKey {
  const full = fullPath(prefix, path);
  const reserved = reservedSegment(full);
  if (reserved) throw badRequest(`path: ${full} is reserved by Portico (/${reserved}); give the module a prefix`);
  return routeKey(method, full);
}

/** The keys a module's endpoints would claim under `prefix`. */
async function moduleEndpointClaims(trx: Trx, moduleId: string, prefix: string): Promise<RouteClaim[]> {
  const endpoints = await trx
    .selectFrom('api_assignments')
    .select(['id', 'http_method', 'path'])
    .where('module_id', '=', moduleId)
    .execute();
  return endpoints.map((e) => ({
    ...endpointRouteKey(prefix, e.http_method, e.path),
    owner_kind: 'endpoint',
    owner_id: e.id,
  }));
}

/** Moves every route of the module from one prefix to another, or refuses (409) without writing. */
async function rekeyModule(trx: Trx, moduleId: string, oldPrefix: string, newPrefix: string): Promise<void> {
  const specs = await trx.selectFrom('specs').select('id').where('module_id', '=', moduleId).execute();
  const specKeys = specs.length
    ? await trx
        .selectFrom('route_keys')
        .select(['method', 'path', 'owner_id'])
        .where('owner_kind', '=', 'spec')
        .where('owner_id', 'in', specs.map((s) => s.id))
        .execute()
    : [];
  const specClaims = specKeys.map((k): RouteClaim => {
    // Spec keys were made with fullPath(oldPrefix, route): take the prefix off, put the new one on.
    const path = fullPath(newPrefix, oldPrefix ? k.path.slice(oldPrefix.length + 1) : k.path);
    const reserved = reservedSegment(path);
    if (reserved) throw badRequest(`path_prefix: route ${path} would be reserved by Portico (/${reserved})`);
    return { method: k.method, path, owner_kind: 'spec', owner_id: k.owner_id };
  });
  const endpointClaims = await moduleEndpointClaims(trx, moduleId, newPrefix);
  await releaseRoutes(trx, 'spec', specs.map((s) => s.id));
  await releaseRoutes(trx, 'endpoint', endpointClaims.map((c) => c.owner_id));
  await claimRoutes(trx, [...specClaims, ...endpointClaims]);
}

async function describeOwner(trx: Trx, kind: RouteOwnerKind, id: string): Promise<string> {
  if (kind === 'endpoint') {
    const row = await trx
      .selectFrom('api_assignments')
      .innerJoin('modules', 'modules.id', 'api_assignments.module_id')
      .select(['api_assignments.name', 'modules.name as module'])
      .where('api_assignments.id', '=', id)
      .executeTakeFirst();
    return row ? `endpoint "${row.name}" of module "${row.module}"` : `endpoint ${id}`;
  }
  const row = await trx
    .selectFrom('specs')
    .innerJoin('modules', 'modules.id', 'specs.module_id')
    .select('modules.name')
    .where('specs.id', '=', id)
    .executeTakeFirst();
  return row ? `the table API of module "${row.name}"` : `spec ${id}`;
}
