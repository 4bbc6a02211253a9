/**
 * Response shapes of the managed-endpoint routes (`/api-assignments/...`), as the endpoint repository returns
 * them (`src/catalog/endpoint-types.ts`). Kept apart from the routes so the dashboard can share `RecentCommit`.
 */
import { Type } from '@fastify/type-provider-typebox';
import { ACCESS_TYPES, EXECUTE_ENGINES, HTTP_METHODS } from '../catalog/endpoints.ts';
import { Nullable, ParameterOut, StringEnum } from './schemas.ts';

/** What lists show: the endpoint without its draft, and where it is served. */
export const EndpointSummaryOut = Type.Object(
  {
    id: Type.String(),
    module_id: Type.String(),
    /** The module's name. */
    module: Type.String(),
    name: Type.String(),
    /** Relative to the module prefix, `{name}` segments are parameters. */
    path: Type.String(),
    /** The gateway path: `/{prefix}{path}`. */
    full_path: Type.String(),
    http_method: StringEnum(HTTP_METHODS),
    execute_engine: StringEnum(EXECUTE_ENGINES),
    datasource_id: Nullable(Type.String()),
    access_type: StringEnum(ACCESS_TYPES),
    rate_limit_per_minute: Nullable(Type.Integer()),
    description: Nullable(Type.String()),
    sort_order: Type.Integer(),
    is_published: Type.Boolean(),
    published_version_id: Nullable(Type.String()),
    published_version: Nullable(Type.Integer()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'EndpointSummary' },
);

/** The executable parts a draft holds and a version snapshots. */
const definition = {
  content: Type.String(),
  params: Type.Array(ParameterOut),
  /** Validation rules (their shape belongs to the script engine). */
  param_validates: Type.Array(Type.Unknown()),
  /** Script run on the result before it is sent; null = none. */
  result_transform: Nullable(Type.String()),
};

/** One endpoint with its draft. */
export const EndpointDetailOut = Type.Object({ ...EndpointSummaryOut.properties, ...definition }, { title: 'EndpointDetail' });

export const EndpointVersionSummaryOut = Type.Object(
  {
    id: Type.String(),
    api_assignment_id: Type.String(),
    version: Type.Integer(),
    commit_message: Nullable(Type.String()),
    committed_by: Nullable(Type.String()),
    committed_at: Type.String(),
    is_published: Type.Boolean(),
  },
  { title: 'EndpointVersionSummary' },
);

export const EndpointVersionOut = Type.Object(
  {
    ...EndpointVersionSummaryOut.properties,
    ...definition,
    datasource_id: Nullable(Type.String()),
    execute_engine: StringEnum(EXECUTE_ENGINES),
  },
  { title: 'EndpointVersion' },
);

/** A commit on any endpoint (the dashboard's "recent changes"). */
export const RecentCommitOut = Type.Object(
  {
    /** The version's id. */
    id: Type.String(),
    api_assignment_id: Type.String(),
    /** The endpoint's name. */
    endpoint: Type.String(),
    module_id: Type.String(),
    module: Type.String(),
    version: Type.Integer(),
    commit_message: Nullable(Type.String()),
    committed_by: Nullable(Type.String()),
    committed_at: Type.String(),
  },
  { title: 'RecentCommit' },
);
