/**
 * Jinja macro libraries, global (no module) or for one module, with drafts, versions and publishing like
 * endpoints. The gateway only ever sees published versions (`publishedMacros`). A name is unique among what
 * one module sees: a module macro cannot share its name with a global one, so a template never has to
 * guess which it meant.
 *
 * Whether an endpoint uses a macro is the template engine's knowledge, not the catalog's: the checks that
 * need it take an `isUsedBy(macroName, content)` predicate.
 */
import crypto from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { now } from './catalog.ts';
import type { CatalogDatabase, MacroDefTable } from './schema.ts';
import * as versions from './versions.ts';
import {
  containsText,
  draftRow,
  paging,
  uniquely,
  type CommitInput,
  type Page,
  type PageQuery,
  type VersionDiff,
} from './versions.ts';
import { AppError, badRequest, conflict, notFound } from '../errors.ts';

type Trx = Transaction<CatalogDatabase>;
type Row = Selectable<MacroDefTable>;

/** Whether `content` (a template or another macro library) uses the macro named `macroName`. */
export type MacroUsePredicate = (macroName: string, content: string) => boolean;

export interface MacroInput {
  /** Null or absent: a global macro. Fixed once created. */
  module_id?: string | null;
  /** A Jinja name: letters, digits, `_`. */
  name: string;
  macro_type?: 'jinja';
  content?: string;
  description?: string | null;
}

export type MacroPatch = Partial<Pick<MacroInput, 'name' | 'content' | 'description'>>;

export interface MacroListQuery extends PageQuery {
  /** A module's macros; null: the global ones; absent: all. */
  module_id?: string | null;
  name__ilike?: string;
  is_published?: boolean;
}

export interface MacroSummary {
  id: string;
  module_id: string | null;
  /** The module's name; null for a global macro. */
  module: string | null;
  name: string;
  macro_type: 'jinja';
  description: string | null;
  is_published: boolean;
  published_version_id: string | null;
  published_version: number | null;
  created_at: string;
  updated_at: string;
}

export interface MacroDetail extends MacroSummary {
  content: string;
}

export interface MacroVersionSummary {
  id: string;
  macro_def_id: string;
  version: number;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
  is_published: boolean;
}

export interface MacroVersion extends MacroVersionSummary {
  content: string;
}

/** A published macro version as templates see it. */
export interface PublishedMacro {
  /** The macro's id. */
  id: string;
  name: string;
  module_id: string | null;
  content: string;
  version: number;
  version_id: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Macro versions snapshot the content. */
const VERSIONS: versions.Versioned<'macro_defs', 'macro_def_versions', 'macro_def_id'> = {
  table: 'macro_defs',
  versions: 'macro_def_versions',
  owner: 'macro_def_id',
  parts: ['content'],
  entity: 'macro',
  noun: 'Macro',
  versionNoun: 'Macro version',
  diffParts: (v) => ({ content: v.content }),
};

export class MacroRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  async list(q: MacroListQuery = {}): Promise<Page<MacroSummary>> {
    const { limit, offset } = paging(q);
    let query = this.#query();
    if (q.module_id === null) query = query.where('d.module_id', 'is', null);
    else if (q.module_id !== undefined) query = query.where('d.module_id', '=', q.module_id);
    if (q.name__ilike) query = query.where(containsText('d.name', q.name__ilike));
    if (q.is_published !== undefined) {
      query = query.where('d.published_version_id', q.is_published ? 'is not' : 'is', null);
    }
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .select(SUMMARY_COLUMNS)
      // Globals first on both backends (they sort NULLs differently).
      .orderBy((eb) => eb.case().when('d.module_id', 'is', null).then(0).else(1).end())
      .orderBy('m.name')
      .orderBy('d.name')
      .limit(limit)
      .offset(offset)
      .execute();
    return { data: rows.map(toSummary), total: Number(total.n) };
  }

  async get(id: string): Promise<MacroDetail> {
    const row = await this.#query().select(SUMMARY_COLUMNS).select('d.content').where('d.id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Macro ${id} not found`);
    return { ...toSummary(row), content: row.content };
  }

  async create(input: MacroInput): Promise<MacroDetail> {
    const name = checkName(input.name);
    if ((input.macro_type ?? 'jinja') !== 'jinja') throw badRequest('macro_type: must be jinja');
    const content = checkText('content', input.content ?? '');
    const id = crypto.randomUUID();
    const moduleId = input.module_id ?? null;
    await this.#catalog.write(async (trx, changed) => {
      if (moduleId !== null) {
        const mod = await trx.selectFrom('modules').select('id').where('id', '=', moduleId).executeTakeFirst();
        if (!mod) throw badRequest(`module_id: module ${moduleId} does not exist`);
      }
      await assertNameFree(trx, name, moduleId, null);
      const time = now();
      await uniquely(
        () =>
          trx
            .insertInto('macro_defs')
            .values({
              id,
              module_id: moduleId,
              name,
              macro_type: 'jinja',
              content,
              description: input.description ?? null,
              published_version_id: null,
              last_version: 0,
              created_at: time,
              updated_at: time,
            })
            .execute(),
        `A macro named "${name}" already exists`,
      );
      changed('macro', id);
    });
    return this.get(id);
  }

  /**
   * Edits the draft. Renaming a published macro that published endpoints or macros use is refused (409
   * `macro_in_use`) when `isUsedBy` is given: they would lose it.
   */
  async update(id: string, patch: MacroPatch, isUsedBy?: MacroUsePredicate): Promise<MacroDetail> {
    const name = patch.name === undefined ? undefined : checkName(patch.name);
    const content = patch.content === undefined ? undefined : checkText('content', patch.content);
    await this.#catalog.write(async (trx, changed) => {
      const row = await draftRow(trx, VERSIONS, id);
      if (name !== undefined && name !== row.name) {
        await assertNameFree(trx, name, row.module_id, id);
        if (isUsedBy && row.published_version_id) await assertUnused(trx, row, isUsedBy, 'renamed');
      }
      await uniquely(
        () =>
          trx
            .updateTable('macro_defs')
            .set({
              ...(name !== undefined ? { name } : {}),
              ...(content !== undefined ? { content } : {}),
              ...(patch.description !== undefined ? { description: patch.description } : {}),
              updated_at: now(),
            })
            .where('id', '=', id)
            .execute(),
        `A macro named "${name ?? ''}" already exists`,
      );
      changed('macro', id);
    });
    return this.get(id);
  }

  /** Deletes the macro and its versions; 409 `macro_in_use` when a published endpoint or macro uses it. */
  async delete(id: string, isUsedBy: MacroUsePredicate): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      const row = await draftRow(trx, VERSIONS, id);
      await assertUnused(trx, row, isUsedBy, 'deleted');
      await trx.deleteFrom('macro_defs').where('id', '=', id).execute();
      changed('macro', id);
    });
  }

  // ---- versions -----------------------------------------------------------------------------------------

  async commitVersion(id: string, commit: CommitInput = {}): Promise<MacroVersion> {
    return this.getVersion(await versions.commitVersion(this.#catalog, VERSIONS, id, commit));
  }

  /** Newest first. */
  async listVersions(id: string): Promise<MacroVersionSummary[]> {
    return versions.listVersions(this.#catalog.db, VERSIONS, id);
  }

  async getVersion(versionId: string): Promise<MacroVersion> {
    const { row, isPublished } = await versions.getVersion(this.#catalog.db, VERSIONS, versionId);
    return { ...row, is_published: isPublished };
  }

  async diffVersions(fromId: string, toId: string): Promise<VersionDiff> {
    return versions.diffVersions(this.#catalog.db, VERSIONS, fromId, toId);
  }

  async restoreVersion(id: string, versionId: string): Promise<MacroDetail> {
    await versions.restoreVersion(this.#catalog, VERSIONS, id, versionId);
    return this.get(id);
  }

  /** Deletes a version that is not the published one (409 `version_published` otherwise). */
  async deleteVersion(versionId: string): Promise<void> {
    await versions.deleteVersion(this.#catalog, VERSIONS, versionId);
  }

  /** Makes a version live (default: the latest; 400 `no_version` when there is none). */
  async publish(id: string, versionId?: string): Promise<MacroDetail> {
    await versions.publishVersion(this.#catalog, VERSIONS, id, versionId);
    return this.get(id);
  }

  /** Takes the macro off the gateway; with `isUsedBy`, refused (409 `macro_in_use`) while published users need it. */
  async unpublish(id: string, isUsedBy?: MacroUsePredicate): Promise<MacroDetail> {
    await versions.unpublishVersion(this.#catalog, VERSIONS, id, async (trx, row) => {
      if (isUsedBy && row.published_version_id) await assertUnused(trx, row, isUsedBy, 'unpublished');
    });
    return this.get(id);
  }

  /** Published macros a module's templates can use: the global ones, then the module's own (null: globals only). */
  async publishedMacros(moduleId: string | null): Promise<PublishedMacro[]> {
    const q = this.#publishedQuery();
    if (moduleId === null) return q.where('d.module_id', 'is', null).execute();
    return q.where((eb) => eb.or([eb('d.module_id', 'is', null), eb('d.module_id', '=', moduleId)])).execute();
  }

  /** Every published macro, global and per module (in the same order), for building the gateway snapshot at once. */
  async allPublishedMacros(): Promise<PublishedMacro[]> {
    return this.#publishedQuery().execute();
  }

  #publishedQuery() {
    return this.#catalog.db
      .selectFrom('macro_defs as d')
      .innerJoin('macro_def_versions as v', 'v.id', 'd.published_version_id')
      .select(['d.id', 'd.name', 'd.module_id', 'v.content', 'v.version', 'v.id as version_id'])
      .orderBy((eb) => eb.case().when('d.module_id', 'is', null).then(0).else(1).end())
      .orderBy('d.module_id')
      .orderBy('d.name');
  }

  #query() {
    return this.#catalog.db
      .selectFrom('macro_defs as d')
      .leftJoin('modules as m', 'm.id', 'd.module_id')
      .leftJoin('macro_def_versions as pv', 'pv.id', 'd.published_version_id');
  }
}

const SUMMARY_COLUMNS = [
  'd.id',
  'd.module_id',
  'm.name as module',
  'd.name',
  'd.macro_type',
  'd.description',
  'd.published_version_id',
  'pv.version as published_version',
  'd.created_at',
  'd.updated_at',
] as const;

function toSummary(r: Omit<MacroSummary, 'is_published'>): MacroSummary {
  return {
    id: r.id,
    module_id: r.module_id,
    module: r.module,
    name: r.name,
    macro_type: r.macro_type,
    description: r.description,
    is_published: r.published_version_id !== null,
    published_version_id: r.published_version_id,
    published_version: r.published_version === null ? null : Number(r.published_version),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 255) {
    throw badRequest('name: a macro name is letters, digits and "_", not starting with a digit');
  }
  return name;
}

function checkText(field: string, value: unknown): string {
  if (typeof value !== 'string') throw badRequest(`${field}: must be text`);
  return value;
}

/**
 * A global name must be free everywhere; a module's name must be free in that module and among globals.
 * The unique indexes back this up against concurrent writers.
 */
async function assertNameFree(trx: Trx, name: string, moduleId: string | null, exceptId: string | null): Promise<void> {
  let q = trx
    .selectFrom('macro_defs as d')
    .leftJoin('modules as m', 'm.id', 'd.module_id')
    .select(['d.id', 'm.name as module'])
    .where('d.name', '=', name);
  if (moduleId !== null) q = q.where((eb) => eb.or([eb('d.module_id', 'is', null), eb('d.module_id', '=', moduleId)]));
  if (exceptId) q = q.where('d.id', '!=', exceptId);
  const clash = await q.executeTakeFirst();
  if (clash) {
    const where = clash.module === null ? 'as a global macro' : `in module "${clash.module}"`;
    throw conflict(`A macro named "${name}" already exists ${where}`);
  }
}

/**
 * 409 `macro_in_use` when a published endpoint version, or another published macro, that can see this macro
 * uses it: every endpoint for a global macro, the module's endpoints for a module's macro.
 */
async function assertUnused(trx: Trx, macro: Row, isUsedBy: MacroUsePredicate, what: string): Promise<void> {
  let endpoints = trx
    .selectFrom('api_assignments as a')
    .innerJoin('api_assignment_versions as v', 'v.id', 'a.published_version_id')
    .innerJoin('modules as m', 'm.id', 'a.module_id')
    .select(['a.name', 'm.name as module', 'v.content']);
  if (macro.module_id !== null) endpoints = endpoints.where('a.module_id', '=', macro.module_id);
  const users: string[] = [];
  for (const e of await endpoints.execute()) {
    if (isUsedBy(macro.name, e.content)) users.push(`endpoint "${e.name}" of module "${e.module}"`);
  }
  let macros = trx
    .selectFrom('macro_defs as d')
    .innerJoin('macro_def_versions as v', 'v.id', 'd.published_version_id')
    .select(['d.name', 'v.content'])
    .where('d.id', '!=', macro.id);
  if (macro.module_id !== null) macros = macros.where('d.module_id', '=', macro.module_id);
  for (const m of await macros.execute()) {
    if (isUsedBy(macro.name, m.content)) users.push(`macro "${m.name}"`);
  }
  if (users.length > 0) {
    const message = `Macro "${macro.name}" cannot be ${what}: published ${users.join(', ')} use it`;
    throw new AppError(409, 'macro_in_use', message, { used_by: users });
  }
}
