/**
 * What endpoint and macro versions share: the commit input, the version mechanics (commit, list, get, diff,
 * restore, delete, publish) parameterised by a table descriptor, the unified diff between two snapshots,
 * paging, and the few database details both repositories need (case-insensitive search, unique-violation
 * detection).
 */
import crypto from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { now } from './catalog.ts';
import type { CatalogDatabase } from './schema.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { unifiedDiff } from './diff.ts';

export interface Page<T> {
  data: T[];
  total: number;
}

export interface PageQuery {
  /** 1-based; default 1. */
  page?: number;
  /** Default 20. */
  page_size?: number;
}

export interface CommitInput {
  commit_message?: string | null;
  /** The committing user's name. */
  committed_by?: string | null;
}

export interface VersionDiff {
  from: { id: string; version: number };
  to: { id: string; version: number };
  /** Unified diff (3 lines of context) of every part that differs; empty when the two are identical. */
  diff: string;
}

export function paging(q: PageQuery): { limit: number; offset: number } {
  const page = q.page ?? 1;
  const size = q.page_size ?? 20;
  if (!Number.isInteger(page) || page < 1) throw badRequest('page: must be an integer from 1');
  if (!Number.isInteger(size) || size < 1) throw badRequest('page_size: must be a positive integer');
  return { limit: size, offset: (page - 1) * size };
}

/** `lower(column) like '%text%'` with `%`, `_` and `\` in the user's text taken literally. */
export function containsText(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

/** A unique or primary-key violation from PostgreSQL (23505) or SQLite: another writer won a race. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs an insert whose unique index may be hit by a concurrent writer; answers 409 instead of a 500. */
export async function uniquely<T>(run: () => Promise<T>, message: string): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError(409, 'conflict', message);
    throw err;
  }
}

/** The unified diff of the named parts of two snapshots (`--- v1/content` / `+++ v2/content` per part). */
export function diffSnapshots(
  from: { version: number; parts: Record<string, string> },
  to: { version: number; parts: Record<string, string> },
): string {
  let out = '';
  for (const name of Object.keys(from.parts)) {
    out += unifiedDiff(from.parts[name] ?? '', to.parts[name] ?? '', `v${from.version}/${name}`, `v${to.version}/${name}`);
  }
  return out;
}

/** JSON text for diffing: pretty-printed, one value per line, ending with a newline. */
export const prettyJson = (text: string): string => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;

// ---- versioned aggregates -------------------------------------------------------------------------------

type Db = CatalogDatabase;
type Trx = Transaction<Db>;

/** The columns that make a table the draft of a versioned aggregate. */
interface DraftColumns {
  id: string;
  published_version_id: string | null;
  last_version: number;
  updated_at: string;
}

/** The columns every version table has besides its owner column and the snapshot parts. */
interface VersionColumns {
  id: string;
  version: number;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
}

type TablesWith<C> = { [K in keyof Db]: Db[K] extends C ? K : never }[keyof Db];
type DraftTable = TablesWith<DraftColumns>;
type VersionTable = TablesWith<VersionColumns>;
type OwnerColumn<V extends VersionTable> = { [K in keyof Db[V]]: Db[V][K] extends string ? K : never }[keyof Db[V]] &
  string;

/**
 * One versioned aggregate: its draft table, its versions table and the column there naming the draft, the
 * draft columns a version snapshots (and a restore copies back), and the words its messages use.
 */
export interface Versioned<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>> {
  table: T;
  versions: V;
  owner: O;
  parts: readonly (keyof Db[T] & keyof Db[V] & string)[];
  /** What `changed()` announces and messages say: `endpoint`, `macro`. */
  entity: string;
  /** `Endpoint ${id} not found`. */
  noun: string;
  /** `Version ${id} not found`. */
  versionNoun: string;
  /** The named texts two versions are diffed by. */
  diffParts(v: Selectable<Db[V]>): Record<string, string>;
}

type DraftRow<T extends DraftTable> = Selectable<Db[T]> & DraftColumns;
type VersionRow<V extends VersionTable, O extends string> = Selectable<Db[V]> & VersionColumns & Record<O, string>;
export type VersionSummaryOf<V extends VersionTable, O extends OwnerColumn<V>> = Pick<
  VersionRow<V, O>,
  'id' | O | 'version' | 'commit_message' | 'committed_by' | 'committed_at'
> & { is_published: boolean };

/**
 * The one cast: the helpers below address tables and columns by the descriptor's names, which Kysely cannot
 * resolve through the generics. What they read is typed again from the descriptor.
 */
const untyped = (db: Kysely<Db>) => db as unknown as Kysely<Record<string, Record<string, unknown>>>;

/** The descriptor's names as plain strings, for `untyped` queries. */
const plain = (agg: { table: string; versions: string; owner: string; parts: readonly string[] }) => agg;

/** The named columns of a row (the snapshot parts of a draft or a version). */
const pick = (row: object, columns: readonly string[]) =>
  Object.fromEntries(Object.entries(row).filter(([column]) => columns.includes(column)));

async function rowById(db: Kysely<Db>, table: string, id: string, missing: string): Promise<unknown> {
  const row = await untyped(db).selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(missing);
  return row;
}

export async function draftRow<T extends DraftTable>(
  db: Kysely<Db>,
  agg: { table: T; noun: string },
  id: string,
): Promise<DraftRow<T>> {
  return (await rowById(db, agg.table, id, `${agg.noun} ${id} not found`)) as DraftRow<T>;
}

export async function versionRow<V extends VersionTable, O extends OwnerColumn<V>>(
  db: Kysely<Db>,
  agg: { versions: V; owner: O; versionNoun: string },
  versionId: string,
): Promise<VersionRow<V, O>> {
  return (await rowById(db, agg.versions, versionId, `${agg.versionNoun} ${versionId} not found`)) as VersionRow<V, O>;
}

/** A version of the aggregate `id` (404 when it belongs to another). */
async function ownVersionRow<V extends VersionTable, O extends OwnerColumn<V>>(
  db: Kysely<Db>,
  agg: { versions: V; owner: O; versionNoun: string; entity: string },
  id: string,
  versionId: string,
): Promise<VersionRow<V, O>> {
  const v = await versionRow(db, agg, versionId);
  if (v[agg.owner] !== id) throw notFound(`Version ${versionId} of ${agg.entity} ${id} not found`);
  return v;
}

/** Snapshots the draft as the next version (1, 2, 3…); returns the new version's id. */
export async function commitVersion<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  catalog: Catalog,
  agg: Versioned<T, V, O>,
  id: string,
  commit: CommitInput,
): Promise<string> {
  const { table, versions, owner, parts } = plain(agg);
  const versionId = crypto.randomUUID();
  await catalog.write(async (trx, changed) => {
    // Taking the next number locks the row (PostgreSQL): concurrent commits of one aggregate queue up.
    const bumped = await untyped(trx)
      .updateTable(table)
      .set({ last_version: sql<number>`last_version + 1` })
      .where('id', '=', id)
      .returning('last_version')
      .executeTakeFirst();
    if (!bumped) throw notFound(`${agg.noun} ${id} not found`);
    const version = Number(bumped.last_version);
    const row = await draftRow(trx, agg, id);
    await uniquely(
      () =>
        untyped(trx)
          .insertInto(versions)
          .values({
            id: versionId,
            [owner]: id,
            version,
            ...pick(row, parts),
            commit_message: commit.commit_message ?? null,
            committed_by: commit.committed_by ?? null,
            committed_at: now(),
          })
          .execute(),
      `Version ${version} of ${agg.entity} ${id} was committed concurrently; try again`,
    );
    changed(agg.entity, id);
  });
  return versionId;
}

/** The aggregate's versions, newest first. */
export async function listVersions<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  db: Kysely<Db>,
  agg: Versioned<T, V, O>,
  id: string,
): Promise<VersionSummaryOf<V, O>[]> {
  const { versions, owner } = plain(agg);
  const row = await draftRow(db, agg, id);
  const rows = await untyped(db)
    .selectFrom(versions)
    .select(['id', owner, 'version', 'commit_message', 'committed_by', 'committed_at'])
    .where(owner, '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, is_published: r.id === row.published_version_id }) as VersionSummaryOf<V, O>);
}

/** A version with whether it is the published one. */
export async function getVersion<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  db: Kysely<Db>,
  agg: Versioned<T, V, O>,
  versionId: string,
): Promise<{ row: VersionRow<V, O>; isPublished: boolean }> {
  const v = await versionRow(db, agg, versionId);
  const owner = await draftRow(db, agg, v[agg.owner]);
  return { row: v, isPublished: v.id === owner.published_version_id };
}

/** Unified diff from version `fromId` to version `toId` over the descriptor's diff parts. */
export async function diffVersions<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  db: Kysely<Db>,
  agg: Versioned<T, V, O>,
  fromId: string,
  toId: string,
): Promise<VersionDiff> {
  const [a, b] = [await versionRow(db, agg, fromId), await versionRow(db, agg, toId)];
  return {
    from: { id: a.id, version: a.version },
    to: { id: b.id, version: b.version },
    diff: diffSnapshots({ version: a.version, parts: agg.diffParts(a) }, { version: b.version, parts: agg.diffParts(b) }),
  };
}

/** Copies a version's parts into the draft; `check` may refuse the version first. */
export async function restoreVersion<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  catalog: Catalog,
  agg: Versioned<T, V, O>,
  id: string,
  versionId: string,
  check?: (trx: Trx, row: DraftRow<T>, v: VersionRow<V, O>) => Promise<void>,
): Promise<void> {
  const { table, parts } = plain(agg);
  await catalog.write(async (trx, changed) => {
    const row = await draftRow(trx, agg, id);
    const v = await ownVersionRow(trx, agg, id, versionId);
    if (check) await check(trx, row, v);
    await untyped(trx)
      .updateTable(table)
      .set({ ...pick(v, parts), updated_at: now() })
      .where('id', '=', id)
      .execute();
    changed(agg.entity, id);
  });
}

/** Deletes a version that is not the published one (409 `version_published` otherwise). */
export async function deleteVersion<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  catalog: Catalog,
  agg: Versioned<T, V, O>,
  versionId: string,
): Promise<void> {
  const { versions } = plain(agg);
  await catalog.write(async (trx, changed) => {
    const v = await versionRow(trx, agg, versionId);
    const owner = await draftRow(trx, agg, v[agg.owner]);
    if (owner.published_version_id === versionId) {
      const message = `Version ${v.version} is published; publish another or unpublish first`;
      throw new AppError(409, 'version_published', message);
    }
    await untyped(trx).deleteFrom(versions).where('id', '=', versionId).execute();
    changed(agg.entity, v[agg.owner]);
  });
}

/** Makes a version live (default: the latest; 400 `no_version` when there is none); `check` may refuse it first. */
export async function publishVersion<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  catalog: Catalog,
  agg: Versioned<T, V, O>,
  id: string,
  versionId: string | undefined,
  check?: (trx: Trx, v: VersionRow<V, O>) => Promise<void>,
): Promise<void> {
  const { table, versions, owner } = plain(agg);
  await catalog.write(async (trx, changed) => {
    await draftRow(trx, agg, id);
    let v: VersionRow<V, O>;
    if (versionId) {
      v = await ownVersionRow(trx, agg, id, versionId);
    } else {
      const latest = await untyped(trx)
        .selectFrom(versions)
        .selectAll()
        .where(owner, '=', id)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!latest) throw new AppError(400, 'no_version', 'Nothing to publish: commit a version first');
      v = latest as VersionRow<V, O>;
    }
    if (check) await check(trx, v);
    await untyped(trx).updateTable(table).set({ published_version_id: v.id }).where('id', '=', id).execute();
    changed(agg.entity, id);
  });
}

/** Takes the aggregate off the gateway; `check` may refuse first. */
export async function unpublishVersion<T extends DraftTable, V extends VersionTable, O extends OwnerColumn<V>>(
  catalog: Catalog,
  agg: Versioned<T, V, O>,
  id: string,
  check?: (trx: Trx, row: DraftRow<T>) => Promise<void>,
): Promise<void> {
  const { table } = plain(agg);
  await catalog.write(async (trx, changed) => {
    const row = await draftRow(trx, agg, id);
    if (check) await check(trx, row);
    await untyped(trx).updateTable(table).set({ published_version_id: null }).where('id', '=', id).execute();
    changed(agg.entity, id);
  });
}
