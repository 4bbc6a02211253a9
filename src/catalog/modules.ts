/**
 * Modules and the table-API specs imported into them. Importing writes the module, its spec and the route
 * keys it claims in one transaction, so a failed or conflicting import leaves nothing behind and a re-import
 * replaces the old one atomically.
 */
import crypto from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { CatalogDatabase, ModuleTable, SpecTable } from './schema.ts';
import { AppError, notFound } from '../errors.ts';

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

type Trx = Transaction<CatalogDatabase>;

export class ModuleRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
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
      if (mod) {
        await trx.updateTable('modules').set({ path_prefix: input.prefix, updated_at: time }).where('id', '=', mod.id).execute();
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
      await this.#claimRoutes(trx, id, input.routeKeys);
      changed('spec', id);
      return id;
    });
    const summary = (await this.listSpecs()).find((s) => s.id === specId);
    return summary!;
  }

  /** Deletes the spec and its module (and so its routes). */
  async deleteSpec(id: string): Promise<void> {
    const spec = await this.getSpec(id);
    await this.#catalog.write(async (trx, changed) => {
      await trx.deleteFrom('route_keys').where('owner_kind', '=', 'spec').where('owner_id', '=', id).execute();
      await trx.deleteFrom('specs').where('id', '=', id).execute();
      await trx.deleteFrom('modules').where('id', '=', spec.module_id).execute();
      changed('spec', id);
      changed('module', spec.module_id);
    });
  }

  async #claimRoutes(trx: Trx, specId: string, keys: RouteKey[]): Promise<void> {
    await trx.deleteFrom('route_keys').where('owner_kind', '=', 'spec').where('owner_id', '=', specId).execute();
    if (keys.length === 0) return;
    const taken = await trx
      .selectFrom('route_keys')
      .select(['method', 'path'])
      .where((eb) => eb.or(keys.map((k) => eb.and([eb('method', '=', k.method), eb('path', '=', k.path)]))))
      .execute();
    if (taken.length > 0) {
      const list = taken.map((k) => `${k.method} ${k.path}`);
      throw new AppError(409, 'route_conflict', `Routes already served by another module: ${list.join(', ')}`, list);
    }
    for (let i = 0; i < keys.length; i += 200) {
      await trx
        .insertInto('route_keys')
        .values(keys.slice(i, i + 200).map((k) => ({ ...k, owner_kind: 'spec' as const, owner_id: specId })))
        .execute();
    }
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
