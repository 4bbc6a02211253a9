/**
 * Row types of the catalog as Kysely sees them. The same tables live in SQLite and PostgreSQL, so the types
 * are the common ground: ids are UUID text, times are ISO-8601 text (UTC), flags are 0/1 integers and
 * free-form objects are JSON text. Repositories convert at their boundary.
 */
export type Flag = 0 | 1;

export interface CatalogVersionTable {
  id: number;
  version: number;
}

export interface UserTable {
  id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  password_hash: string;
  is_active: Flag;
  is_superuser: Flag;
  /** Tokens issued before this time are refused (password change, deactivation). */
  tokens_valid_after: string;
  created_at: string;
  updated_at: string;
}

export interface RoleTable {
  id: string;
  name: string;
  description: string | null;
  is_system: Flag;
  created_at: string;
}

export interface UserRoleTable {
  user_id: string;
  role_id: string;
}

export interface RolePermissionTable {
  id: string;
  role_id: string;
  resource_type: string;
  action: string;
  /** Null = every object of the type. */
  resource_id: string | null;
}

export interface RevokedTokenTable {
  jti: string;
  expires_at: string;
}

export interface DataSourceTable {
  id: string;
  name: string;
  product_type: string;
  host: string | null;
  port: number | null;
  database: string;
  username: string | null;
  password_encrypted: string | null;
  ssl_mode: string;
  options: string;
  description: string | null;
  is_active: Flag;
  created_at: string;
  updated_at: string;
}

export interface ModuleTable {
  id: string;
  name: string;
  /** URL prefix without slashes; may be empty (`/album` instead of `/chinook/album`). */
  path_prefix: string;
  description: string | null;
  sort_order: number;
  is_active: Flag;
  created_at: string;
  updated_at: string;
}

export interface SpecTable {
  id: string;
  module_id: string;
  filename: string | null;
  /** The document as imported (YAML or JSON text). */
  content: string;
  access_type: 'public' | 'private';
  entity_count: number;
  operation_count: number;
  created_at: string;
  updated_at: string;
}

export interface RouteKeyTable {
  method: string;
  /** Full path with parameters written `{}`. */
  path: string;
  owner_kind: 'spec' | 'endpoint';
  owner_id: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ExecuteEngine = 'sql' | 'script';
export type AccessType = 'public' | 'private';

/** A managed endpoint (pyDBAPI's "API assignment"): the row holds the draft; versions hold what can go live. */
export interface ApiAssignmentTable {
  id: string;
  module_id: string;
  name: string;
  /** Relative to the module prefix, starting with `/`; `{name}` segments are parameters. */
  path: string;
  http_method: HttpMethod;
  execute_engine: ExecuteEngine;
  datasource_id: string | null;
  access_type: AccessType;
  rate_limit_per_minute: number | null;
  description: string | null;
  content: string;
  /** JSON array of parameter definitions. */
  params: string;
  /** JSON array (validation rules; a later issue gives them meaning). */
  param_validates: string;
  result_transform: string | null;
  sort_order: number;
  /** The live version; null = unpublished. */
  published_version_id: string | null;
  /** The highest version number committed so far (numbers are never reused). */
  last_version: number;
  created_at: string;
  updated_at: string;
}

/** An immutable snapshot of an endpoint's executable definition. */
export interface ApiAssignmentVersionTable {
  id: string;
  api_assignment_id: string;
  /** 1, 2, 3… per endpoint. */
  version: number;
  content: string;
  params: string;
  param_validates: string;
  result_transform: string | null;
  /** As it was at commit time; not a foreign key (history must not pin a data source). */
  datasource_id: string | null;
  execute_engine: ExecuteEngine;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
}

/** A Jinja macro library, global (module_id null) or for one module. */
export interface MacroDefTable {
  id: string;
  module_id: string | null;
  name: string;
  macro_type: 'jinja';
  content: string;
  description: string | null;
  published_version_id: string | null;
  last_version: number;
  created_at: string;
  updated_at: string;
}

export interface MacroDefVersionTable {
  id: string;
  macro_def_id: string;
  version: number;
  content: string;
  commit_message: string | null;
  committed_by: string | null;
  committed_at: string;
}

export interface CatalogDatabase {
  catalog_version: CatalogVersionTable;
  users: UserTable;
  roles: RoleTable;
  user_roles: UserRoleTable;
  role_permissions: RolePermissionTable;
  revoked_tokens: RevokedTokenTable;
  datasources: DataSourceTable;
  modules: ModuleTable;
  specs: SpecTable;
  route_keys: RouteKeyTable;
  api_assignments: ApiAssignmentTable;
  api_assignment_versions: ApiAssignmentVersionTable;
  macro_defs: MacroDefTable;
  macro_def_versions: MacroDefVersionTable;
}

/** A gateway client: an application exchanging `client_id` + secret for a gateway token. */
export interface ClientTable {
  id: string;
  name: string;
  /** The public identifier the application sends (generated `cli_…` or given). */
  client_id: string;
  /** argon2id; the secret itself is shown once and never stored. */
  secret_hash: string;
  description: string | null;
  /** Null = the gateway default. */
  rate_limit_per_minute: number | null;
  /** Null = the gateway default. */
  max_concurrent: number | null;
  /** 60–86400. */
  token_expire_seconds: number;
  is_active: Flag;
  /** Gateway tokens issued before this time are refused (secret regenerated, client deactivated). */
  tokens_valid_after: string;
  created_at: string;
  updated_at: string;
}

export interface GroupTable {
  id: string;
  name: string;
  description: string | null;
  is_active: Flag;
  created_at: string;
  updated_at: string;
}

export interface ClientGroupTable {
  client_id: string;
  group_id: string;
}

/** Exactly one of `api_assignment_id` / `module_id` is set; a module grant covers every route of the module. */
export interface GrantColumns {
  id: string;
  api_assignment_id: string | null;
  module_id: string | null;
}
export interface GroupGrantTable extends GrantColumns {
  group_id: string;
}
export interface ClientGrantTable extends GrantColumns {
  client_id: string;
}

// Merged into CatalogDatabase above (declaration merging keeps each area's tables in one place).
export interface CatalogDatabase {
  clients: ClientTable;
  groups: GroupTable;
  client_groups: ClientGroupTable;
  group_grants: GroupGrantTable;
  client_grants: ClientGrantTable;
}

/** An IP firewall rule (migration 005); `client_id` is `clients.id` as text, no foreign key; null = global. */
export interface FirewallRuleTable {
  id: string;
  action: 'allow' | 'deny';
  /** Normalised: host bits cleared, always with a prefix length (`10.0.0.0/8`, `192.168.1.7/32`). */
  cidr: string;
  client_id: string | null;
  description: string | null;
  is_active: Flag;
  sort_order: number;
  created_at: string;
  updated_at: string;
}
export interface CatalogDatabase {
  firewall_rules: FirewallRuleTable;
}

/**
 * One gateway outcome (migration 006). `module` is the module's catalog id, `client_id` the client's row id
 * (`clients.id`); neither is a foreign key (history). `params` and `headers` are JSON text, headers redacted.
 */
export interface AccessLogTable {
  id: string;
  created_at: string;
  endpoint_id: string | null;
  endpoint_version: number | null;
  module: string | null;
  client_id: string | null;
  client_name: string | null;
  ip: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  params: string | null;
  headers: string;
  body: string | null;
  request_id: string;
  error_code: string | null;
}
export interface CatalogDatabase {
  access_logs: AccessLogTable;
}
