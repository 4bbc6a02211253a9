/**
 * Managed endpoints (pyDBAPI's "API assignments"): the editable draft on the endpoint row, the immutable
 * versions committed from it, and which version is published. The draft never reaches the gateway; only
 * `publishedEndpoints()` does. An endpoint claims its route key (method + full path) as soon as it exists,
 * published or not, so publishing can never collide.
 */
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Catalog } from './catalog.ts';
import { now } from './catalog.ts';
import type { ApiAssignmentVersionTable, HttpMethod } from './schema.ts';
import type {
  EndpointDetail,
  EndpointInput,
  EndpointListQuery,
  EndpointSummary,
  EndpointVersion,
  EndpointVersionSummary,
  PublishedEndpoint,
  RecentCommit,
} from './endpoint-types.ts';
import { claimRoutes, releaseRoutes } from './modules.ts';
import { assertDataSource, checkDraft, fromRow } from './endpoint-drafts.ts';
import { checkParameters, type ParameterDefinition } from './parameters.ts';
import * as versions from './versions.ts';
import { containsText, draftRow, paging, prettyJson, type CommitInput, type Page, type VersionDiff } from './versions.ts';
import { fullPath } from '../gateway/paths.ts';
import { AppError, notFound } from '../errors.ts';

export type { ParameterDefinition } from './parameters.ts';
export type { HttpMethod, ExecuteEngine, AccessType } from './schema.ts';
export type * from './endpoint-types.ts';

export { HTTP_METHODS, EXECUTE_ENGINES, ACCESS_TYPES } from './endpoint-drafts.ts';

type VersionRow = Selectable<ApiAssignmentVersionTable>;

/** Endpoint versions snapshot the executable definition: content, parameters, transform, data source, engine. */
const VERSIONS: versions.Versioned<'api_assignments', 'api_assignment_versions', 'api_assignment_id'> = {
  table: 'api_assignments',
  versions: 'api_assignment_versions',
  owner: 'api_assignment_id',
  parts: ['content', 'params', 'param_validates', 'result_transform', 'datasource_id', 'execute_engine'],
  entity: 'endpoint',
  noun: 'Endpoint',
  versionNoun: 'Version',
  diffParts,
};

export class EndpointRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  async list(q: EndpointListQuery = {}): Promise<Page<EndpointSummary>> {
    const { limit, offset } = paging(q);
    let query = this.#query();
    if (q.module_id) query = query.where('a.module_id', '=', q.module_id);
    if (q.datasource_id) query = query.where('a.datasource_id', '=', q.datasource_id);
    if (q.is_published !== undefined) {
      query = query.where('a.published_version_id', q.is_published ? 'is not' : 'is', null);
    }
    if (q.name__ilike) query = query.where(containsText('a.name', q.name__ilike));
    if (q.http_method) query = query.where('a.http_method', '=', q.http_method.toUpperCase() as HttpMethod);
    if (q.execute_engine) query = query.where('a.execute_engine', '=', q.execute_engine);
    if (q.access_type) query = query.where('a.access_type', '=', q.access_type);
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .select(SUMMARY_COLUMNS)
      .orderBy('m.sort_order')
      .orderBy('m.name')
      .orderBy('a.sort_order')
      .orderBy('a.name')
      .orderBy('a.id')
      .limit(limit)
      .offset(offset)
      .execute();
    return { data: rows.map(toSummary), total: Number(total.n) };
  }

  async get(id: string): Promise<EndpointDetail> {
    const row = await this.#query()
      .select(SUMMARY_COLUMNS)
      .select(['a.content', 'a.params', 'a.param_validates', 'a.result_transform'])
      .where('a.id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`Endpoint ${id} not found`);
    return {
      ...toSummary(row),
      content: row.content,
      params: JSON.parse(row.params) as ParameterDefinition[],
      param_validates: JSON.parse(row.param_validates) as unknown[],
      result_transform: row.result_transform,
    };
  }

  async create(input: EndpointInput): Promise<EndpointDetail> {
    const id = crypto.randomUUID();
    await this.#catalog.write(async (trx, changed) => {
      const time = now();
      const draft = await checkDraft(trx, input);
      await claimRoutes(trx, [{ ...draft.key, owner_kind: 'endpoint', owner_id: id }]);
      await trx
        .insertInto('api_assignments')
        .values({ id, ...draft.values, published_version_id: null, last_version: 0, created_at: time, updated_at: time })
        .execute();
      changed('endpoint', id);
    });
    return this.get(id);
  }

  /** Fields left out keep their value; a new module, path or method re-claims the route key (409 on conflict). */
  async update(id: string, patch: Partial<EndpointInput>): Promise<EndpointDetail> {
    await this.#catalog.write(async (trx, changed) => {
      const row = await draftRow(trx, VERSIONS, id);
      const merged: EndpointInput = {
        ...fromRow(row),
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      };
      const draft = await checkDraft(trx, merged);
      await releaseRoutes(trx, 'endpoint', [id]);
      await claimRoutes(trx, [{ ...draft.key, owner_kind: 'endpoint', owner_id: id }]);
      await trx
        .updateTable('api_assignments')
        .set({ ...draft.values, updated_at: now() })
        .where('id', '=', id)
        .execute();
      changed('endpoint', id);
    });
    return this.get(id);
  }

  /** Deletes the endpoint with its versions and releases its route. */
  async delete(id: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      await draftRow(trx, VERSIONS, id);
      await releaseRoutes(trx, 'endpoint', [id]);
      await trx.deleteFrom('api_assignments').where('id', '=', id).execute();
      changed('endpoint', id);
    });
  }

  /** Endpoints whose draft or published version runs on the data source: deleting it would break them. */
  async endpointsUsingDataSource(datasourceId: string): Promise<{ id: string; name: string; module: string }[]> {
    return this.#catalog.db
      .selectFrom('api_assignments as a')
      .innerJoin('modules as m', 'm.id', 'a.module_id')
      .leftJoin('api_assignment_versions as pv', 'pv.id', 'a.published_version_id')
      .select(['a.id', 'a.name', 'm.name as module'])
      .where((eb) => eb.or([eb('a.datasource_id', '=', datasourceId), eb('pv.datasource_id', '=', datasourceId)]))
      .orderBy('m.name')
      .orderBy('a.name')
      .execute();
  }

  // ---- versions -----------------------------------------------------------------------------------------

  /** Snapshots the draft as the next version (1, 2, 3…). */
  async commitVersion(id: string, commit: CommitInput = {}): Promise<EndpointVersion> {
    return this.getVersion(await versions.commitVersion(this.#catalog, VERSIONS, id, commit));
  }

  /** Newest first. */
  async listVersions(id: string): Promise<EndpointVersionSummary[]> {
    return versions.listVersions(this.#catalog.db, VERSIONS, id);
  }

  async getVersion(versionId: string): Promise<EndpointVersion> {
    const { row, isPublished } = await versions.getVersion(this.#catalog.db, VERSIONS, versionId);
    return toVersion(row, isPublished);
  }

  /** Unified diff from version `fromId` to version `toId`: content, then parameters and settings that differ. */
  async diffVersions(fromId: string, toId: string): Promise<VersionDiff> {
    return versions.diffVersions(this.#catalog.db, VERSIONS, fromId, toId);
  }

  /** Copies a version into the draft (content, parameters, validations, transform, data source, engine). */
  async restoreVersion(id: string, versionId: string): Promise<EndpointDetail> {
    await versions.restoreVersion(this.#catalog, VERSIONS, id, versionId, async (trx, row, v) => {
      try {
        checkParameters(JSON.parse(v.params), row.path);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const message = `Version ${v.version} does not fit the path ${row.path}: ${err.message}`;
        throw new AppError(400, 'invalid_parameters', message);
      }
      if (v.datasource_id) await assertDataSource(trx, v.datasource_id, `The data source of version ${v.version}`);
    });
    return this.get(id);
  }

  /** Deletes a version that is not the published one (409 `version_published` otherwise). */
  async deleteVersion(versionId: string): Promise<void> {
    await versions.deleteVersion(this.#catalog, VERSIONS, versionId);
  }

  /**
   * Makes a version live (default: the latest; 400 `no_version` when there is none). Every version needs a
   * data source that still exists (400 `no_datasource`): SQL runs on it, and a script's `db` and request
   * transaction are bound to it.
   */
  async publish(id: string, versionId?: string): Promise<EndpointDetail> {
    await versions.publishVersion(this.#catalog, VERSIONS, id, versionId, async (trx, v) => {
      if (!v.datasource_id) {
        throw new AppError(400, 'no_datasource', `Version ${v.version} has no data source to run on`);
      }
      if (v.datasource_id) {
        const ds = await trx.selectFrom('datasources').select('id').where('id', '=', v.datasource_id).executeTakeFirst();
        if (!ds) throw new AppError(400, 'no_datasource', `The data source of version ${v.version} no longer exists`);
      }
    });
    return this.get(id);
  }

  async unpublish(id: string): Promise<EndpointDetail> {
    await versions.unpublishVersion(this.#catalog, VERSIONS, id);
    return this.get(id);
  }

  /** The latest commits across all endpoints, newest first (for the dashboard). */
  async recentCommits(limit = 10): Promise<RecentCommit[]> {
    return this.#catalog.db
      .selectFrom('api_assignment_versions as v')
      .innerJoin('api_assignments as a', 'a.id', 'v.api_assignment_id')
      .innerJoin('modules as m', 'm.id', 'a.module_id')
      .select([
        'v.id',
        'v.api_assignment_id',
        'a.name as endpoint',
        'a.module_id',
        'm.name as module',
        'v.version',
        'v.commit_message',
        'v.committed_by',
        'v.committed_at',
      ])
      .orderBy('v.committed_at', 'desc')
      .orderBy('v.version', 'desc')
      .limit(limit)
      .execute();
  }

  /** Every published endpoint of an active module, with its published version: the gateway's input. */
  async publishedEndpoints(): Promise<PublishedEndpoint[]> {
    const rows = await this.#catalog.db
      .selectFrom('api_assignments as a')
      .innerJoin('modules as m', 'm.id', 'a.module_id')
      .innerJoin('api_assignment_versions as v', 'v.id', 'a.published_version_id')
      .select([
        'a.id',
        'a.name',
        'a.description',
        'a.module_id',
        'm.name as module',
        'm.path_prefix',
        'a.http_method',
        'a.path',
        'a.access_type',
        'a.rate_limit_per_minute',
        'a.sort_order',
        'v.id as version_id',
        'v.version',
        'v.content',
        'v.params',
        'v.param_validates',
        'v.result_transform',
        'v.datasource_id',
        'v.execute_engine',
      ])
      .where('m.is_active', '=', 1)
      .orderBy('m.sort_order')
      .orderBy('m.name')
      .orderBy('a.sort_order')
      .orderBy('a.name')
      .execute();
    return rows.map((r) => ({
      ...r,
      full_path: fullPath(r.path_prefix, r.path),
      params: JSON.parse(r.params) as ParameterDefinition[],
      param_validates: JSON.parse(r.param_validates) as unknown[],
    }));
  }

  #query() {
    return this.#catalog.db
      .selectFrom('api_assignments as a')
      .innerJoin('modules as m', 'm.id', 'a.module_id')
      .leftJoin('api_assignment_versions as pv', 'pv.id', 'a.published_version_id');
  }
}

const SUMMARY_COLUMNS = [
  'a.id',
  'a.module_id',
  'm.name as module',
  'm.path_prefix',
  'a.name',
  'a.path',
  'a.http_method',
  'a.execute_engine',
  'a.datasource_id',
  'a.access_type',
  'a.rate_limit_per_minute',
  'a.description',
  'a.sort_order',
  'a.published_version_id',
  'pv.version as published_version',
  'a.created_at',
  'a.updated_at',
] as const;

type SummaryRow = Omit<EndpointSummary, 'full_path' | 'is_published'> & { path_prefix: string };

function toSummary(r: SummaryRow): EndpointSummary {
  const { path_prefix, ...rest } = r;
  return {
    ...rest,
    full_path: fullPath(path_prefix, r.path),
    is_published: r.published_version_id !== null,
    published_version: r.published_version === null ? null : Number(r.published_version),
  };
}

function toVersion(v: VersionRow, isPublished: boolean): EndpointVersion {
  return {
    id: v.id,
    api_assignment_id: v.api_assignment_id,
    version: v.version,
    commit_message: v.commit_message,
    committed_by: v.committed_by,
    committed_at: v.committed_at,
    is_published: isPublished,
    content: v.content,
    params: JSON.parse(v.params) as ParameterDefinition[],
    param_validates: JSON.parse(v.param_validates) as unknown[],
    result_transform: v.result_transform,
    datasource_id: v.datasource_id,
    execute_engine: v.execute_engine,
  };
}

function diffParts(v: VersionRow): Record<string, string> {
  return {
    content: v.content,
    'params.json': prettyJson(v.params),
    'param_validates.json': prettyJson(v.param_validates),
    result_transform: v.result_transform ?? '',
    settings: `execute_engine: ${v.execute_engine}\ndatasource_id: ${v.datasource_id ?? ''}\n`,
  };
}
