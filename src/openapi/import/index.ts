/**
 * Annotated OpenAPI document → TableApiModel. Reads the whole document, collects every problem with its JSON
 * path, and either returns a model or throws one SpecValidationError holding all of them.
 */
import type { TableApiModel } from '../../engines/table/model.ts';
import type { DataSourceRef, ImportContext } from './context.ts';
import { readEntities } from './entities.ts';
import { readOperations } from './operations.ts';
import { Problems, SpecValidationError } from './problems.ts';
import { RefResolver, isObj } from './refs.ts';
import { resolveRelations } from './relations.ts';

export { loadSpecText } from './load.ts';
export { SpecValidationError, jsonPath, type ImportProblem } from './problems.ts';
export type { DataSourceRef } from './context.ts';

export interface BuildContext {
  /** Data sources a schema or operation may name in `x-am-database`. */
  datasources: Map<string, DataSourceRef>;
}

function checkVersion(doc: Record<string, unknown>, problems: Problems): void {
  if (doc['swagger'] !== undefined) {
    problems.add(['swagger'], 'Swagger / OpenAPI 2.0 is not supported: convert the document to OpenAPI 3.0 or 3.1');
    return;
  }
  const version = doc['openapi'];
  if (typeof version !== 'string') {
    problems.add(['openapi'], 'missing: an OpenAPI 3.0 or 3.1 document starts with `openapi: 3.1.0` (or 3.0.x)');
  } else if (!/^3\.[01]\.\d+(-.+)?$/.test(version)) {
    problems.add(['openapi'], `version ${version} is not supported: use OpenAPI 3.0.x or 3.1.x`);
  }
}

export function buildTableModel(doc: unknown, ctx: BuildContext): TableApiModel {
  const problems = new Problems();
  if (!isObj(doc)) {
    throw new SpecValidationError([{ path: '', message: 'the document must be an object (an OpenAPI document)' }]);
  }
  checkVersion(doc, problems);
  const context: ImportContext = { doc, problems, resolver: new RefResolver(doc, problems), datasources: ctx.datasources };
  const drafts = readEntities(context);
  resolveRelations(drafts, problems);
  const operations = readOperations(context);
  if (drafts.length === 0 && operations.length === 0 && problems.empty) {
    problems.add(['components', 'schemas'], 'nothing to serve: no schema has x-am-database and no operation has x-am-sql');
  }
  problems.throwIfAny();
  return { entities: drafts.map((draft) => draft.model), operations };
}
