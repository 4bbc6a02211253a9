/**
 * Data sources: connections to users' databases. The password is stored encrypted and leaves this file only
 * inside ConnectionSettings for a pool; the public shape never carries it.
 */
import crypto from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { flag, now } from './catalog.ts';
import type { CatalogDatabase, DataSourceTable } from './schema.ts';
import type { Cipher } from '../auth/encryption.ts';
import type { ConnectionSettings, DataSourceType, SslMode } from '../datasources/dialect.ts';
import { conflict, notFound } from '../errors.ts';

type Row = Selectable<DataSourceTable>;

export interface DataSourceInput {
  name: string;
  product_type: DataSourceType;
  host?: string | null;
  port?: number | null;
  database: string;
  username?: string | null;
  password?: string | null;
  ssl_mode?: SslMode;
  options?: Record<string, unknown>;
  description?: string | null;
  is_active?: boolean;
}

export interface DataSourcePublic {
  id: string;
  name: string;
  product_type: DataSourceType;
  host: string | null;
  port: number | null;
  database: string;
  username: string | null;
  has_password: boolean;
  ssl_mode: SslMode;
  options: Record<string, unknown>;
  description: string | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface DataSourceListQuery {
  page: number;
  page_size: number;
  product_type?: DataSourceType;
  is_active?: boolean;
  name__ilike?: string;
}

const toPublic = (r: Row): DataSourcePublic => ({
  id: r.id,
  name: r.name,
  product_type: r.product_type as DataSourceType,
  host: r.host,
  port: r.port,
  database: r.database,
  username: r.username,
  has_password: r.password_encrypted !== null,
  ssl_mode: r.ssl_mode as SslMode,
  options: JSON.parse(r.options) as Record<string, unknown>,
  description: r.description,
  is_active: r.is_active === 1,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** `%` and `_` in a user's search text are literal. */
const containsPattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class DataSourceRepository {
  readonly #catalog: Catalog;
  readonly #cipher: Cipher;

  constructor(catalog: Catalog, cipher: Cipher) {
    this.#catalog = catalog;
    this.#cipher = cipher;
  }

  async list(q: DataSourceListQuery): Promise<{ data: DataSourcePublic[]; total: number }> {
    let query = this.#catalog.db.selectFrom('datasources');
    if (q.product_type) query = query.where('product_type', '=', q.product_type);
    if (q.is_active !== undefined) query = query.where('is_active', '=', flag(q.is_active));
    if (q.name__ilike) query = query.where(sql<boolean>`lower(name) like ${containsPattern(q.name__ilike)} escape '\\'`);
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('name')
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size)
      .execute();
    return { data: rows.map(toPublic), total: Number(total.n) };
  }

  /** Every data source by name, with its id and type: what specs refer to. */
  async refs(): Promise<Map<string, { id: string; type: DataSourceType }>> {
    const rows = await this.#catalog.db.selectFrom('datasources').select(['id', 'name', 'product_type']).execute();
    return new Map(rows.map((r) => [r.name, { id: r.id, type: r.product_type as DataSourceType }]));
  }

  async get(id: string): Promise<DataSourcePublic> {
    return toPublic(await this.#row(id));
  }

  /** What a pool needs, password decrypted. */
  async settings(id: string): Promise<ConnectionSettings & { isActive: boolean }> {
    return this.#settingsOf(await this.#row(id));
  }

  async create(input: DataSourceInput): Promise<DataSourcePublic> {
    const id = crypto.randomUUID();
    const time = now();
    await this.#catalog.write(async (trx, changed) => {
      await this.#assertNameFree(trx, input.name, null);
      await trx
        .insertInto('datasources')
        .values({
          id,
          name: input.name,
          product_type: input.product_type,
          host: input.host ?? null,
          port: input.port ?? null,
          database: input.database,
          username: input.username ?? null,
          password_encrypted: input.password ? this.#cipher.encrypt(input.password) : null,
          ssl_mode: input.ssl_mode ?? 'disable',
          options: JSON.stringify(input.options ?? {}),
          description: input.description ?? null,
          is_active: flag(input.is_active ?? true),
          created_at: time,
          updated_at: time,
        })
        .execute();
      changed('datasource', id);
    });
    return this.get(id);
  }

  /** Fields left out keep their value; so does the password when it is omitted or null. */
  async update(id: string, patch: Partial<DataSourceInput>): Promise<DataSourcePublic> {
    await this.#row(id);
    await this.#catalog.write(async (trx, changed) => {
      if (patch.name !== undefined) await this.#assertNameFree(trx, patch.name, id);
      const { password, options, is_active, ...plain } = patch;
      await trx
        .updateTable('datasources')
        .set({
          ...plain,
          ...(password ? { password_encrypted: this.#cipher.encrypt(password) } : {}),
          ...(options !== undefined ? { options: JSON.stringify(options) } : {}),
          ...(is_active !== undefined ? { is_active: flag(is_active) } : {}),
          updated_at: now(),
        })
        .where('id', '=', id)
        .execute();
      changed('datasource', id);
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.#row(id);
    await this.#catalog.write(async (trx, changed) => {
      await trx.deleteFrom('datasources').where('id', '=', id).execute();
      changed('datasource', id);
    });
  }

  async #row(id: string): Promise<Row> {
    const row = await this.#catalog.db.selectFrom('datasources').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Data source ${id} not found`);
    return row;
  }

  async #assertNameFree(trx: Transaction<CatalogDatabase>, name: string, exceptId: string | null): Promise<void> {
    let q = trx.selectFrom('datasources').select('id').where('name', '=', name);
    if (exceptId) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) throw conflict(`A data source named "${name}" already exists`);
  }

  #settingsOf(r: Row): ConnectionSettings & { isActive: boolean } {
    return {
      type: r.product_type as DataSourceType,
      host: r.host,
      port: r.port,
      database: r.database,
      username: r.username,
      password: r.password_encrypted ? this.#cipher.decrypt(r.password_encrypted) : null,
      sslMode: r.ssl_mode as SslMode,
      options: JSON.parse(r.options) as Record<string, unknown>,
      isActive: r.is_active === 1,
    };
  }
}
