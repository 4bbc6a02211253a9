/**
 * SQL templates (the `sql` engine's core): Jinja-syntax templates, rendered by nunjucks in a sandbox, where
 * every `{{ expression }}` becomes a bound parameter and never SQL text. See docs/sql-templates.md.
 *
 * - `compileSqlTemplate(def)` once per published version → `render(params, dialect, tables)` per request;
 * - `runRenderedSql(rendered, ctx)` runs the statements (one transaction when more than one, or any writes);
 * - `macroNamesUsed` / `macroNamesDefined` for the catalog's publish and delete checks.
 *
 * Layout: fragment.ts (binding core), sandbox.ts + validate.ts (run-time and compile-time sandbox),
 * filters.ts, clauses.ts (`{% where %}`, `{% set_clause %}`), statements.ts (markers → placeholders),
 * compile.ts, run.ts, nunjucks.ts (typed nunjucks internals).
 */
export type {
  CompiledSqlTemplate, RenderedSql, RenderedStatement, SqlRunContext, SqlRunResult, SqlTemplateDefinition,
} from './types.ts';
export { compileSqlTemplate, macroNamesDefined, macroNamesUsed } from './compile.ts';
export { runRenderedSql } from './run.ts';
export { LIMITS as SQL_TEMPLATE_LIMITS } from './fragment.ts';
