/**
 * Managed endpoints (pyDBAPI's "API assignments"): the editable draft on the endpoint row, the immutable
 * versions committed from it, and which version is published. The draft never reaches the gateway; only
 * `publishedEndpoints()` does. An endpoint claims its route key (method + full path) as soon as it exists,
 * published or not, so publishing can never collide.
 */
import crypto from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Catalog } from './catalog.ts';
import { now } from './catalog.ts';
import type {
  AccessType,
  ApiAssignmentTable,
  ApiAssignmentVersionTable,
  CatalogDatabase,
  ExecuteEngine,
  HttpMethod,
} from './schema.ts';
import { claimRoutes, endpointRouteKey, releaseRoutes } from './modules.ts';
import { checkParameters, normaliseEndpointPath, type ParameterDefinition } from './parameters.ts';
import {
  containsText,
  diffSnapshots,
  paging,
  prettyJson,
  uniquely,
  type CommitInput,
  type Page,
  type PageQuery,
  type VersionDiff,
} from './versions.ts';
import { fullPath } from '../gateway/paths.ts';
import { AppError, badRequest, notFound } from '../errors.ts';

export type { ParameterDefinition } from './parameters.ts';
export type { HttpMethod, ExecuteEngine, AccessType } from './schema.ts';

export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const EXECUTE_ENGINES: readonly ExecuteEngine[] = ['sql', 'script'];
export const ACCESS_TYPES: readonly AccessType[] = ['public', 'private'];

type Trx = Transaction<CatalogDatabase>;
type Row = Selectable<ApiAssignmentTable>;
type VersionRow = Selectable<ApiAssignmentVersionTable>;

export interface EndpointInput {
  module_id: string;
  name: string;
  /** Relative to the module prefix; `{name}` segments are parameters. Normalised to start with `/`. */
  path: string;
  http_method: HttpMethod;
  /** Default `sql`. */
  execute_engine?: ExecuteEngine;
  datasource_id?: string | null;
  /** Default `private`. */
  access_type?: AccessType;
  rate_limit_per_minute?: number | null;
  description?: string | null;
  content?: string;
  params?: ParameterDefinition[];
  param_validates?: unknown[];
  result_transform?: string | null;
  sort_order?: number;
}

export interface EndpointListQuery extends PageQuery {
  module_id?: string;
  datasource_id?: string;
  is_published?: boolean;
  name__ilike?: string;
  http_method?: HttpMethod;
  execute_engine?: ExecuteEngine;
  access_type?: AccessType;
}

/** What lists show: no content. */
export interface EndpointSummary {
  id: string;
  module_id: string;
  /** The module's name. */
  module: string;
  name: string;
  path: string;
  /** Method-independent gateway path: `/{prefix}{path}`. */
  full_path: string;
  http_method: HttpMethod;
  execute_engine: ExecuteEngine;
  datasource_id: string | null;
  access_type: AccessType;
  rate_limit_per_minute: number | null;
  description: string | null;
  sort_order: number;
  is_published: boolean;
  published_version_id: string | null;
  /** The published version's number. */
  published_version: number | null;
  created_at: string;
  updated_at: string;
}

/** One endpoint with its draft. */
export interface EndpointDetail extends EndpointSummary {
  content: string;
  params: ParameterDefinition[];
  param_validates: unknown[];
  result_transform: string | null;
}

export interface EndpointVersionSummary {
  id: string;
  api_assignment_id: string;
  version: number;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
  is_published: boolean;
}

export interface EndpointVersion extends EndpointVersionSummary {
  content: string;
  params: ParameterDefinition[];
  param_validates: unknown[];
  result_transform: string | null;
  datasource_id: string | null;
  execute_engine: ExecuteEngine;
}

export interface RecentCommit {
  /** The version's id. */
  id: string;
  api_assignment_id: string;
  endpoint: string;
  module_id: string;
  module: string;
  version: number;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
}

/** Everything the gateway serves one published endpoint from. */
export interface PublishedEndpoint {
  id: string;
  name: string;
  description: string | null;
  module_id: string;
  module: string;
  path_prefix: string;
  http_method: HttpMethod;
  /** Relative to the prefix, `{name}` parameters. */
  path: string;
  full_path: string;
  access_type: AccessType;
  rate_limit_per_minute: number | null;
  sort_order: number;
  version_id: string;
  version: number;
  content: string;
  params: ParameterDefinition[];
  param_validates: unknown[];
  result_transform: string | null;
  datasource_id: string | null;
  execute_engine: ExecuteEngine;
}

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
      const row = await draftRow(trx, id);
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
      await draftRow(trx, id);
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
    const versionId = crypto.randomUUID();
    await this.#catalog.write(async (trx, changed) => {
      // Taking the next number locks the row (PostgreSQL): concurrent commits of one endpoint queue up.
      const bumped = await trx
        .updateTable('api_assignments')
        .set({ last_version: sql<number>`last_version + 1` })
        .where('id', '=', id)
        .returning('last_version')
        .executeTakeFirst();
      if (!bumped) throw notFound(`Endpoint ${id} not found`);
      const version = Number(bumped.last_version);
      const row = await draftRow(trx, id);
      await uniquely(
        () =>
          trx
            .insertInto('api_assignment_versions')
            .values({
              id: versionId,
              api_assignment_id: id,
              version,
              content: row.content,
              params: row.params,
              param_validates: row.param_validates,
              result_transform: row.result_transform,
              datasource_id: row.datasource_id,
              execute_engine: row.execute_engine,
              commit_message: commit.commit_message ?? null,
              committed_by: commit.committed_by ?? null,
              committed_at: now(),
            })
            .execute(),
        `Version ${version} of endpoint ${id} was committed concurrently; try again`,
      );
      changed('endpoint', id);
    });
    return this.getVersion(versionId);
  }

  /** Newest first. */
  async listVersions(id: string): Promise<EndpointVersionSummary[]> {
    const row = await draftRow(this.#catalog.db, id);
    const rows = await this.#catalog.db
      .selectFrom('api_assignment_versions')
      .select(['id', 'api_assignment_id', 'version', 'commit_message', 'committed_by', 'committed_at'])
      .where('api_assignment_id', '=', id)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({ ...r, is_published: r.id === row.published_version_id }));
  }

  async getVersion(versionId: string): Promise<EndpointVersion> {
    const v = await versionRow(this.#catalog.db, versionId);
    const owner = await draftRow(this.#catalog.db, v.api_assignment_id);
    return toVersion(v, owner.published_version_id);
  }

  /** Unified diff from version `fromId` to version `toId`: content, then parameters and settings that differ. */
  async diffVersions(fromId: string, toId: string): Promise<VersionDiff> {
    const [a, b] = [await versionRow(this.#catalog.db, fromId), await versionRow(this.#catalog.db, toId)];
    return {
      from: { id: a.id, version: a.version },
      to: { id: b.id, version: b.version },
      diff: diffSnapshots({ version: a.version, parts: diffParts(a) }, { version: b.version, parts: diffParts(b) }),
    };
  }

  /** Copies a version into the draft (content, parameters, validations, transform, data source, engine). */
  async restoreVersion(id: string, versionId: string): Promise<EndpointDetail> {
    await this.#catalog.write(async (trx, changed) => {
      const row = await draftRow(trx, id);
      const v = await versionRow(trx, versionId);
      if (v.api_assignment_id !== id) throw notFound(`Version ${versionId} of endpoint ${id} not found`);
      try {
        checkParameters(JSON.parse(v.params), row.path);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const message = `Version ${v.version} does not fit the path ${row.path}: ${err.message}`;
        throw new AppError(400, 'invalid_parameters', message);
      }
      if (v.datasource_id) await assertDataSource(trx, v.datasource_id, `The data source of version ${v.version}`);
      await trx
        .updateTable('api_assignments')
        .set({
          content: v.content,
          params: v.params,
          param_validates: v.param_validates,
          result_transform: v.result_transform,
          datasource_id: v.datasource_id,
          execute_engine: v.execute_engine,
          updated_at: now(),
        })
        .where('id', '=', id)
        .execute();
      changed('endpoint', id);
    });
    return this.get(id);
  }

  /** Deletes a version that is not the published one (409 `version_published` otherwise). */
  async deleteVersion(versionId: string): Promise<void> {
    await this.#catalog.write(async (trx, changed) => {
      const v = await versionRow(trx, versionId);
      const owner = await draftRow(trx, v.api_assignment_id);
      if (owner.published_version_id === versionId) {
        const message = `Version ${v.version} is published; publish another or unpublish first`;
        throw new AppError(409, 'version_published', message);
      }
      await trx.deleteFrom('api_assignment_versions').where('id', '=', versionId).execute();
      changed('endpoint', v.api_assignment_id);
    });
  }

  /**
   * Makes a version live (default: the latest; 400 `no_version` when there is none). A `sql` version needs
   * a data source that still exists (400 `no_datasource`).
   */
  async publish(id: string, versionId?: string): Promise<EndpointDetail> {
    await this.#catalog.write(async (trx, changed) => {
      await draftRow(trx, id);
      let v: VersionRow | undefined;
      if (versionId) {
        v = await versionRow(trx, versionId);
        if (v.api_assignment_id !== id) throw notFound(`Version ${versionId} of endpoint ${id} not found`);
      } else {
        v = await trx
          .selectFrom('api_assignment_versions')
          .selectAll()
          .where('api_assignment_id', '=', id)
          .orderBy('version', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!v) throw new AppError(400, 'no_version', 'Nothing to publish: commit a version first');
      }
      if (v.execute_engine === 'sql' && !v.datasource_id) {
        throw new AppError(400, 'no_datasource', `Version ${v.version} has no data source to run on`);
      }
      if (v.datasource_id) {
        const ds = await trx.selectFrom('datasources').select('id').where('id', '=', v.datasource_id).executeTakeFirst();
        if (!ds) throw new AppError(400, 'no_datasource', `The data source of version ${v.version} no longer exists`);
      }
      await trx.updateTable('api_assignments').set({ published_version_id: v.id }).where('id', '=', id).execute();
      changed('endpoint', id);
    });
    return this.get(id);
  }

  async unpublish(id: string): Promise<EndpointDetail> {
    await this.#catalog.write(async (trx, changed) => {
      await draftRow(trx, id);
      await trx.updateTable('api_assignments').set({ published_version_id: null }).where('id', '=', id).execute();
      changed('endpoint', id);
    });
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

function toVersion(v: VersionRow, publishedId: string | null): EndpointVersion {
  return {
    id: v.id,
    api_assignment_id: v.api_assignment_id,
    version: v.version,
    commit_message: v.commit_message,
    committed_by: v.committed_by,
    committed_at: v.committed_at,
    is_published: v.id === publishedId,
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

type Reader = Pick<Catalog['db'], 'selectFrom'>;

async function draftRow(db: Reader, id: string): Promise<Row> {
  const row = await db.selectFrom('api_assignments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Endpoint ${id} not found`);
  return row;
}

async function versionRow(db: Reader, versionId: string): Promise<VersionRow> {
  const row = await db.selectFrom('api_assignment_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
  if (!row) throw notFound(`Version ${versionId} not found`);
  return row;
}

function fromRow(row: Row): EndpointInput {
  return {
    module_id: row.module_id,
    name: row.name,
    path: row.path,
    http_method: row.http_method,
    execute_engine: row.execute_engine,
    datasource_id: row.datasource_id,
    access_type: row.access_type,
    rate_limit_per_minute: row.rate_limit_per_minute,
    description: row.description,
    content: row.content,
    params: JSON.parse(row.params) as ParameterDefinition[],
    param_validates: JSON.parse(row.param_validates) as unknown[],
    result_transform: row.result_transform,
    sort_order: row.sort_order,
  };
}

async function assertDataSource(trx: Trx, id: string, what: string): Promise<void> {
  const ds = await trx.selectFrom('datasources').select('id').where('id', '=', id).executeTakeFirst();
  if (!ds) throw badRequest(`${what} (${id}) does not exist`);
}

/** Checks a whole draft against the catalog; returns the row values and the route key it claims. */
async function checkDraft(trx: Trx, input: EndpointInput) {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > 255) throw badRequest('name: required, at most 255 characters');
  const method = typeof input.http_method === 'string' ? (input.http_method.toUpperCase() as HttpMethod) : undefined;
  if (!method || !HTTP_METHODS.includes(method)) {
    throw badRequest(`http_method: must be one of ${HTTP_METHODS.join(', ')}`);
  }
  const engine = input.execute_engine ?? 'sql';
  if (!EXECUTE_ENGINES.includes(engine)) {
    throw badRequest(`execute_engine: must be one of ${EXECUTE_ENGINES.join(', ')}`);
  }
  const access = input.access_type ?? 'private';
  if (!ACCESS_TYPES.includes(access)) throw badRequest(`access_type: must be one of ${ACCESS_TYPES.join(', ')}`);
  const rate = input.rate_limit_per_minute ?? null;
  if (rate !== null && (!Number.isSafeInteger(rate) || rate < 1)) {
    throw badRequest('rate_limit_per_minute: must be a positive integer or null');
  }
  const sortOrder = input.sort_order ?? 0;
  if (!Number.isSafeInteger(sortOrder)) throw badRequest('sort_order: must be an integer');
  const content = input.content ?? '';
  if (typeof content !== 'string') throw badRequest('content: must be text');
  const transform = input.result_transform ?? null;
  if (transform !== null && typeof transform !== 'string') throw badRequest('result_transform: must be text or null');
  const validates = input.param_validates ?? [];
  if (!Array.isArray(validates)) throw badRequest('param_validates: must be a list');
  const description = input.description ?? null;
  if (description !== null && typeof description !== 'string') throw badRequest('description: must be text or null');
  const path = normaliseEndpointPath(input.path);
  const params = checkParameters(input.params, path);

  const mod = await trx
    .selectFrom('modules')
    .select(['id', 'path_prefix'])
    .where('id', '=', input.module_id ?? '')
    .executeTakeFirst();
  if (!mod) throw badRequest(`module_id: module ${input.module_id} does not exist`);
  const datasourceId = input.datasource_id ?? null;
  if (datasourceId !== null) await assertDataSource(trx, datasourceId, 'datasource_id: data source');
  return {
    key: endpointRouteKey(mod.path_prefix, method, path),
    values: {
      module_id: mod.id,
      name,
      path,
      http_method: method,
      execute_engine: engine,
      datasource_id: datasourceId,
      access_type: access,
      rate_limit_per_minute: rate,
      description,
      content,
      params: JSON.stringify(params),
      param_validates: JSON.stringify(validates),
      result_transform: transform,
      sort_order: sortOrder,
    },
  };
}
