/** The shapes the endpoint repository takes and returns (see `endpoints.ts`). */
import type { ParameterDefinition } from './parameters.ts';
import type { PageQuery } from './versions.ts';
import type { AccessType, ApiAssignmentTable, ExecuteEngine, HttpMethod } from './schema.ts';

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

/** What lists show: the endpoint row without its draft, and where it is served. */
export interface EndpointSummary
  extends Pick<
    ApiAssignmentTable,
    | 'id'
    | 'module_id'
    | 'name'
    | 'path'
    | 'http_method'
    | 'execute_engine'
    | 'datasource_id'
    | 'access_type'
    | 'rate_limit_per_minute'
    | 'description'
    | 'sort_order'
    | 'published_version_id'
    | 'created_at'
    | 'updated_at'
  > {
  /** The module's name. */
  module: string;
  /** Method-independent gateway path: `/{prefix}{path}`. */
  full_path: string;
  is_published: boolean;
  /** The published version's number. */
  published_version: number | null;
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

/** The executable definition a version snapshots and the gateway serves. */
export interface EndpointDefinition {
  content: string;
  params: ParameterDefinition[];
  param_validates: unknown[];
  result_transform: string | null;
  datasource_id: string | null;
  execute_engine: ExecuteEngine;
}

export interface EndpointVersion extends EndpointVersionSummary, EndpointDefinition {}

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
export interface PublishedEndpoint extends EndpointDefinition {
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
}
