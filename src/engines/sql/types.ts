/** The public types of the SQL template engine (re-exported by index.ts). */
import type { Dialect, Pool } from '../../datasources/dialect.ts';

export interface SqlTemplateDefinition {
  /** The endpoint's SQL template (Jinja syntax). */
  content: string;
  /** Published macro sources; each content defines one or more `{% macro %}`. */
  macros: { name: string; content: string }[];
}

export interface RenderedStatement {
  sql: string;
  values: unknown[];
}

export interface RenderedSql {
  statements: RenderedStatement[];
}

export interface CompiledSqlTemplate {
  /** Renders with these (already coerced) parameters into statements with bound values. */
  render(params: Record<string, unknown>, dialect: Dialect, catalogTables?: ReadonlySet<string>): RenderedSql;
}

export interface SqlRunResult {
  data: unknown;
  truncated: boolean;
  statements: { sql: string; values: unknown[]; rowCount: number }[];
}

export interface SqlRunContext {
  pool: Pool;
  dialect: Dialect;
  maxRows: number;
}
