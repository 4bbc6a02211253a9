/** Shared helpers of the SQL template unit tests. */
import { expect } from 'vitest';
import { mysqlDialect, postgresDialect, sqliteDialect, type Dialect } from '../../../src/datasources/index.ts';
import { compileSqlTemplate, type RenderedSql } from '../../../src/engines/sql/index.ts';
import { AppError } from '../../../src/errors.ts';

export const DIALECTS: Dialect[] = [postgresDialect, mysqlDialect, sqliteDialect];
export { mysqlDialect, postgresDialect, sqliteDialect };

export interface RenderOptions {
  dialect?: Dialect;
  macros?: { name: string; content: string }[];
  tables?: ReadonlySet<string>;
}

export function render(content: string, params: Record<string, unknown> = {}, options: RenderOptions = {}): RenderedSql {
  const compiled = compileSqlTemplate({ content, macros: options.macros ?? [] });
  return compiled.render(params, options.dialect ?? postgresDialect, options.tables);
}

/** The one statement a template renders to. */
export function one(content: string, params: Record<string, unknown> = {}, options: RenderOptions = {}) {
  const { statements } = render(content, params, options);
  expect(statements).toHaveLength(1);
  return statements[0] as { sql: string; values: unknown[] };
}

/** The AppError `fn` throws (fails the test when it throws something else or nothing). */
export function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

/** Compiling or rendering fails with a 400 of `code`. */
export function expect400(fn: () => unknown, code = 'template_error', message?: RegExp): AppError {
  const err = appError(fn);
  expect(err.status).toBe(400);
  expect(err.code).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}
